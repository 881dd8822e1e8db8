"""网页版 wheels/ 下随书提供的 wheel（make book 打包）放进当前文件夹时，设置单元离线就能装上。"""

import pytest
from conftest import ROOT, run_setup_cell

from book_tools import setup_cell


def test_the_shipped_wheel_in_the_current_folder_installs_offline(tmp_path):
    wheel = ROOT / "_build" / "html" / "wheels" / setup_cell.wheel_name(ROOT)
    if not wheel.exists():
        pytest.fail(f"没有找到 {wheel}：先运行 make book（make test 会自动先构建）")
    (tmp_path / wheel.name).write_bytes(wheel.read_bytes())
    target = tmp_path / "target"
    result = run_setup_cell(tmp_path, PIP_TARGET=str(target), PIP_NO_DEPS="1")
    assert result.returncode == 0, result.stderr
    assert "没能" not in result.stdout
    assert result.stdout.count("正在安装 lesson_utils") == 1  # 第一个来源（上传的 wheel）就成功了
    assert (target / "lesson_utils" / "compare.py").exists()
    assert (target / "lesson_utils" / "fonts" / "OFL.txt").exists()
