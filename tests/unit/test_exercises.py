"""练习检查器：接受笔记本里的参考解，拒绝典型的错误答案，并给出有用的反馈；未完成的练习被礼貌地报告。

参考解直接从笔记本里标有 ### BEGIN SOLUTION 的代码单元取出执行（单一来源），不在这里重抄。
"""

import re

import nbformat
import numpy as np
import pytest
from conftest import ROOT

from lesson_utils import nn
from lesson_utils.exercises import EXERCISES, LAYER_EXERCISES, check

BOOK_EXERCISES = [e for e in EXERCISES if e not in LAYER_EXERCISES]  # 各层的作业另有测试

NOTEBOOKS = {  # 一节的练习可以分在几页上（3.3 与 3.3.1）
    "3.1": ["book/ch3/3-1-feedforward-backprop.ipynb"],
    "3.2": ["book/ch3/3-2-cnn.ipynb"],
    "3.3": ["book/ch3/3-3-rnn.ipynb", "book/ch3/3-3-language-model.ipynb"],
    "3.4": ["book/ch3/3-4-gan.ipynb"],
}


def solution_namespace(section):
    """执行一节笔记本里所有含参考解的单元（以及 3.4 需要的 MLP 工具），返回命名空间。"""
    cells = [c for p in NOTEBOOKS[section] for c in nbformat.read(ROOT / p, as_version=4).cells]
    namespace = {"np": np}
    namespace.update({name: getattr(nn, name) for name in nn.__all__})
    for cell in cells:
        if cell.cell_type != "code":
            continue
        defines_helper = re.search(r"^def (init_mlp|mlp_forward|mlp_backward)\(", cell.source, re.M)
        if "### BEGIN SOLUTION" in cell.source or defines_helper:
            exec(cell.source, namespace)  # noqa: S102 —— 执行的是本仓库笔记本里的代码
    return namespace


def reference(exercise_id):
    namespace = solution_namespace(exercise_id.split("-")[0])
    return [namespace[name] for name in EXERCISES[exercise_id].functions]


@pytest.mark.parametrize("exercise_id", BOOK_EXERCISES)
def test_reference_solution_passes(exercise_id, capsys):
    assert check(exercise_id, *reference(exercise_id))
    assert "全部" in capsys.readouterr().out


def test_every_code_exercise_in_the_book_has_a_checker():
    for path in [p for pages in NOTEBOOKS.values() for p in pages]:
        notebook = nbformat.read(ROOT / path, as_version=4)
        calls = {m for c in notebook.cells for m in re.findall(r'check\("([\d.]+-\d+)"', c.source)}
        solutions = sum("### BEGIN SOLUTION" in c.source for c in notebook.cells)
        assert len(calls) == solutions, (path, calls)
        assert calls <= set(EXERCISES)


def stub(*args, **kwargs):
    raise NotImplementedError()


def test_unsolved_exercise_is_reported_politely(capsys):
    assert not check("3.2-3", stub, stub)
    out = capsys.readouterr().out
    assert "还没有完成" in out and "Traceback" not in out


def test_errors_in_student_code_become_feedback(capsys):
    def broken(x, W, b):
        return x @ W  # 形状不合，NumPy 会抛出 ValueError

    assert not check("3.2-3", broken, stub)
    assert "运行你的函数时出错" in capsys.readouterr().out


def test_unknown_exercise_and_wrong_arity_are_clear_errors():
    with pytest.raises(ValueError, match="3.9-9"):
        check("3.9-9", stub)
    with pytest.raises(ValueError, match="需要 2 个函数"):
        check("3.2-3", stub)


