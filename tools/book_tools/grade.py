"""批改一批学生提交的笔记本：``make grade SUBMISSIONS=目录``（``python -m book_tools.grade``）。

每份提交在一个新内核里从头运行（有时间限制）。得分不看输出、也不信任笔记本里定义的任何东西：
运行完后，检查器在**评分进程自己**里运行（它自己的 torch、它自己的 CheckResult），学生的函数则留在
学生的内核里，由代理按名字远程调用——检查器交给它的只是数组，拿回来的也只是数组（``.npy``，
不允许 pickle）或一个不透明的句柄。所以学生重新定义 ``check``、改 CheckResult、改 lesson_utils，
都只影响自己内核里的显示，改不了成绩。

写出 ``grades.csv``（每份提交一行，以文件名为学生名；每道练习一列，得分是通过的项数 / 总项数，
0 到 1 之间的小数；``合计`` 是各题得分的平均）和每个学生一份中文反馈 ``<学生>.txt``。
"""

import argparse
import ast
import csv
import hashlib
import json
import multiprocessing
import os
import re
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from IPython.core.inputtransformer2 import TransformerManager
from jupyter_client.blocking import BlockingKernelClient
from jupyter_client.connect import write_connection_file

from book_tools.grade_worker import decode, encode
from book_tools.markers import checked_ids
from book_tools.sandbox import (
    Limits,
    Sandboxed,
    SandboxUnavailable,
    check_available,
    prepare_runtime,
)
from lesson_utils import exercises
from lesson_utils.exercises import EXERCISES, evaluate
from lesson_utils.feedback import CheckResult, StudentCodeError


# ---------------------------------------------------------------- 内核
class Kernel:
    """一个新的 Python 内核（在沙箱里），逐段执行代码，超时就中断。

    内核与评分进程之间走 ZeroMQ 的 ipc 套接字（工作目录里的文件）：沙箱没有网络，连本机回环都没有。
    """

    def __init__(self, workdir, runtime, limits, sandbox=True):
        self.workdir = Path(workdir)
        connection, _ = write_connection_file(
            str(self.workdir / "kernel.json"), transport="ipc", ip=str(self.workdir / "ipc")
        )
        python = os.path.abspath(sys.executable)  # 不带 “..”：沙箱里只有虚拟环境本身
        command = [python, "-m", "ipykernel_launcher", "-f", connection]
        self.log = tempfile.TemporaryFile()  # 内核与 bwrap 的 stderr：只用来说明启动失败
        self.process = Sandboxed(command, runtime, self.workdir, limits, sandbox, self.log)
        self.client = BlockingKernelClient(connection_file=connection)
        self.client.load_connection_file()
        self.client.start_channels(hb=False)  # 活着与否看进程本身：负载高时心跳会误报
        self.dead = False
        try:
            self.wait_until_ready(60)
        except KernelStartError:
            self.close()
            raise

    def wait_until_ready(self, timeout):
        """反复发 kernel_info_request，直到内核回答；进程退出或超时则抛出 KernelStartError。"""
        deadline = time.monotonic() + timeout
        asked = set()  # 请求在内核起来之前排队，起来后逐个回答：认任何一个的回答
        while time.monotonic() < deadline:
            if not self.process.alive():
                self.log.seek(0)
                tail = self.log.read().decode("utf-8", "replace").strip().splitlines()[-3:]
                raise KernelStartError(f"内核没有启动（{' / '.join(tail) or '进程退出了'}）")
            asked.add(self.client.kernel_info())
            try:
                reply = self.client.get_shell_msg(timeout=1.0)
            except Exception:  # noqa: BLE001 —— queue.Empty：还没起来，再问
                continue
            if (reply.get("parent_header") or {}).get("msg_id") in asked:
                return
        raise KernelStartError(f"内核在 {timeout} 秒内没有启动")

    def run(self, code, timeout):
        """执行 code，返回 (状态, 说明)；状态是 ok、error（说明是异常）、timeout 或 dead。"""
        if self.dead:
            return "dead", "内核已经不能运行了"
        msg_id = self.client.execute(code, store_history=False, allow_stdin=False)
        deadline = time.monotonic() + max(timeout, 0)
        status, detail = self._wait(msg_id, deadline)
        if status == "timeout":
            interrupt = self.client.session.msg("interrupt_request", {})
            self.client.control_channel.send(interrupt)
            if self._wait(msg_id, time.monotonic() + 10)[0] == "timeout":
                self.dead = True  # 中断也停不下来（例如学生的代码吞掉了 KeyboardInterrupt）
        return status, detail

    def _wait(self, msg_id, deadline):
        error = None
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return "timeout", ""
            if not self.process.alive():
                self.dead = True
                return "dead", "内核退出了（学生的代码结束了进程，或超出了内存 / CPU 时间的限制）"
            try:
                message = self.client.get_iopub_msg(timeout=min(remaining, 1.0))
            except Exception:  # noqa: BLE001 —— queue.Empty：再等
                continue
            parent = message.get("parent_header") or {}
            if parent.get("msg_id") != msg_id:
                continue
            kind, content = message.get("msg_type"), message.get("content") or {}
            if kind == "error":
                # 内容由学生的内核发来，可能是伪造的：缺字段也只当作一条出错消息
                error = f"{content.get('ename', '错误')}: {content.get('evalue', '')}"[:500]
            elif kind == "status" and content.get("execution_state") == "idle":
                return ("error", error) if error else ("ok", "")

    def close(self):
        self.client.stop_channels()
        self.process.close()
        self.log.close()


