"""make grade：样例提交（对、错、一半、崩溃、死循环、篡改检查器、删掉检查单元）得到正确的成绩表。

正确的答案直接取自 3.1 节笔记本的参考解单元（单一来源）；错误的写在这里，每个都是学生常犯的错。
每份提交在自己的 Jupyter 内核里运行，所以这些测试在 tests/book（make test），不在 make unit 里。
时间限制只对死循环的提交起作用，给得很短（几秒）：别的提交远在限制之前就运行完了。
"""

import csv
import json
import sys
import time
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, processes_with

from book_tools.grade import Settings, feedback_text, grade_folder
from book_tools.sandbox import Limits

IMPORTS = "import numpy as np\nfrom lesson_utils.exercises import check"
NUMPY_ONLY = "import numpy as np"  # 死循环的提交不导入检查器（torch）：时间限制几乎全花在循环上
CHECK_LEAKY = 'check("3.1-3", leaky_relu_forward, leaky_relu_backward)'
CHECK_MSE = 'check("3.1-4", mse_loss)'


def solution_cell(function_name):
    notebook = nbformat.read(ROOT / "book/ch3/3-1-feedforward-backprop.ipynb", as_version=4)
    return next(c.source for c in notebook.cells if f"def {function_name}(" in c.source)


LEAKY, MSE = solution_cell("leaky_relu_forward"), solution_cell("mse_loss")
LEAKY_AS_RELU = LEAKY.replace("np.where(x > 0, 1.0, alpha)", "(x > 0)")  # 负半轴梯度给成 0
MSE_NO_MEAN = MSE.replace("2 * diff / diff.size", "2 * diff")  # 梯度忘了除以元素个数
SLEEPY_LEAKY = LEAKY.replace(
    "    out = np.where", "    time.sleep(1.5)\n    out = np.where"
).replace("    dx = dout", "    time.sleep(1.5)\n    dx = dout")
MSE_STUB = "def mse_loss(pred, target):\n    # 在这里写你的代码\n    raise NotImplementedError()"

SUBMISSIONS = {
    # 学生名: 代码单元
    "right": [IMPORTS, LEAKY, CHECK_LEAKY, MSE, CHECK_MSE],
    "wrong": [IMPORTS, LEAKY_AS_RELU, CHECK_LEAKY, MSE_NO_MEAN, CHECK_MSE],
    "partly": [IMPORTS, LEAKY, CHECK_LEAKY, MSE_STUB, CHECK_MSE],
    # mse_loss 的单元有语法错误，另一个单元抛出异常：出错的单元记下来，后面的照常运行
    "crashing": [
        IMPORTS,
        "raise RuntimeError('我的实验崩了')",
        LEAKY,
        CHECK_LEAKY,
        MSE.replace("diff = pred - target", "diff = (pred - target"),
        CHECK_MSE,
    ],
    # 单元里的死循环被时间限制中断，后面的单元没有运行
    "looping": [NUMPY_ONLY, LEAKY, "while True:\n    pass", MSE, CHECK_LEAKY, CHECK_MSE],
    # 反向在评分的输入上死循环：笔记本自己调用它的单元被时间限制中断；评分时这一次调用被中断，
    # 前向照样得分
    "looping_function": [
        NUMPY_ONLY,
        LEAKY.replace("    return dx", "    while True:\n        pass\n    return dx"),
        MSE,
        "x = np.ones((2, 3))\nleaky_relu_backward(x, leaky_relu_forward(x)[1])",
        CHECK_MSE,
        CHECK_LEAKY,
    ],
    # 每次调用都拖 1.5 秒（低于每次调用的时限 2 秒）：评分时的调用合起来也不超过 TIME_LIMIT，
    # 所以拖到最后的那道题没有时间评分
    "sleepy": [
        "import time\n" + NUMPY_ONLY,
        SLEEPY_LEAKY,
        MSE.replace("    diff = pred", "    time.sleep(1.5)\n    diff = pred"),
        CHECK_LEAKY,
        CHECK_MSE,
    ],
    # 答案都对，但删掉了 3.1-3 的检查单元：这道题 0 分，并说明原因
    "deleted_check": [IMPORTS, LEAKY, MSE, CHECK_MSE],
    # 错误的答案，再把检查器改得处处说“对”：重新定义 check，改 CheckResult、evaluate 和 compare，
    # 改已经得到的结果对象
    "tampered": [
        IMPORTS,
        LEAKY_AS_RELU,
        MSE_NO_MEAN,
        "import lesson_utils.exercises as ex\nimport lesson_utils.compare as cmp\n"
        "result = check('3.1-4', mse_loss)\n"
        "object.__setattr__(result, 'passed_items', result.total_items)\n"
        "ex.CheckResult.__bool__ = lambda self: True\n"
        "ex.diagnose = lambda *args: None\n"
        "cmp.compare = lambda *a, **k: type('R', (), {'passed': True})()\n"
        "ex.evaluate = lambda i, *f: ex.CheckResult(i, 9, 9, '全对', '全部正确')\n"
        "def check(*args):\n    print('全部 2 项与 PyTorch 一致。')\n    return True",
        CHECK_LEAKY,
        CHECK_MSE,
    ],
}