# 每个检查器至少拒绝两种典型的错误答案，并在反馈里点出出错的那一项
def wrong_answers():
    leaky_forward, leaky_backward = reference("3.1-3")
    (mse,) = reference("3.1-4")
    conv_forward, conv_backward = reference("3.2-3")
    gap_forward, gap_backward = reference("3.2-4")
    step_forward, step_backward = reference("3.3-3")
    embed_forward, embed_backward = reference("3.3-4")
    (mlp_direct,) = reference("3.3-7")
    (smoothed,) = reference("3.4-3")
    (push,) = reference("3.4-4")
    ns = solution_namespace("3.4")

    def leaky_backward_relu(dout, cache):  # 负半轴梯度给了 0（当成了 ReLU）
        x, alpha = cache
        return dout * (x > 0)

    def leaky_backward_everywhere(dout, cache):  # 忘了乘导数
        return dout

    def mse_forgot_mean(pred, target):  # 梯度没有除以元素个数
        diff = pred - target
        return np.mean(diff**2), 2 * diff

    def mse_mean_over_rows(pred, target):  # 只除以 N，没除以 N·K
        diff = pred - target
        return np.mean(diff**2), 2 * diff / len(diff)

    def conv_backward_no_transpose(dout, cache):  # dW 少了一个轴的交换
        dx, dW, db = conv_backward(dout, cache)
        return dx, dW.transpose(1, 0, 2, 3).reshape(dW.shape), db

    def conv_backward_db_mean(dout, cache):  # db 取了平均而不是求和
        dx, dW, db = conv_backward(dout, cache)
        return dx, dW, dout.mean(axis=(0, 2, 3))

    def gap_backward_no_division(dout, cache):  # 梯度没除以 H·W
        N, C, H, W = cache
        return np.broadcast_to(dout[:, :, None, None], (N, C, H, W)).copy()

    def gap_backward_first_pixel(dout, cache):  # 梯度只给了第一个像素（像最大池化）
        dx = np.zeros(cache)
        dx[:, :, 0, 0] = dout
        return dx

    def step_backward_no_tanh(dh, cache):  # 忘了乘 tanh′
        x_t, h_prev, W_ih, W_hh, h_t = cache
        return dh @ W_ih, dh @ W_hh, dh.T @ x_t, dh.T @ h_prev, dh.sum(axis=0)

    def step_backward_wrong_order(dh, cache):  # dW_hh 配对成了 h_t 而不是 h_{t−1}
        x_t, h_prev, W_ih, W_hh, h_t = cache
        da = dh * (1 - h_t**2)
        return da @ W_ih, da @ W_hh, da.T @ x_t, da.T @ h_t, da.sum(axis=0)

    def embed_backward_fancy_index(dout, cache):  # dE[ids] += dout：重复的字只算一次
        ids, shape = cache
        dE = np.zeros(shape)
        dE[ids] += dout
        return dE

    def embed_backward_mean(dout, cache):  # 对重复出现的字取了平均
        ids, shape = cache
        dE = np.zeros(shape)
        np.add.at(dE, ids, dout)
        counts = np.bincount(ids.ravel(), minlength=shape[0])[:, None]
        return dE / np.maximum(counts, 1)

    def mlp_direct_one_path(params, X, y):  # de 只算了经过隐藏层的那一条路
        no_direct = {**params, "Wd": np.zeros_like(params["Wd"])}
        loss, grads = mlp_direct(no_direct, X, y)
        true_loss, true_grads = mlp_direct(params, X, y)
        return true_loss, {**true_grads, "C": grads["C"]}

    def mlp_direct_bias_twice(params, X, y):  # 两条路各加了一次偏置的梯度
        loss, grads = mlp_direct(params, X, y)
        return loss, {**grads, "b2": 2 * grads["b2"]}

    def smoothed_both_sides(D, G, x_real, z, real_label=0.9):  # 假样本也平滑成 0.1
        x_fake, _ = ns["mlp_forward"](G, z)
        lr, cr = ns["mlp_forward"](D, x_real)
        lf, cf = ns["mlp_forward"](D, x_fake)
        loss_r, dr = nn.bce_with_logits(lr, np.full_like(lr, real_label))
        loss_f, df = nn.bce_with_logits(lf, np.full_like(lf, 1 - real_label))
        _, gr = ns["mlp_backward"](dr, cr)
        _, gf = ns["mlp_backward"](df, cf)
        return loss_r + loss_f, {k: gr[k] + gf[k] for k in D}

    def smoothed_real_only(D, G, x_real, z, real_label=0.9):  # 忘了假样本那一项
        lr, cr = ns["mlp_forward"](D, x_real)
        loss_r, dr = nn.bce_with_logits(lr, np.full_like(lr, real_label))
        return loss_r, ns["mlp_backward"](dr, cr)[1]

    def push_with_mean(D, x):  # 忘了乘回 N
        return push(D, x) / len(x)

    def push_wrong_sign(D, x):  # 方向反了
        return -push(D, x)

    return {
        "3.1-3": [
            ((leaky_forward, leaky_backward_relu), "dx"),
            ((leaky_forward, leaky_backward_everywhere), "dx"),
        ],
        "3.1-4": [((mse_forgot_mean,), "dpred"), ((mse_mean_over_rows,), "dpred")],
        "3.2-3": [
            ((conv_forward, conv_backward_no_transpose), "dW"),
            ((conv_forward, conv_backward_db_mean), "db"),
        ],
        "3.2-4": [
            ((gap_forward, gap_backward_no_division), "dx"),
            ((gap_forward, gap_backward_first_pixel), "dx"),
        ],
        "3.3-3": [
            ((step_forward, step_backward_no_tanh), "dx_t"),
            ((step_forward, step_backward_wrong_order), "dW_hh"),
        ],
        "3.3-4": [
            ((embed_forward, embed_backward_fancy_index), "dE"),
            ((embed_forward, embed_backward_mean), "dE"),
        ],
        "3.3-7": [((mlp_direct_one_path,), "dC"), ((mlp_direct_bias_twice,), "db2")],
        "3.4-3": [((smoothed_both_sides,), "损失"), ((smoothed_real_only,), "损失")],
        "3.4-4": [((push_with_mean,), "推动方向"), ((push_wrong_sign,), "推动方向")],
    }


