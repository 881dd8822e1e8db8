"""make grade 的沙箱（book_tools.sandbox）：学生的代码看不见、改不了沙箱外的东西，也留不下进程。

每个测试在沙箱里运行一小段 Python，让它把自己看到的写进工作目录（沙箱里唯一可写的地方），
再在沙箱外检查。金丝雀文件都在 pytest 的临时目录里。
"""

import json
import os
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import ROOT, processes_with

from book_tools.sandbox import Limits, ProcessLimit, Sandboxed, check_available, prepare_runtime


@pytest.fixture(scope="module")
def runtime(tmp_path_factory):
    check_available()  # 没有 bwrap 时这里失败并说明原因，而不是跳过
    return prepare_runtime(tmp_path_factory.mktemp("runtime") / "runtime")


def run_inside(code, runtime, workdir, limits=None, timeout=60):
    """在沙箱里运行 code（Python），等它结束，返回它写在 workdir/seen.json 里的东西。"""
    workdir.mkdir(exist_ok=True)
    script = workdir / "probe.py"
    script.write_text(textwrap.dedent(code), encoding="utf-8")
    command = [os.path.abspath(sys.executable), str(script)]
    box = Sandboxed(command, runtime, workdir, limits or Limits())
    try:
        box.process.wait(timeout=timeout)
    finally:
        box.close()
    seen = workdir / "seen.json"
    return json.loads(seen.read_text(encoding="utf-8")) if seen.exists() else None


def test_the_repository_other_submissions_and_outputs_are_invisible(runtime, tmp_path):
    classmate = tmp_path / "submissions" / "classmate.ipynb"
    classmate.parent.mkdir()
    classmate.write_text("同学的代码", encoding="utf-8")
    grades = tmp_path / "grades.csv"
    grades.write_text("学生,合计\n", encoding="utf-8")
    answers = ROOT / "book/ch3/3-1-feedforward-backprop.ipynb"
    code = f"""
        import json, os, site
        import lesson_utils
        targets = {[str(classmate), str(grades), str(answers)]!r}
        seen = {{"readable": [], "writable": []}}
        for path in targets:
            try:
                open(path).read(); seen["readable"].append(path)
            except OSError:
                pass
            try:
                open(path, "r+").write("改"); seen["writable"].append(path)
            except OSError:
                pass
        for folder in site.getsitepackages():  # 往虚拟环境里放 .pth：以后每次批改都会执行
            try:
                open(os.path.join(folder, "evil.pth"), "w").write("import os")
                seen["writable"].append(folder)
            except OSError:
                pass
        seen["lesson_utils"] = lesson_utils.__file__
        seen["repo_listing"] = os.path.exists({str(ROOT / "book")!r})
        json.dump(seen, open("seen.json", "w"))
    """
    seen = run_inside(code, runtime, tmp_path / "work")
    assert seen == {
        "readable": [],
        "writable": [],
        "lesson_utils": str(runtime / "lesson_utils" / "__init__.py"),
        "repo_listing": False,
    }
    assert classmate.read_text(encoding="utf-8") == "同学的代码"
    assert grades.read_text(encoding="utf-8") == "学生,合计\n"
    assert not any(Path(p, "evil.pth").exists() for p in sys.path if p)


def test_no_network_private_tmp_and_a_clean_environment(runtime, tmp_path, monkeypatch):
    monkeypatch.setenv("INSTRUCTOR_SECRET", "不该被看见")
    (Path("/tmp") / f"host-canary-{os.getpid()}").write_text("x")
    code = f"""
        import json, os, socket
        seen = {{}}
        try:
            socket.create_connection(("127.0.0.1", 22), timeout=2); seen["net"] = "connected"
        except OSError as error:
            seen["net"] = type(error).__name__
        seen["interfaces"] = sorted(name for _, name in socket.if_nameindex())
        seen["tmp"] = os.listdir("/tmp")
        seen["host_canary"] = os.path.exists("/tmp/host-canary-{os.getpid()}")
        seen["secret"] = "INSTRUCTOR_SECRET" in os.environ
        seen["pid"] = os.getpid()
        json.dump(seen, open("seen.json", "w"))
    """
    seen = run_inside(code, runtime, tmp_path / "work")
    (Path("/tmp") / f"host-canary-{os.getpid()}").unlink()
    assert seen["net"] != "connected" and seen["interfaces"] == ["lo"]
    assert not seen["host_canary"] and not seen["secret"]
    assert seen["pid"] < 10  # 自己的 PID 命名空间：看不见评分进程，也杀不到它


def test_nothing_the_submission_spawns_survives_it(runtime, tmp_path):
    marker = f"survivor-{os.getpid()}-{time.monotonic_ns()}"
    code = f"""
        import json, os, subprocess, sys
        SLEEP = "import time; time.sleep(300)"
        # 两次 fork + setsid：脱离进程组，照常会在父进程结束后活下来
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                os.execv(sys.executable, [sys.executable, "-c", SLEEP, "{marker}"])
            os._exit(0)
        subprocess.Popen([sys.executable, "-c", SLEEP, "{marker}"], start_new_session=True)
        json.dump({{"spawned": True}}, open("seen.json", "w"))
        import time; time.sleep(300)
    """
    workdir = tmp_path / "work"
    workdir.mkdir()
    (workdir / "probe.py").write_text(textwrap.dedent(code), encoding="utf-8")
    box = Sandboxed([os.path.abspath(sys.executable), str(workdir / "probe.py")], runtime, workdir)
    for _ in range(300):
        if (workdir / "seen.json").exists():
            break
        time.sleep(0.1)
    assert (workdir / "seen.json").exists()
    assert len(processes_with(marker)) == 2
    box.close()
    time.sleep(0.5)
    assert processes_with(marker) == []


def test_memory_file_size_and_process_limits(runtime, tmp_path):
    limits = Limits(memory_bytes=1024**3, file_bytes=1024**2, processes=40)
    code = """
        import json, subprocess
        seen = {}
        try:
            bytearray(2 * 1024**3); seen["memory"] = "allocated"
        except MemoryError:
            seen["memory"] = "MemoryError"
        try:
            open("big.bin", "wb").write(b"x" * 2 * 1024**2); seen["file"] = "written"
        except OSError as error:
            seen["file"] = type(error).__name__
        children = []
        try:
            for _ in range(100):
                children.append(subprocess.Popen(["sleep", "30"]))
        except OSError:
            pass
        seen["children"] = len(children)
        for child in children:
            child.kill()
        json.dump(seen, open("seen.json", "w"))
    """
    seen = run_inside(code, runtime, tmp_path / "work", limits)
    assert seen["memory"] == "MemoryError" and seen["file"] == "OSError"
    probe = ProcessLimit(1)
    limited, _ = probe.active, probe.close()
    if os.geteuid() == 0 and not limited:
        pytest.skip("以 root 运行且没有可写的 cgroup pids 控制器：这台机器上限制不了进程数")
    assert seen["children"] < 40
