"""make grade 的沙箱：每份提交的内核在 bubblewrap（Debian 的 ``bwrap``）里运行。

沙箱里看得见的只有：系统的 /usr、Python 本身与虚拟环境（只读）、一份 lesson_utils 和评分用的
``grade_worker.py`` 的副本（只读，不在仓库里），以及这份提交自己的工作目录（可写，里面只有它自己
笔记本的副本和与评分进程通信的文件）。仓库、参考答案、别人的提交、成绩目录都不存在于沙箱里；
没有网络，/tmp 是私有的，环境变量是干净的，PID 命名空间让“脱离”（setsid、两次 fork）也逃不出去：
评分进程结束这个沙箱时，里面的所有进程一起结束。资源由内核的 rlimit 限制（内存、CPU 时间、
单个文件大小）；进程数在以 root 运行时用 cgroup 的 pids 控制器限制（root 不受 RLIMIT_NPROC 约束）。

没有 bwrap（或内核不允许命名空间）时 ``SandboxUnavailable`` 给出中文说明，不会悄悄地不用沙箱运行；
明确地选择 ``--unsafe-no-sandbox`` 的人才在本机环境里直接运行学生的代码。
"""

import os
import resource
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import lesson_utils

WORKER = Path(__file__).with_name("grade_worker.py")
INSTALL_HINT = (
    "批改要在沙箱里运行学生的代码，需要 bubblewrap：Debian/Ubuntu 上 sudo apt install bubblewrap"
    "（make grade-deps 会安装它）。没有沙箱也要批改的，可以加 --unsafe-no-sandbox"
    "（make grade UNSAFE=1）：学生的代码将以你的身份、在你的环境里运行。"
)


class SandboxUnavailable(RuntimeError):
    """这台机器上建不起沙箱。"""


@dataclass(frozen=True)
class Limits:
    """每份提交的资源上限。"""

    memory_bytes: int = 3 * 1024**3  # 虚拟内存（RLIMIT_AS）：导入 torch 约占 0.7 GB
    cpu_seconds: int = 600  # 进程树中每个进程的 CPU 时间（RLIMIT_CPU），墙钟时间另有 --time-limit
    file_bytes: int = 64 * 1024**2  # 单个文件（RLIMIT_FSIZE）
    processes: int = 64  # 沙箱里同时存在的进程数