@pytest.mark.parametrize("exercise_id", BOOK_EXERCISES)
def test_typical_wrong_answers_are_rejected_with_useful_feedback(exercise_id, capsys):
    cases = wrong_answers()[exercise_id]
    assert len(cases) >= 2
    for functions, wrong_item in cases:
        assert not check(exercise_id, *functions)
        out = capsys.readouterr().out
        assert "✗ " + wrong_item in out, out


def test_constant_factor_hint(capsys):
    def mse_forgot_mean(pred, target):
        diff = pred - target
        return np.mean(diff**2), 2 * diff

    check("3.1-4", mse_forgot_mean)
    assert "15 倍" in capsys.readouterr().out  # 5×3 个元素：差了 N·K 倍


# ---------------------------------------------------------------- 得分与反馈的边界情况
def test_check_result_counts_items_for_partial_credit(capsys):
    conv_forward, conv_backward = reference("3.2-3")

    def db_mean(dout, cache):
        dx, dW, db = conv_backward(dout, cache)
        return dx, dW, dout.mean(axis=(0, 2, 3))

    result = check("3.2-3", conv_forward, db_mean)
    assert (result.passed_items, result.total_items, result.score) == (3, 4, 0.75)
    assert not result and result.status == "部分正确"
    assert "3/4 项正确" in capsys.readouterr().out
    full = check("3.2-3", conv_forward, conv_backward)
    assert full and (full.passed_items, full.total_items, full.status) == (4, 4, "全部正确")


def test_missing_term_is_not_called_a_zero_factor(capsys):
    conv_forward, conv_backward = reference("3.2-3")

    def db_zero(dout, cache):
        dx, dW, _ = conv_backward(dout, cache)
        return dx, dW, np.zeros(dout.shape[1])

    check("3.2-3", conv_forward, db_zero)
    out = capsys.readouterr().out
    assert "✗ db" in out and "全是 0" in out and "0 倍" not in out


def test_forward_gets_its_verdict_while_backward_is_a_stub(capsys):
    conv_forward, _ = reference("3.2-3")
    result = check("3.2-3", conv_forward, stub)
    assert (result.passed_items, result.total_items, result.status) == (1, 4, "未完成")
    out = capsys.readouterr().out
    assert "1/4 项正确" in out and "因此没有检查：dx、dW、db" in out


def test_an_exception_names_the_students_line(capsys):
    def conv_forward_typo(x, W, b):
        rows = x.reshape(-1, x.shape[1])
        out = rows @ W[:, :, 0, 0] + b  # 少了 .T：形状不合
        return out, None

    result = check("3.2-3", conv_forward_typo, stub)
    out = capsys.readouterr().out
    assert result.status == "出错" and result.passed_items == 0
    line = conv_forward_typo.__code__.co_firstlineno + 2  # 在笔记本里就是单元里的行号
    assert f"conv_forward_typo 的第 {line} 行：out = rows @ W[:, :, 0, 0] + b" in out, out


def test_transpose_hints_for_square_matrices_and_4d_weights(capsys):
    step_forward, step_backward = reference("3.3-3")

    def dW_hh_transposed(dh, cache):  # W_hh 是方阵：形状对，数值是转置
        dx, dh_prev, dW_ih, dW_hh, db = step_backward(dh, cache)
        return dx, dh_prev, dW_ih, dW_hh.T, db

    check("3.3-3", step_forward, dW_hh_transposed)
    out = capsys.readouterr().out
    assert "✗ dW_hh" in out and "正好是正确值的转置" in out, out

    conv_forward, conv_backward = reference("3.2-3")

    def dW_swapped(dout, cache):  # (F, C, 1, 1) 写成了 (C, F, 1, 1)
        dx, dW, db = conv_backward(dout, cache)
        return dx, dW.transpose(1, 0, 2, 3), db

    check("3.2-3", conv_forward, dW_swapped)
    out = capsys.readouterr().out
    assert "✗ dW：形状应为 (6, 3, 1, 1)，你的是 (3, 6, 1, 1)（像是转置了" in out, out


def test_transpose_hint_for_square_4d_weights():
    from lesson_utils.feedback import diagnose

    W = np.random.default_rng(0).normal(size=(3, 3, 2, 2))
    assert "前两个轴对调" in diagnose("dW", W.transpose(1, 0, 2, 3), W)