class KernelStartError(RuntimeError):
    """沙箱里的内核没有启动起来。"""


class RemoteFunction:
    """评分进程里的代理：调用它 = 在学生内核里按名字调用学生的函数。"""

    def __init__(self, kernel, name, workdir, call_limit, deadline):
        self.kernel, self.name, self.workdir = kernel, name, workdir
        self.call_limit, self.deadline = call_limit, deadline
        self.__name__ = name

    def __call__(self, *args, **kwargs):
        reply = self._ask({"function": self.name, "args": encode(args), "kwargs": encode(kwargs)})
        if "error" in reply:
            raise StudentCodeError(str(reply["error"])[:2000])
        if "ok" not in reply:
            raise StudentCodeError(f"调用 {self.name} 没有得到结果")
        return decode(reply["ok"])

    def borrowed_reference(self):
        """学生内核里的这个函数是不是直接 import 的参考实现（feedback.borrowed_reference 问它）。

        回答来自学生的内核，可能被改过；所以它只能让分数更低（评分进程另有静态检查）。"""
        borrowed = self._ask({"function": self.name, "probe": True}).get("borrowed")
        return str(borrowed)[:500] if borrowed else None

    def _ask(self, message):
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise StudentCodeError("这份提交的总时间已经用完，没有再调用学生的函数")
        timeout = min(self.call_limit, remaining)
        request = self.workdir / "request.json"
        response = self.workdir / "response.json"
        response.unlink(missing_ok=True)
        request.write_text(json.dumps(message), encoding="utf-8")
        code = f"import grade_worker\ngrade_worker.serve({str(request)!r}, {str(response)!r})"
        status, detail = self.kernel.run(code, timeout)
        if status == "timeout":
            raise StudentCodeError(f"{self.name} 运行超过 {timeout:g} 秒，已中断（死循环？）")
        if status != "ok" or not response.is_file():
            raise StudentCodeError(f"调用 {self.name} 时内核出了问题：{detail or status}")
        try:
            reply = json.loads(response.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise StudentCodeError(f"调用 {self.name} 的回答读不懂：{error}") from error
        if not isinstance(reply, dict):
            raise StudentCodeError(f"调用 {self.name} 的回答读不懂")
        return reply


# ---------------------------------------------------------------- 评分进程里的静态检查
CELL_TRANSFORMER = TransformerManager()  # 把 %magic、!shell 等 IPython 语法换成 Python，才能解析


def normalise(notebook):
    """每个单元都有字符串的 source（缺字段、是列表或别的类型的都改好），返回代码单元的源码。

    合法的 JSON 也可能不是合法的笔记本：这里不让一个怪单元让批改出错。"""
    cells = notebook.get("cells")
    if not isinstance(cells, list):
        notebook["cells"] = cells = []
    notebook["cells"] = cells = [c for c in cells if isinstance(c, dict)]
    for cell in cells:
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(str(line) for line in source)
        cell["source"] = source if isinstance(source, str) else ""
        cell.setdefault("cell_type", "raw")
        cell.setdefault("metadata", {})
    return [cell["source"] for cell in cells if cell["cell_type"] == "code"]


def parse_cell(source):
    try:
        return ast.parse(CELL_TRANSFORMER.transform_cell(source))
    except (SyntaxError, ValueError):
        return None


def module_level_statements(body):
    """模块层的语句，包括 if / for / while / try / with 里面的（它们执行时照样绑定全局名字），
    但不进入函数和类的定义体。"""
    for node in body:
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for field_name in ("body", "orelse", "finalbody"):
            yield from module_level_statements(getattr(node, field_name, []))
        for handler in getattr(node, "handlers", []):
            yield from module_level_statements(handler.body)


def is_stub(function):
    """函数体（去掉文档字符串后）只有 raise NotImplementedError / pass / ...：还没写。"""
    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    if len(body) != 1:
        return not body
    statement = body[0]
    if isinstance(statement, ast.Pass):
        return True
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
        return statement.value.value is Ellipsis
    if isinstance(statement, ast.Raise) and statement.exc is not None:
        exc = statement.exc.func if isinstance(statement.exc, ast.Call) else statement.exc
        return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"
    return False


def static_bindings(sources, names):
    """按单元顺序，names 里每个名字在模块层最后一次被绑定的方式：("def", None)、("stub", None)、
    ("import", 模块) 或 ("assign", None)；没被绑定的名字不在结果里。

    这一步在评分进程里做，学生的代码改不了它：最后一次绑定是从 lesson_utils 或 torch 导入的，
    就是借用了现成的实现；是桩，就是还没写（哪怕评分时调用它居然得到了结果）。"""
    bindings = {}
    for source in sources:
        tree = parse_cell(source)
        for node in module_level_statements(tree.body if tree else []):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in names:
                bindings[node.name] = ("stub" if is_stub(node) else "def", None)
            elif isinstance(node, (ast.ImportFrom, ast.Import)):
                module = getattr(node, "module", None) or ""
                for alias in node.names:
                    bound = alias.asname or alias.name.split(".")[0]
                    if bound in names:
                        bindings[bound] = ("import", module or alias.name)
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    for name_node in ast.walk(target):
                        if isinstance(name_node, ast.Name) and name_node.id in names:
                            bindings[name_node.id] = ("assign", None)
    return bindings


BORROWED_MODULES = ("lesson_utils", "torch")


def static_verdict(sources, names):
    """评分前的静态判定：(说明, 状态) 或 None（照常调用学生的函数评分）。"""
    for name, (how, module) in static_bindings(sources, set(names)).items():
        if how == "import" and module.split(".")[0] in BORROWED_MODULES:
            reason = (
                f"{name} 是从 {module} 导入的现成实现（笔记本里最后一次定义它的是 import），"
                "不是你写的——这道题要在笔记本里自己实现它，不计分。"
            )
            return reason, "出错"  # 与 check() 相同
        if how == "stub":
            return f"还没有完成：你的函数 {name} 里还有 raise NotImplementedError()。", "未完成"
    return None


SUSPICIOUS = (  # (正则, 备注)：不能证明是作弊，但值得老师看一眼
    (r"^\s*(import|from)\s+torch\b", "用到 torch"),
    (r"lesson_utils\s*\.\s*nn\b|from\s+lesson_utils\s+import\s+.*\bnn\b", "用到 lesson_utils.nn"),
    (r"\bimportlib\b|__import__", "动态导入"),
    (r"\b(exec|eval|compile)\s*\(", "exec/eval"),
    (r"\bopen\s*\(|\bread_(text|bytes)\s*\(|\bos\.(listdir|walk|scandir)\b", "读文件"),
    (r"\b(subprocess|ctypes|signal)\b|\bos\.(system|kill|fork|exec\w*|popen)\b", "进程/系统调用"),
    (r"\bgrade_worker\b|\bsys\.modules\b|\bbuiltins\b", "改动评分或解释器"),
)


def suspicions(sources):
    text = "\n".join(sources)
    return [note for pattern, note in SUSPICIOUS if re.search(pattern, text, re.M)]


# ---------------------------------------------------------------- 批改一份提交
@dataclass
class Grade:
    student: str
    results: dict = field(default_factory=dict)  # 练习编号 → CheckResult
    problems: list = field(default_factory=list)  # 运行笔记本时的问题：(简短说明, 详细说明)
    remarks: list = field(default_factory=list)  # 备注：值得老师看一眼的用法
    sha256: str = ""

    @property
    def total(self):
        return sum(r.score for r in self.results.values()) / max(len(self.results), 1)


def zero(exercise_id, reason, status="未评分"):
    return CheckResult(exercise_id, 0, len(EXERCISES[exercise_id].items), reason, status)


@dataclass(frozen=True)
class Settings:
    """一次批改的设置。运行全部单元最多 time_limit 秒；评分时对学生函数的全部调用合起来也最多
    time_limit 秒，其中每次调用最多 call_limit 秒。所以一份提交最多占用约 2 × time_limit 秒。"""

    time_limit: float = 300
    call_limit: float = 30
    sandbox: bool = True
    limits: Limits = Limits()


def grade_submission(path, exercise_ids, settings, runtime):
    """在沙箱里的新内核中运行一份提交，再在本进程里逐题检查。返回 Grade，从不抛出异常：
    任何失败都变成这个学生的 0 分和原因。"""
    path = Path(path)
    grade = Grade(path.stem)
    try:
        data = path.read_bytes()
        grade.sha256 = hashlib.sha256(data).hexdigest()
        notebook = nbformat.reads(data.decode("utf-8"), as_version=4)
        sources = normalise(notebook)
    except Exception as error:  # noqa: BLE001 —— 坏文件也要得到一行成绩
        grade.problems.append(("读不了", f"读不了这个笔记本：{type(error).__name__}: {error}"))
        grade.results = {i: zero(i, "笔记本无法读取，未评分。") for i in exercise_ids}
        return grade
    grade.remarks = suspicions(sources)
    try:
        grade_notebook(grade, notebook, sources, exercise_ids, settings, runtime)
    except Exception as error:  # noqa: BLE001 —— 评分过程的意外：这一份记 0 分并说明，不影响别人
        reason = f"批改这份提交时出了问题（{type(error).__name__}: {error}），未评分。"
        grade.problems.append(("批改出错", reason))
    unscored = "没有评分：见“运行笔记本时的问题”。"
    for exercise_id in exercise_ids:
        grade.results.setdefault(exercise_id, zero(exercise_id, unscored))
    return grade


def grade_notebook(grade, notebook, sources, exercise_ids, settings, runtime):
    present = set(checked_ids(notebook))
    cells_deadline = time.monotonic() + settings.time_limit
    with tempfile.TemporaryDirectory(prefix="grade-") as folder:
        workdir = Path(folder)
        nbformat.write(notebook, workdir / f"{grade.student}.ipynb")  # 它自己的笔记本，可写的副本
        kernel = Kernel(workdir, runtime, settings.limits, settings.sandbox)
        try:
            run_cells(kernel, sources, grade, cells_deadline, settings.time_limit)
            # 评分用的那一小段先在学生内核里导入好：导入的时间不算进每次调用的时间限制
            kernel.run("import grade_worker", 60)
            # 评分时的全部调用合起来也不超过 time_limit（每次另有 call_limit）：运行单元的时间
            # 用完了，写在前面的函数照样评分；逐次拖延的调用也拖不过这个总时限
            deadline = time.monotonic() + settings.time_limit
            for exercise_id in exercise_ids:
                names = EXERCISES[exercise_id].functions
                if exercise_id not in present:
                    reason = (
                        f'练习 {exercise_id}：笔记本里没有 check("{exercise_id}", …) 检查单元'
                        "（被删除了？），这道题记 0 分。"
                    )
                elif verdict := static_verdict(sources, names):
                    reason = f"练习 {exercise_id}：0/{len(EXERCISES[exercise_id].items)} 项计分。"
                    grade.results[exercise_id] = zero(
                        exercise_id, f"{reason}\n  ✗ {verdict[0]}", verdict[1]
                    )
                    continue
                else:
                    proxies = [
                        RemoteFunction(kernel, n, workdir, settings.call_limit, deadline)
                        for n in names
                    ]
                    grade.results[exercise_id] = evaluate_safely(exercise_id, proxies)
                    continue
                grade.results[exercise_id] = zero(exercise_id, reason)
        finally:
            kernel.close()


def evaluate_safely(exercise_id, proxies):
    try:
        return evaluate(exercise_id, *proxies)
    except Exception as error:  # noqa: BLE001 —— 例如问“是不是借用的”时内核已经停了
        return zero(exercise_id, f"练习 {exercise_id}：没能评分（{error}），记 0 分。")


def run_cells(kernel, sources, grade, deadline, time_limit):
    """像“重启内核并运行全部单元”一样执行；出错的单元记下来并继续，超时则中断并停止。"""
    for number, source in enumerate(sources, start=1):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or kernel.dead:
            detail = f"第 {number} 个代码单元起没有运行（时间用完或内核已停止）。"
            grade.problems.append((f"代码单元 {number} 起未运行", detail))
            return
        status, detail = kernel.run(source, remaining)
        first_line = next((line for line in source.split("\n") if line.strip()), "")[:50]
        if status == "error":
            long = f"第 {number} 个代码单元（{first_line}）出错：{detail}"
            grade.problems.append((f"代码单元 {number} 出错", long))
        elif status == "timeout":
            long = (
                f"第 {number} 个代码单元（{first_line}）运行超过时间限制 {time_limit:g} 秒，"
                "已中断；后面的单元没有运行。"
            )
            grade.problems.append((f"代码单元 {number} 超时", long))
            return
        elif status == "dead":
            long = f"第 {number} 个代码单元（{first_line}）：{detail}"
            grade.problems.append((f"代码单元 {number} 内核退出", long))
            return


# ---------------------------------------------------------------- 成绩表与反馈
def score_text(score):
    return f"{score:.3f}".rstrip("0").rstrip(".") if score not in (0, 1) else str(int(score))


def spreadsheet_safe(text):
    """以 = + - @（或制表符、回车）开头的单元格，Excel / WPS 会当作公式执行：前面加一个 '。"""
    text = str(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_csv(grades, exercise_ids, path):
    """原子地写成绩表：先写临时文件，再改名（读表的人永远看不到写了一半的文件）。"""
    path = Path(path)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    with open(partial, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["学生", *exercise_ids, "合计", "说明", "备注", "SHA-256"])
        for grade in grades:
            notes = "；".join(
                [short for short, _ in grade.problems]
                + [f"{i} {r.status}" for i, r in grade.results.items() if not r]
            )
            scores = [score_text(grade.results[i].score) for i in exercise_ids]
            remarks = "；".join(grade.remarks)
            cells = [grade.student, *scores, score_text(grade.total), notes, remarks, grade.sha256]
            writer.writerow([spreadsheet_safe(cell) for cell in cells])
    os.replace(partial, path)


def feedback_text(grade):
    lines = [f"{grade.student} 的批改结果", "", f"合计：{grade.total:.0%}（各题得分的平均）", ""]
    for exercise_id, result in grade.results.items():
        lines.append(
            f"练习 {exercise_id}：{result.passed_items}/{result.total_items} 项正确"
            f"，得分 {score_text(result.score)}（{result.status}）"
        )
        lines += ["    " + line for line in result.feedback.split("\n")]
        lines.append("")
    if grade.problems:
        lines.append("运行笔记本时的问题：")
        lines += ["  - " + long for _, long in grade.problems]
    else:
        lines.append("笔记本从头到尾运行没有出错。")
    return "\n".join(lines) + "\n"


def assignment_exercises(assignment):
    """发下去的学生版笔记本里的检查单元 → 成绩表的列（从不取自学生交上来的笔记本）。"""
    notebook = nbformat.read(assignment, as_version=4)
    ids = [i for i in checked_ids(notebook) if i in EXERCISES]
    if not ids:
        raise ValueError(f"{assignment} 里没有已知练习的检查单元")
    return ids


def _grade_in_worker(path, exercise_ids, settings, runtime, hidden_seed):
    exercises.HIDDEN_SEED = hidden_seed
    return grade_submission(path, exercise_ids, settings, runtime)


def grade_folder(submissions, out_dir, exercise_ids, settings=Settings(), jobs=1):
    """批改 submissions 目录下的每个 .ipynb，写 grades.csv 与反馈，返回 [Grade, ...]。

    exercise_ids 是成绩表的列，来自发下去的作业（``assignment_exercises``）。每批改完一份，
    成绩表就（原子地）重写一遍，所以中途停下时已批改的行都在。jobs > 1 时并行批改。"""
    if not exercise_ids:
        raise ValueError("grade_folder: 需要 exercise_ids（来自发下去的作业，不取自学生的笔记本）")
    unknown = [i for i in exercise_ids if i not in EXERCISES]
    if unknown:
        raise ValueError(f"grade_folder: 没有这些练习：{unknown}，已有：{list(EXERCISES)}")
    if jobs < 1:
        raise ValueError(f"grade_folder: jobs 应为正整数，得到 {jobs}")
    paths = sorted(Path(submissions).glob("*.ipynb"))
    if not paths:
        raise ValueError(f"grade_folder: {submissions} 里没有 .ipynb 文件")
    if settings.sandbox:
        check_available()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    grades = []

    def record(grade):
        (out_dir / f"{grade.student}.txt").write_text(feedback_text(grade), encoding="utf-8")
        grades.append(grade)
        grades.sort(key=lambda g: g.student)
        write_csv(grades, exercise_ids, out_dir / "grades.csv")
        print(f"{grade.student}：{score_text(grade.total)}", flush=True)

    with tempfile.TemporaryDirectory(prefix="grade-runtime-") as folder:
        runtime = prepare_runtime(Path(folder) / "runtime")
        if jobs == 1:
            for path in paths:
                record(grade_submission(path, exercise_ids, settings, runtime))
        else:
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(jobs, mp_context=context) as pool:
                seed = exercises.HIDDEN_SEED
                futures = [
                    pool.submit(_grade_in_worker, path, exercise_ids, settings, runtime, seed)
                    for path in paths
                ]
                for path, future in zip(paths, futures, strict=True):
                    try:
                        record(future.result())
                    except Exception as error:  # noqa: BLE001 —— 连批改进程都出了事：仍然给一行
                        grade = Grade(path.stem)
                        grade.problems.append(("批改出错", f"批改进程出了问题：{error}"))
                        grade.results = {i: zero(i, "未评分。") for i in exercise_ids}
                        record(grade)
    return grades


def main(argv=None):
    parser = argparse.ArgumentParser(description="批改学生提交的笔记本，写成绩表与中文反馈")
    parser.add_argument("submissions", help="放学生 .ipynb 的目录，文件名即学生名")
    parser.add_argument("--out", default="_build/grades", help="输出目录")
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--assignment", help="发下去的学生版笔记本：按它里面的检查单元评分")
    which.add_argument("--exercises", help="逗号分隔的练习编号，例如 3.1-3,3.1-4")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=300,
        help="运行一份提交全部单元的秒数上限；评分时的调用合起来另有同样的上限",
    )
    parser.add_argument(
        "--call-limit", type=float, default=30, help="评分时每次调用学生函数的秒数上限"
    )
    parser.add_argument("--memory-limit", type=float, default=3, help="每份提交的内存上限（GiB）")
    parser.add_argument("--jobs", type=int, default=1, help="同时批改几份")
    parser.add_argument(
        "--seed", type=int, help="“亲手实现各层”作业的隐藏形状用的种子（默认与学生自查时相同）"
    )
    parser.add_argument(
        "--unsafe-no-sandbox",
        action="store_true",
        help="不用沙箱，直接在本机环境里运行学生的代码（学生的代码能读写你能读写的一切）",
    )
    args = parser.parse_args(argv)
    if args.seed is not None:
        exercises.HIDDEN_SEED = args.seed
    if args.assignment:
        ids = assignment_exercises(args.assignment)
    else:
        ids = [i.strip() for i in args.exercises.split(",") if i.strip()]
    limits = Limits(memory_bytes=int(args.memory_limit * 1024**3))
    settings = Settings(args.time_limit, args.call_limit, not args.unsafe_no_sandbox, limits)
    try:
        grade_folder(args.submissions, args.out, ids, settings, args.jobs)
    except SandboxUnavailable as error:
        print(f"没有批改：{error}", file=sys.stderr)
        return 2
    print(f"成绩表：{args.out}/grades.csv；每个学生的反馈：{args.out}/<学生>.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
