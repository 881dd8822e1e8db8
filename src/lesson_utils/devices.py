"""设备与随机种子：有 GPU 时在 cuda 上验证，否则在 cpu 上；一次调用固定所有随机源。

torch 在用到它的函数里才导入：第 1 章、2.3–2.5 节等不用 PyTorch 的页面只要 seed_everything，
不必为它多花约 2 秒导入 torch。
"""

import random
import sys
import warnings

import numpy as np

from lesson_utils.claims import seed_shift


def disable_tf32():
    """关闭 TF32。

    在 Ampere 及更新的 NVIDIA GPU 上，cuDNN 卷积默认用 TF32（只有 10 位尾数）计算 float32，
    误差约 1e-3，会让“与 PyTorch 对照”的结论失真。float64 不受影响，但我们统一关掉。
    """
    import torch

    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False


def get_device(prefer_gpu=True, verbose=True):
    """返回 ``torch.device``：有可用的 CUDA GPU 且 prefer_gpu 时为 cuda，否则为 cpu。"""
    import torch

    use_cuda = prefer_gpu and torch.cuda.is_available()
    device = torch.device("cuda" if use_cuda else "cpu")
    disable_tf32()
    if use_cuda:
        warm_up_cuda(device)
    if verbose:
        print(f"验证设备：{describe_device(device)}")
    return device


def warm_up_cuda(device):
    """在 GPU 上做一次极小的矩阵乘法及其反向，提前建立 CUDA 上下文与 cuBLAS 句柄。

    autograd 在自己的线程里跑反向；若那个线程第一次调用 cuBLAS 时还没有“当前上下文”，
    PyTorch 会向 stderr 发一条 “Attempting to run cuBLAS, but there was no current CUDA context”
    的警告（只发一次，结果不受影响）。在这里先触发并只屏蔽这一条，后面的验证输出就是干净的。
    """
    import torch

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Attempting to run cuBLAS")
        a = torch.ones(2, 2, device=device, requires_grad=True)
        (a @ a).sum().backward()
    torch.cuda.synchronize(device)


def describe_device(device):
    """人能读懂的设备名，如 ``cpu`` 或 ``cuda (NVIDIA H100 80GB HBM3)``。"""
    import torch

    device = torch.device(device)
    if device.type == "cuda":
        return f"cuda ({torch.cuda.get_device_name(device)})"
    return device.type


def available_devices():
    """本机所有可用于验证的设备：总有 cpu，有 GPU 时再加 cuda。"""
    import torch

    devices = [torch.device("cpu")]
    if torch.cuda.is_available():
        devices.append(torch.device("cuda"))
    return devices


def seed_everything(seed=0):
    """同时固定 Python ``random``、NumPy 全局随机数、PyTorch（含 CUDA）的种子。

    返回一个用同一种子创建的 ``np.random.Generator``：书中的代码都用它（而不是全局的
    ``np.random``）取随机数，这样每个笔记本重新运行时得到完全相同的结果。

    种子测试（``make seeds``）设置环境变量 LESSON_SEED_SHIFT，这里的种子随之整体平移，
    整页在另一组随机数下重跑；正文的结论（``lesson_utils.claims``）必须照样成立。

    PyTorch 的种子只在 torch 已经导入时设置（不用 torch 的页面因此不必导入它）：
    用到 torch 的笔记本先 ``import torch``，再调用本函数（tests/book 检查每一页都是这样）。
    """
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed_everything: 参数 seed 应为非负整数，实际为 {seed!r}")
    seed = int(seed) + seed_shift()
    random.seed(seed)
    np.random.seed(seed)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.manual_seed(seed)  # 也会设置所有 CUDA 设备的种子
    return np.random.default_rng(seed)
