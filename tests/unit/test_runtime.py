"""lesson_utils.runtime：导入即生效的两处调整（复用已释放的内存、NumPy 的 BLAS 线程数）。"""

import os
import subprocess
import sys

import pytest
import torch
from threadpoolctl import threadpool_info

from lesson_utils import bench, runtime

NUMPY_BLAS_THREADS = (
    "import lesson_utils\n"
    "from threadpoolctl import threadpool_info\n"
    "print([p['num_threads'] for p in threadpool_info() if 'numpy' in p['filepath']])\n"
)


def run_python(code, **env):
    """新进程里运行 code；环境里去掉测试自己设的线程数，只留 env 给的变量。"""
    clean = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    clean = {k: v for k, v in clean.items() if not k.startswith("LESSON_")}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={**clean, **env}
    )


def test_importing_lesson_utils_gives_numpy_blas_one_thread():
    result = run_python(NUMPY_BLAS_THREADS)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[1]"


def test_blas_threads_can_be_chosen_or_left_alone():
    assert run_python(NUMPY_BLAS_THREADS, LESSON_BLAS_THREADS="2").stdout.strip() == "[2]"
    untouched = run_python(NUMPY_BLAS_THREADS, LESSON_BLAS_THREADS="0", OPENBLAS_NUM_THREADS="2")
    assert untouched.stdout.strip() == "[2]"


def test_bad_blas_threads_value_names_the_variable():
    result = run_python(NUMPY_BLAS_THREADS, LESSON_BLAS_THREADS="two")
    assert result.returncode != 0
    assert "LESSON_BLAS_THREADS" in result.stderr and "'two'" in result.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="只在 Linux 的 glibc 上生效")
def test_freed_memory_is_kept_on_glibc(monkeypatch):
    assert runtime.keep_freed_memory() is True
    monkeypatch.setenv("LESSON_KEEP_FREED_MEMORY", "0")
    assert runtime.keep_freed_memory() is False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="缺页只在 Linux 上这样数")
def test_kept_memory_avoids_page_faults_for_medium_arrays():
    """540 KB 的临时数组反复新建（sigmoid 的写法，一行里有几个临时数组）：
    调整前几乎每个都要重新缺页（每个 135 页），调整后几乎不再缺页。"""
    code = (
        "import resource, numpy as np\n"
        "x = np.ones((1077, 64))\n"
        "1 / (1 + np.exp(-np.abs(x)))\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt\n"
        "for _ in range(200):\n"
        "    1 / (1 + np.exp(-np.abs(x)))\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)\n"
    )
    default = int(run_python(code, LESSON_KEEP_FREED_MEMORY="0").stdout)
    kept = int(run_python("import lesson_utils\n" + code).stdout)
    assert default > 200 * 100, default
    assert kept < 200, kept


def test_bench_times_both_sides_with_the_same_threads():
    def numpy_threads():
        return [p["num_threads"] for p in threadpool_info() if "numpy" in p["filepath"]]

    with bench.same_threads():
        assert numpy_threads() == [torch.get_num_threads()]