def check_available():
    """能建起沙箱就返回 None，否则抛出 SandboxUnavailable（带安装说明）。"""
    if shutil.which("bwrap") is None:
        raise SandboxUnavailable("找不到 bwrap。" + INSTALL_HINT)
    probe = subprocess.run(
        ["bwrap", "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "true"],
        capture_output=True,
        text=True,
    )
    if probe.returncode != 0:
        raise SandboxUnavailable(f"bwrap 建不起命名空间（{probe.stderr.strip()}）。" + INSTALL_HINT)


def prepare_runtime(folder):
    """把 lesson_utils 与 grade_worker.py 复制到 folder（只读地挂进每个沙箱），返回 folder。

    复制而不是挂载仓库：lesson_utils 以可编辑方式安装时就在仓库里，而仓库里有参考答案。
    """
    folder = Path(folder)
    package = Path(lesson_utils.__file__).resolve().parent
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ruff_cache")
    shutil.copytree(package, folder / "lesson_utils", ignore=ignore)
    shutil.copy2(WORKER, folder / "grade_worker.py")
    return folder


def system_binds():
    """/usr 只读；/bin、/lib 等在合并了 /usr 的系统上是符号链接，照样建成符号链接。"""
    args = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    for name in ("/etc/ld.so.cache", "/etc/localtime"):
        if Path(name).exists():
            args += ["--ro-bind", name, name]
    return args


def environment(runtime, workdir):
    """沙箱里的全部环境变量（--clearenv 之后只剩这些）。"""
    return {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(workdir),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(runtime),
        "PYTHONDONTWRITEBYTECODE": "1",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": "/tmp/matplotlib",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }


def bwrap_command(command, runtime, workdir):
    """在沙箱里运行 command 的完整命令行。"""
    prefixes = sorted({Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()})
    args = [
        "bwrap",
        "--unshare-all",  # 网络、PID、IPC、UTS、用户（可用时）与 cgroup 命名空间
        "--die-with-parent",
        "--new-session",
        "--cap-drop",
        "ALL",
        "--hostname",
        "sandbox",
        *system_binds(),
        # 私有的 /tmp 先建：后面的挂载（虚拟环境、副本、工作目录）可能就在 /tmp 下面，
        # 晚建的 tmpfs 会把它们盖住
        "--tmpfs",
        "/tmp",
    ]
    for prefix in prefixes:
        args += ["--ro-bind", str(prefix), str(prefix)]
    if Path(sys.prefix) != Path(sys.prefix).resolve():  # 虚拟环境所在的路径本身是符号链接
        args += ["--symlink", str(Path(sys.prefix).resolve()), str(Path(sys.prefix))]
    args += ["--ro-bind", str(runtime), str(runtime)]
    args += ["--bind", str(workdir), str(workdir), "--proc", "/proc", "--dev", "/dev"]
    args += ["--chdir", str(workdir), "--clearenv"]
    for key, value in environment(runtime, workdir).items():
        args += ["--setenv", key, value]
    return args + list(command)


class ProcessLimit:
    """以 root 运行时用 cgroup（v1 或 v2）的 pids 控制器限制进程数；做不到时 ``active`` 为假。"""

    ROOTS = (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup"))

    def __init__(self, maximum):
        self.path = None
        if os.geteuid() != 0:
            return  # 普通用户由 RLIMIT_NPROC 限制（见 limit_resources）
        for root in self.ROOTS:
            if not (root / "cgroup.procs").exists() or not os.access(root, os.W_OK):
                continue
            if root.name != "pids" and "pids" not in (root / "cgroup.subtree_control").read_text():
                continue
            path = root / f"book-grade-{uuid.uuid4().hex[:12]}"
            try:
                path.mkdir()
                (path / "pids.max").write_text(str(maximum))
            except OSError:
                shutil.rmtree(path, ignore_errors=True)
                continue
            self.path = path
            return

    @property
    def active(self):
        return self.path is not None

    def enter(self):
        """（在子进程里、exec 之前调用）把自己放进这个 cgroup。"""
        if self.path is not None:
            (self.path / "cgroup.procs").write_text(str(os.getpid()))

    def close(self):
        if self.path is not None:
            try:
                self.path.rmdir()
            except OSError:
                pass


def count_processes_of(uid):
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                count += entry.stat().st_uid == uid
            except OSError:
                pass
    return count


def limit_resources(limits, process_limit):
    """返回在子进程里、exec 之前运行的函数：设好 rlimit，进入 cgroup。"""
    nproc = None
    if os.geteuid() != 0:
        # RLIMIT_NPROC 数的是这个用户的全部进程，所以上限 = 现有的 + 允许沙箱新开的
        nproc = count_processes_of(os.geteuid()) + limits.processes

    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if nproc is not None:
            resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
        process_limit.enter()

    return apply


class Sandboxed:
    """一个在沙箱里（或明确不用沙箱时直接）运行的子进程；``close`` 结束它和它开出的一切。"""

    def __init__(self, command, runtime, workdir, limits=Limits(), sandbox=True, log=None):
        self.process_limit = ProcessLimit(limits.processes)
        if sandbox:
            command = bwrap_command(command, runtime, workdir)
            env = None
        else:
            env = {**os.environ, **environment(runtime, workdir)}
        self.process = subprocess.Popen(
            command,
            cwd=workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=log if log is not None else subprocess.DEVNULL,
            start_new_session=True,  # 自己的进程组：不用沙箱时也能整组结束
            preexec_fn=limit_resources(limits, self.process_limit),
        )

    def alive(self):
        return self.process.poll() is None

    def close(self):
        """SIGKILL 整个进程组；bwrap 的 --die-with-parent 与 PID 命名空间带走沙箱里的其余进程。"""
        try:
            os.killpg(self.process.pid, 9)
        except ProcessLookupError:
            pass
        self.process.wait()
        self.process_limit.close()
