"""种子测试（make seeds）：把全书的种子整体平移，重新执行第 1–3 章的每一页。

每页的结论都由 ``lesson_utils.claims.claim`` 断言；换一组种子，任何一个结论不成立，那一格就抛出
``ClaimFailed``，这里的测试随之失败。不比较输出（数字本来就会变），只要求每个结论照样成立。
默认的 ``make test`` 不跑它（要把每页执行 3 遍），``make seeds`` 与 CI 跑。
"""

import os

import nbformat
import pytest
from conftest import ROOT
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from lesson_utils.claims import SEED_SHIFTS_TESTED

NOTEBOOKS = sorted(p for ch in ("ch1", "ch2", "ch3") for p in (ROOT / "book" / ch).glob("*.ipynb"))
SHIFTS = SEED_SHIFTS_TESTED  # 三组与存储输出（平移 0）不同的种子；结论清单页也列出它们


@pytest.mark.seeds
@pytest.mark.parametrize("shift", SHIFTS)
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_claims_hold_under_other_seeds(path, shift, monkeypatch):
    monkeypatch.setenv("LESSON_SEED_SHIFT", str(shift))
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute(env=dict(os.environ))
    except CellExecutionError as error:
        pytest.fail(f"{path.name}（LESSON_SEED_SHIFT={shift}）：{error}", pytrace=False)


def test_every_chapter_page_asserts_a_claim():
    """每个第 1–3 章的页面都至少断言一个从运行得出的结论。"""
    missing = [p.name for p in NOTEBOOKS if "claim(" not in p.read_text(encoding="utf-8")]
    assert not missing, f"这些页面没有用 claim(...) 断言任何结论：{missing}"
