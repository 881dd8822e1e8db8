"""结论清单（附录，由 book_tools.sphinx_ext.claim_ledger 构建时生成）与各页的 claim 一一对应。

三层检查：
1. 每个笔记本里每个 ``claim(..., key=...)`` 调用，在同一个单元存下的输出里都有它打印的
   ``✓ [key]`` 行，输出里的每一行也都来自这个单元的某个调用（改了代码却没重新执行，这里就会失败）；
2. 编号全书唯一，并以所在页的节号开头；
3. 构建好的清单页列出的结论恰好是各页存下的全部结论（tests/book/test_claim_ledger_built.py）。
"""

import ast
import json
import re

import pytest
from conftest import ROOT, printed_keys, stored_claims

from lesson_utils.claims import KEY_PATTERN

NOTEBOOKS = sorted(
    p for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
)


def code_of(cell):
    """单元的源码，去掉 IPython 的 % 与 ! 行（ast 不认识它们）。"""
    source = "".join(cell["source"])
    lines = source.splitlines()
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in lines)


def key_patterns(source, where):
    """源码里每个 claim(...) 的编号：字面量原样；f-string 变成正则，花括号的部分匹配任意短名。"""
    patterns = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if name != "claim":
            continue
        key = next((k.value for k in node.keywords if k.arg == "key"), None)
        if key is None:
            pytest.fail(f"{where}：claim(...) 没有 key=（第 {node.lineno} 行）")
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            patterns.append(re.escape(key.value))
        elif isinstance(key, ast.JoinedStr):
            parts = [
                re.escape(part.value) if isinstance(part, ast.Constant) else "[a-z0-9.-]+"
                for part in key.values
            ]
            patterns.append("".join(parts))
        else:
            pytest.fail(f"{where}：claim 的 key 应是字符串或 f-string（第 {node.lineno} 行）")
    return patterns


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_claim_call_printed_its_line_in_the_same_cell(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for index, cell in enumerate(cells):
        if cell["cell_type"] != "code":
            continue
        where = f"{path.name} 代码单元 {index}"
        patterns = key_patterns(code_of(cell), where)
        keys = printed_keys(cell)
        for pattern in patterns:
            assert any(re.fullmatch(pattern, k) for k in keys), (
                f"{where}：claim(key={pattern!r}) 没有存下的 ✓ 行——重新执行这一页"
            )
        for key in keys:
            assert any(re.fullmatch(p, key) for p in patterns), (
                f"{where}：输出里的结论 {key} 不来自这个单元的 claim(...)"
            )


def test_keys_are_unique_and_carry_their_page_number():
    claims = stored_claims()
    assert claims, "各页没有存下任何 ✓ [编号] 行"
    for key, pages in claims.items():
        assert len(pages) == 1, f"结论编号 {key} 出现了 {len(pages)} 次：{pages}"
        assert KEY_PATTERN.fullmatch(key), key
        number = re.search(r"/([0-9])-([0-9])-", pages[0])
        prefix = f"{number[1]}.{number[2]}-" if number else "A-"
        assert key.startswith(prefix), f"{pages[0]} 的结论编号 {key} 应以 {prefix} 开头"


def test_evidence_is_split_at_the_matching_bracket():
    from book_tools.sphinx_ext.claim_ledger import split_evidence

    assert split_evidence("裁剪后都收敛（5/5）") == ("裁剪后都收敛", "5/5")
    assert split_evidence("比值（NumPy/PyTorch）在 10 以内（中位数 3.2（3 次））") == (
        "比值（NumPy/PyTorch）在 10 以内",
        "中位数 3.2（3 次）",
    )
    assert split_evidence("没有证据") == ("没有证据", "")
