import random
import subprocess
import sys

import numpy as np
import pytest
import torch

from lesson_utils.devices import available_devices, get_device, seed_everything


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
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "cuBLAS" not in result.stderr, result.stderr
