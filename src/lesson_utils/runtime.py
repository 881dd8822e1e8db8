"""运行环境的两处调整，导入 lesson_utils 时生效。两者都只改快慢，不改算出的任何一位。

本书的矩阵都很小（几十到几百行），在 2 核的机器上，花在 NumPy 算术以外的时间反而是大头：

1. **缺页**（``keep_freed_memory``）。NumPy 的每个运算都新建一个结果数组。glibc 的 malloc 把
   128 KB 以上的块直接向操作系统要（mmap），释放时立刻还回去；下一个同样大的数组又得重新要，
   每一页（4 KB）第一次写入都触发一次缺页中断（page fault）。一个 (1077, 64) 的 float64 数组
   有 540 KB、135 页。在虚拟机里缺页很贵：本书的机器上 ``np.exp`` 作用在这样一个数组上要
   0.55 ms，其中约 0.45 ms 花在缺页上。调大 glibc 的两个阈值（``mallopt``），32 MB 以下的块
   都从进程自己的堆里分配、释放后留给下一个数组用。代价是进程占用的内存停在用过的峰值附近。
   只在 Linux 的 glibc 上生效（Colab 也是），别处什么也不做。

2. **BLAS 线程**（``limit_blas_threads``）。NumPy 的矩阵乘法交给 OpenBLAS，它默认每个核一个
   线程。矩阵小时，叫醒另一个线程、等它算完的开销比省下的时间还多：本书的 GAN 在两个线程下
   比一个线程慢到两倍，全书各页合起来也慢约五分之一（ARCHITECTURE.md 的时间预算记下了测量）。
   所以默认只用 1 个线程；只有 3.3.1 节的语言模型因此稍慢（约 3 秒）。

环境变量：LESSON_KEEP_FREED_MEMORY=0 关掉第 1 条；LESSON_BLAS_THREADS=n 让 NumPy 的 BLAS
用 n 个线程，=0 表示不改库的默认值（比较快慢时用）。
"""

import ctypes
import os
import sys

M_TRIM_THRESHOLD = -1  # glibc <malloc.h>：堆顶空闲超过这么多才还给操作系统
M_MMAP_THRESHOLD = -3  # glibc <malloc.h>：超过这么大的块才单独 mmap
MMAP_THRESHOLD_BYTES = 32 * 2**20  # glibc 在 64 位系统上允许的最大值
TRIM_THRESHOLD_BYTES = 512 * 2**20
DEFAULT_BLAS_THREADS = 1


def keep_freed_memory():
    """调大 glibc malloc 的两个阈值。成功时返回 True；不是 glibc（macOS、Windows、musl）
    或被环境变量关掉时返回 False。"""
    if os.environ.get("LESSON_KEEP_FREED_MEMORY") == "0":
        return False
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None)  # 进程里已经加载的 C 库
        mallopt = libc.mallopt
        libc.gnu_get_libc_version  # noqa: B018  只有 glibc 有这个函数
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    mmap_set = mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
    trim_set = mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES)
    return bool(mmap_set and trim_set)


def blas_threads_wanted():
    """LESSON_BLAS_THREADS 的值（默认 1）；0 表示不改。不是非负整数时抛出 ValueError。"""
    raw = os.environ.get("LESSON_BLAS_THREADS", str(DEFAULT_BLAS_THREADS))
    if not raw.isdigit():
        raise ValueError(f"环境变量 LESSON_BLAS_THREADS 应为非负整数，实际为 {raw!r}")
    return int(raw)


def limit_blas_threads():
    """让 NumPy 所用的 BLAS 库只开 LESSON_BLAS_THREADS 个线程（默认 1）。

    只动 NumPy 自己的 BLAS（文件路径里有 numpy 的那个），PyTorch 的线程数不变。
    返回设定后的线程数；不改时返回 None。
    """
    import numpy  # noqa: F401  先加载 NumPy 的 BLAS，threadpoolctl 才找得到它
    from threadpoolctl import ThreadpoolController

    threads = blas_threads_wanted()
    if threads == 0:
        return None
    numpy_blas = [
        pool
        for pool in ThreadpoolController().select(user_api="blas").lib_controllers
        if "numpy" in pool.filepath
    ]
    for pool in numpy_blas:
        pool.set_num_threads(threads)
    return threads if numpy_blas else None


def configure():
    """导入 lesson_utils 时调用一次：见模块说明。"""
    keep_freed_memory()
    limit_blas_threads()