EXPECTED = {  # 学生名: (3.1-3, 3.1-4)
    "right": ("1", "1"),
    "wrong": ("0.5", "0.5"),
    "partly": ("1", "0"),
    "crashing": ("1", "0"),
    "looping": ("1", "0"),
    "looping_function": ("0.5", "1"),
    "deleted_check": ("0", "1"),
    "tampered": ("0.5", "0.5"),
}


TIME_LIMIT = 4  # 秒：死循环的提交在循环前只导入 NumPy、定义函数
CALL_LIMIT = 2  # 秒：评分时每次调用学生的函数（正常的调用不到 0.1 秒）


def notebook_of(cells):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    notebook.cells.insert(0, nbformat.v4.new_markdown_cell("# 3.1 作业"))
    return notebook


LOOPING = ("looping", "looping_function", "sleepy")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """批改全部样例提交。死循环的两份单独批改，用很短的时间限制；其余的用宽松的限制
    （负载高的机器上导入 torch 也要几秒，它们从不等到限制）。返回 (输出目录, 每人的成绩行)。"""
    submissions = tmp_path_factory.mktemp("submissions")
    loops = tmp_path_factory.mktemp("looping")
    for student, cells in SUBMISSIONS.items():
        folder = loops if student in LOOPING else submissions
        nbformat.write(notebook_of(cells), folder / f"{student}.ipynb")
    (submissions / "unreadable.ipynb").write_text("{这不是 JSON", encoding="utf-8")
    out = tmp_path_factory.mktemp("grades")
    ids = ["3.1-3", "3.1-4"]
    grade_folder(submissions, out, ids, Settings(time_limit=120, call_limit=CALL_LIMIT))
    rows = read_rows(out / "grades.csv")
    grade_folder(
        loops, out / "looping", ids, Settings(time_limit=TIME_LIMIT, call_limit=CALL_LIMIT)
    )
    rows.update(read_rows(out / "looping" / "grades.csv"))
    for student in LOOPING:  # 反馈放在一起，和一次批改全部时一样
        (out / "looping" / f"{student}.txt").rename(out / f"{student}.txt")
    return out, rows


def read_rows(path):
    with open(path, encoding="utf-8") as handle:
        return {row["学生"]: row for row in csv.DictReader(handle)}