def test_overflow_is_named_and_nothing_reaches_stderr(capsys):
    """照定义写的 BCE 在 ±1000 时溢出：反馈说 inf / nan 与数值稳定，而不是“inf 倍”；
    溢出警告不打印——写到 stderr 的测试单元会被 nbgrader 整个记 0 分。"""

    def bce_naive(logits, targets):
        probs = 1 / (1 + np.exp(-logits))
        loss = -np.mean(targets * np.log(probs) + (1 - targets) * np.log(1 - probs))
        return loss, (probs - targets) / logits.size

    result = check("3.4-bce", bce_naive)
    captured = capsys.readouterr()
    assert result.passed_items == 3 and captured.err == ""
    assert "inf 或 nan" in captured.out and "inf 倍" not in captured.out


def test_one_number_gets_no_factor_hint_and_a_sign_flip_is_named(capsys):
    forward, backward = reference("3.2-3")

    def db_scaled_dx_negated(dout, cache):
        dx, dW, db = backward(dout, cache)
        return -dx, dW, db * 3

    check("3.2-3", forward, db_scaled_dx_negated)
    out = capsys.readouterr().out
    assert "差一个负号" in out and "3 倍" in out  # db 有 6 个数：常数倍的提示仍然有用

    def mse_loss_doubled(pred, target):  # loss 是一个数：“是正确值的 2 倍”没有信息
        diff = pred - target
        return 2 * np.mean(diff**2), 2 * diff / diff.size

    check("3.1-4", mse_loss_doubled)
    out = capsys.readouterr().out
    assert "✗ loss" in out and "倍" not in out


def test_nothing_right_is_not_called_partly_right(capsys):
    def mse_wrong(pred, target):
        return 1.0 + np.mean((pred - target) ** 2), np.ones_like(pred)

    result = check("3.1-4", mse_wrong)
    assert (result.passed_items, result.status) == (0, "不正确")


def test_the_books_own_implementation_is_not_accepted_as_the_students(capsys):
    from lesson_utils import nn

    result = check("3.4-mlp", nn.mlp_forward, nn.mlp_backward)
    assert (result.passed_items, result.status) == (0, "出错")
    assert "lesson_utils.nn.mlp 里现成的实现" in capsys.readouterr().out


# ---------------------------------------------------------------- 检查器从不白给分数
def conv1x1_with(change_db=None, change_out=None):
    """书里的 1×1 卷积参考解，外加对 out / db 的一处改动（模拟学生的错误或攻击）。"""
    forward, backward = reference("3.2-3")

    def student_forward(*args):
        out, cache = forward(*args)
        return (change_out(out) if change_out else out), cache

    def student_backward(*args):
        dx, dW, db = backward(*args)
        return dx, dW, (change_db(db) if change_db else db)

    return student_forward, student_backward


@pytest.mark.parametrize(
    ("change_db", "expected"),
    [
        (lambda db: db.reshape(1, -1), "keepdims=True"),  # 常见的诚实错误：(1, C) 而不是 (C,)
        (lambda db: db.astype(str), "dtype"),  # 形状对的字符串数组
        (lambda db: db + 7j, "dtype"),  # 复数：astype(float64) 会丢掉虚部
        (lambda db: db.astype(np.float32), "float32 的精度内一致"),
        (lambda db: db > 0, "dtype"),
    ],
    ids=["keepdims", "strings", "complex", "float32", "bool"],
)
def test_a_malformed_result_fails_its_item_with_a_clear_note(change_db, expected, capsys):
    result = check("3.2-3", *conv1x1_with(change_db=change_db))
    out = capsys.readouterr().out
    assert (result.passed_items, result.total_items) == (3, 4), out
    assert "✗ db：" in out and expected in out


def test_an_exception_while_judging_fails_the_item(monkeypatch, capsys):
    from lesson_utils import feedback

    def broken(*args):
        raise IndexError("判定时的意外")

    monkeypatch.setattr(feedback, "diagnose", broken)
    result = check("3.2-3", *conv1x1_with())
    out = capsys.readouterr().out
    assert result.passed_items == 0 and "无法判定这一项（IndexError" in out


@pytest.mark.parametrize(
    ("ours", "reference", "hint"),
    [
        ((1, 5), (5,), "keepdims"),
        ((5,), (), ""),
        ((), (5,), ""),
        ((3, 2), (2, 3), "转置"),
        ((1,), (), "keepdims"),
    ],
)
def test_shape_hints_work_for_any_rank(ours, reference, hint):
    from lesson_utils.feedback import shape_hint

    assert hint in shape_hint(ours, reference)
    assert bool(shape_hint(ours, reference)) == bool(hint)
