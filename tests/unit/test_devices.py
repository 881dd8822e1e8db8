import random
import subprocess
import sys

import nbformat
import numpy as np
import pytest
import torch
from conftest import ROOT

from lesson_utils.devices import available_devices, get_device, seed_everything


def run_python(code):
    """在新进程里运行 code（导入状态是干净的），出错即失败。"""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)


def test_get_device_prefers_cuda_only_when_available(capsys):
    device = get_device()
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert device.type == expected
    assert "验证设备：" in capsys.readouterr().out
    assert get_device(prefer_gpu=False, verbose=False).type == "cpu"


def test_tf32_is_switched_off():
    torch.backends.cudnn.allow_tf32 = True
    get_device(verbose=False)
    assert torch.backends.cudnn.allow_tf32 is False
    assert torch.backends.cuda.matmul.allow_tf32 is False


def test_seed_everything_makes_all_sources_repeat():
    def draw():
        rng = seed_everything(123)
        return rng.normal(), np.random.rand(), random.random(), torch.rand(1).item()

    assert draw() == draw()


def test_pages_without_pytorch_do_not_import_it():
    """不用 PyTorch 的页面导入的模块都不会顺带导入 torch（省下约 2 秒）。"""
    code = (
        "import sys\n"
        "import lesson_utils.claims, lesson_utils.data, lesson_utils.devices\n"
        "import lesson_utils.explore, lesson_utils.nn, lesson_utils.plotting\n"
        "lesson_utils.devices.seed_everything(0)\n"
        "print('torch' in sys.modules)\n"
    )
    result = run_python(code)
    assert result.stdout.strip() == "False"


def test_every_page_that_uses_torch_imports_it_before_seeding():
    """seed_everything 只给已导入的 torch 设种子，所以用 torch 的页面必须先导入它。"""
    late = []
    for path in sorted((ROOT / "book").rglob("*.ipynb")):
        code = "\n".join(
            cell.source
            for cell in nbformat.read(path, as_version=4).cells
            if cell.cell_type == "code"
        )
        uses_torch = "torch." in code
        seeded_at = code.find("seed_everything(")
        if uses_torch and seeded_at >= 0 and not 0 <= code.find("import torch") < seeded_at:
            late.append(path.name)
    assert not late, f"这些页面用 torch，却在 import torch 之前调用了 seed_everything：{late}"


def test_bad_seed():
    with pytest.raises(ValueError, match="seed"):
        seed_everything(-1)


def test_cpu_is_always_available():
    assert available_devices()[0].type == "cpu"


@pytest.mark.skipif(not torch.cuda.is_available(), reason="需要 GPU")
def test_first_backward_on_cuda_writes_nothing_to_stderr():
    """新进程里第一次在 GPU 上反向传播：get_device() 已建好 CUDA 上下文，torch 不再警告 cuBLAS。"""
    code = (
        "import torch\n"
        "from lesson_utils.devices import get_device\n"
        "device = get_device(verbose=False)\n"
        "a = torch.ones(3, 3, device=device, dtype=torch.float64, requires_grad=True)\n"
        "(a @ a).sum().backward()\n"
        "torch.cuda.synchronize()\n"
    )
    result = run_python(code)
    assert "cuBLAS" not in result.stderr, result.stderr