def test_csv_has_one_row_per_submission_and_one_column_per_exercise(graded):
    out, rows = graded
    assert set(rows) == set(SUBMISSIONS) | {"unreadable"}
    header = (out / "grades.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "学生,3.1-3,3.1-4,合计,说明,备注,SHA-256"


@pytest.mark.parametrize("student", EXPECTED)
def test_scores_come_from_the_checker(graded, student):
    _, rows = graded
    got = (rows[student]["3.1-3"], rows[student]["3.1-4"])
    assert got == EXPECTED[student], feedback(graded, student)
    expected_total = sum(float(s) for s in EXPECTED[student]) / 2
    assert float(rows[student]["合计"]) == pytest.approx(expected_total, abs=1e-3)


def test_all_graded_calls_together_are_time_limited(graded):
    _, rows = graded
    assert rows["sleepy"]["3.1-4"] == "0"
    sleepy = feedback(graded, "sleepy")
    assert "总时间已经用完" in sleepy or "已中断" in sleepy


def test_unreadable_notebook_scores_zero_with_a_reason(graded):
    out, rows = graded
    assert (rows["unreadable"]["3.1-3"], rows["unreadable"]["3.1-4"]) == ("0", "0")
    assert "读不了这个笔记本" in (out / "unreadable.txt").read_text(encoding="utf-8")


def feedback(graded, student):
    out, _ = graded
    return (out / f"{student}.txt").read_text(encoding="utf-8")


def test_feedback_files_say_what_is_wrong_in_chinese(graded):
    assert "全部 2 项与 PyTorch 一致" in feedback(graded, "right")
    assert "笔记本从头到尾运行没有出错" in feedback(graded, "right")
    wrong = feedback(graded, "wrong")
    assert "1/2 项正确" in wrong and "✗ dx" in wrong and "✗ dpred" in wrong
    assert "15 倍" in wrong  # 5×3 个元素：2·diff 而不是 2·diff/15
    assert "还没有完成" in feedback(graded, "partly")


def test_crashes_and_loops_are_reported_with_the_reason(graded):
    crashing = feedback(graded, "crashing")
    assert "RuntimeError: 我的实验崩了" in crashing and "SyntaxError" in crashing
    assert "没有找到函数 mse_loss" in crashing
    looping = feedback(graded, "looping")
    assert "超过时间限制" in looping and "没有找到函数 mse_loss" in looping
    looping_function = feedback(graded, "looping_function")
    assert f"运行超过 {CALL_LIMIT} 秒，已中断" in looping_function
    assert "第 4 个代码单元（x = np.ones((2, 3))）运行超过时间限制" in looping_function
    assert 'check("3.1-3", …) 检查单元' in feedback(graded, "deleted_check")


def test_tampering_inside_the_notebook_does_not_change_the_grade(graded):
    tampered = feedback(graded, "tampered")
    assert "1/2 项正确" in tampered and "✗ dpred" in tampered


def test_a_layer_assignment_is_graded_through_the_students_kernel(tmp_path):
    """3.4 的“亲手实现各层”作业：参数是字典、缓存是列表、loss 是字符串，都要能在两个进程之间传送。
    答案版得满分；生成器的 minimax 写错了符号的那份只在 minimax 的各项上失分。"""
    from book_tools.layer_assignments import layer_notebook
    from book_tools.markers import checked_ids

    answer = layer_notebook("3-4-layers")
    wrong = nbformat.from_dict(answer)
    for cell in wrong.cells:
        if "value, dlogits = -bce, -dlogits" in cell.source:
            cell.source = cell.source.replace("-bce, -dlogits", "bce, dlogits")
    assert wrong != answer
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    borrowed = nbformat.from_dict(answer)  # 不自己写，直接导入本书的参考实现
    for cell in borrowed.cells:
        if "def discriminator_loss_and_grads" in cell.source:
            cell.source = (
                "from lesson_utils.nn import discriminator_loss_and_grads, generator_loss_and_grads"
            )
    mixed = nbformat.from_dict(answer)  # 自己写前向，反向直接导入参考实现：与 check() 一样整题 0 分
    for cell in mixed.cells:
        if "def mlp_backward" in cell.source:
            cell.source += "\n\nfrom lesson_utils.nn import mlp_backward\n"
    nbformat.write(answer, submissions / "right.ipynb")
    nbformat.write(wrong, submissions / "minimax_sign.ipynb")
    nbformat.write(mixed, submissions / "mixed.ipynb")
    nbformat.write(borrowed, submissions / "borrowed.ipynb")
    ids = checked_ids(answer)
    graded = grade_folder(submissions, tmp_path / "out", ids, Settings(time_limit=120))
    grades = {g.student: g for g in graded}
    assert [r.score for r in grades["right"].results.values()] == [1, 1, 1, 1]
    generator = grades["minimax_sign"].results["3.4-generator"]
    assert (generator.passed_items, generator.total_items) == (5, 10), grades[
        "minimax_sign"
    ].problems
    assert "✗ G（minimax）: 损失" in generator.feedback and "✗ G（ns）" not in generator.feedback
    assert grades["minimax_sign"].results["3.4-discriminator"].score == 1
    for exercise_id in ("3.4-discriminator", "3.4-generator"):
        borrowed_gan = grades["borrowed"].results[exercise_id]
        assert borrowed_gan.passed_items == 0, grades["borrowed"].problems
        assert "从 lesson_utils.nn 导入的现成实现" in borrowed_gan.feedback
    assert grades["borrowed"].results["3.4-mlp"].score == 1  # 自己写的那几题照常得分
    mixed_mlp = grades["mixed"].results["3.4-mlp"]
    assert mixed_mlp.passed_items == 0
    assert "mlp_backward 是从 lesson_utils.nn 导入的" in mixed_mlp.feedback
    assert grades["mixed"].results["3.4-bce"].score == 1


# ---------------------------------------------------------------- 攻击成绩的提交（学生当作对手）
# 每份都在沙箱里运行；金丝雀都在 pytest 的临时目录里。期望：它自己得到应得的分数或 0 分与原因，
# 别人的行、别人的提交、成绩表、虚拟环境都不受影响，它开出的进程一个也不剩。
def hostile_submissions(submissions, out):
    """学生名 → 代码单元。路径直接写进代码：攻击者总能猜到或找到它们。"""
    answers = ROOT / "book/ch3/3-1-feedforward-backprop.ipynb"
    site_packages = [p for p in sys.path if p.endswith("site-packages")]
    steal = f"""
import json, glob
for path in [{str(answers)!r}, *glob.glob({str(submissions)!r} + "/*.ipynb")]:
    try:
        cells = json.load(open(path))["cells"]
    except OSError:
        continue
    for cell in cells:
        source = "".join(cell["source"])
        if "def mse_loss" in source and "NotImplementedError" not in source:
            exec(source)
"""
    vandal = f"""
import os
for path in [{str(submissions / "honest.ipynb")!r}, {str(out / "grades.csv")!r}]:
    try:
        open(path, "w").write("{{}}")
    except OSError:
        pass
try:
    os.remove({str(submissions / "honest_too.ipynb")!r})
except OSError:
    pass
for folder in {site_packages!r}:
    try:
        open(folder + "/evil.pth", "w").write("import os")
    except OSError:
        pass
"""
    detached = f"""
import subprocess, sys
code = "import time; time.sleep(8); open({str(out / "grades.csv")!r}, 'w').write('hacked')"
subprocess.Popen([sys.executable, "-c", code, "{MARKER}"], start_new_session=True)
"""
    patch_serve = (
        "import grade_worker\n"
        "_serve = grade_worker.serve\n"
        + MSE.replace("def mse_loss", "def _real_mse_loss")
        + "\ndef serve(request_path, response_path):\n"
        "    get_ipython().user_ns['mse_loss'] = _real_mse_loss\n"
        "    _serve(request_path, response_path)\n"
        "grade_worker.serve = serve\n"
    )
    fake_error = (
        "kernel = get_ipython().kernel\n"
        'kernel.session.send(kernel.iopub_socket, "error", {}, parent=kernel.get_parent("shell"))'
    )
    return {
        "honest": [IMPORTS, LEAKY, CHECK_LEAKY, MSE, CHECK_MSE],
        "honest_too": [IMPORTS, LEAKY, CHECK_LEAKY, MSE, CHECK_MSE],
        "complex": [
            IMPORTS,
            LEAKY,
            CHECK_LEAKY,
            MSE.replace("return loss, dpred", "return loss, dpred + 7j"),
            CHECK_MSE,
        ],
        "strings": [
            IMPORTS,
            LEAKY,
            CHECK_LEAKY,
            MSE.replace("return loss, dpred", "return loss, dpred.astype(str)"),
            CHECK_MSE,
        ],
        "float32": [
            IMPORTS,
            LEAKY,
            CHECK_LEAKY,
            MSE.replace("return loss, dpred", "return loss, dpred.astype(np.float32)"),
            CHECK_MSE,
        ],
        "stealing": [IMPORTS, LEAKY, CHECK_LEAKY, MSE_STUB, steal, CHECK_MSE],
        "vandal": [IMPORTS, LEAKY, CHECK_LEAKY, MSE, CHECK_MSE, vandal],
        "detached": [IMPORTS, LEAKY, CHECK_LEAKY, MSE, CHECK_MSE, detached],
        "serve_patch": [IMPORTS, LEAKY, CHECK_LEAKY, MSE_STUB, patch_serve, CHECK_MSE],
        "killer": [
            IMPORTS,
            LEAKY,
            "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nos.kill(1, signal.SIGKILL)",
            CHECK_LEAKY,
            MSE,
            CHECK_MSE,
        ],
        "fake_error": [IMPORTS, LEAKY, fake_error, CHECK_LEAKY, MSE, CHECK_MSE],
        "memory_hog": [
            IMPORTS,
            LEAKY,
            "hog = bytearray(16 * 1024**3)",
            CHECK_LEAKY,
            MSE,
            CHECK_MSE,
        ],
        "extra_column": ['# check("3.2-3", conv1x1_forward, conv1x1_backward)'],
        "=HYPERLINK(1)": [IMPORTS, LEAKY, CHECK_LEAKY, MSE, CHECK_MSE],
    }


MARKER = "detached-grade-canary"
HOSTILE_EXPECTED = {  # 学生名: (3.1-3, 3.1-4)
    "honest": ("1", "1"),
    "honest_too": ("1", "1"),
    "complex": ("1", "0.5"),
    "strings": ("1", "0.5"),
    "float32": ("1", "0.5"),
    "stealing": ("1", "0"),
    "vandal": ("1", "1"),
    "detached": ("1", "1"),
    "serve_patch": ("1", "0"),
    "killer": ("1", "1"),
    "fake_error": ("1", "1"),
    "memory_hog": ("1", "1"),
    "extra_column": ("0", "0"),
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    submissions = tmp_path_factory.mktemp("hostile")
    out = tmp_path_factory.mktemp("hostile-grades")
    for student, cells in hostile_submissions(submissions, out).items():
        nbformat.write(notebook_of(cells), submissions / f"{student}.ipynb")
    no_source = notebook_of(["1 + 1", IMPORTS, LEAKY, CHECK_LEAKY, MSE, CHECK_MSE])
    assert no_source.cells[1]["source"] == "1 + 1"
    del no_source.cells[1]["source"]  # 合法的 JSON，但代码单元没有 source 字段
    (submissions / "no_source.ipynb").write_text(json.dumps(no_source), encoding="utf-8")
    before = {p.name: p.read_bytes() for p in submissions.iterdir()}
    settings = Settings(time_limit=60, call_limit=2, limits=Limits(memory_bytes=3 * 1024**3))
    grades = grade_folder(submissions, out, ["3.1-3", "3.1-4"], settings, jobs=2)
    time.sleep(10)  # 脱离出去的进程（如果还活着）在 8 秒后改写成绩表
    after = {p.name: p.read_bytes() for p in submissions.iterdir()}
    return out, {g.student: g for g in grades}, before, after


def test_hostile_submissions_get_what_they_earned(hostile):
    out, grades, _, _ = hostile
    rows = read_rows(out / "grades.csv")
    for student, expected in HOSTILE_EXPECTED.items():
        got = (rows[student]["3.1-3"], rows[student]["3.1-4"])
        assert got == expected, (student, feedback_text(grades[student]))


def test_a_submission_cannot_touch_the_others_or_the_environment(hostile):
    out, grades, before, after = hostile
    assert after == before  # 同学的提交一个字节也没变，也没有被删掉
    assert not any(Path(p, "evil.pth").exists() for p in sys.path if p)
    assert "hacked" not in (out / "grades.csv").read_text(encoding="utf-8")
    assert processes_with(MARKER) == []


def test_the_columns_come_from_the_assignment_and_cells_are_not_formulas(hostile):
    out, _, _, _ = hostile
    lines = (out / "grades.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "学生,3.1-3,3.1-4,合计,说明,备注,SHA-256"
    assert any(line.startswith("'=HYPERLINK(1),1,1,1") for line in lines)
    assert read_rows(out / "grades.csv")["no_source"]["合计"] == "1"


def test_malformed_results_say_why(hostile):
    _, grades, _, _ = hostile
    assert "dtype 是 complex128" in grades["complex"].results["3.1-4"].feedback
    assert "dtype 是 <U" in grades["strings"].results["3.1-4"].feedback
    assert "float32 的精度内一致" in grades["float32"].results["3.1-4"].feedback
    assert "还没有完成" in grades["serve_patch"].results["3.1-4"].feedback


def test_suspicious_sources_are_flagged_for_a_human(hostile):
    out, _, _, _ = hostile
    rows = read_rows(out / "grades.csv")
    assert "改动评分或解释器" in rows["serve_patch"]["备注"]
    assert "exec/eval" in rows["stealing"]["备注"] and "读文件" in rows["stealing"]["备注"]
    assert "进程/系统调用" in rows["killer"]["备注"]
    assert rows["honest"]["备注"] == ""
    assert len(rows["honest"]["SHA-256"]) == 64
