"""“亲手实现各层”的作业：由 `#| export` 单元生成，学生版只有桩；检查器接受参考实现（就是
lesson_utils.nn 本身），拒绝典型的错误实现并点出出错的那一项；形状与书里演示的不同。"""

import re

import nbformat
import numpy as np
import pytest
from conftest import ROOT

from book_tools.assignments import student_version
from book_tools.layer_assignments import LAYER_ASSIGNMENTS, layer_notebook
from book_tools.markers import BEGIN
from lesson_utils import exercises, nn
from lesson_utils.exercises import LAYER_EXERCISES, check


def run_code(notebook):
    namespace = {}
    for cell in notebook.cells:
        if cell.cell_type == "code" and not cell.source.startswith("check("):
            exec(cell.source, namespace)  # noqa: S102 —— 本仓库生成的作业
    return namespace


@pytest.fixture(scope="module")
def answers():
    return {name: run_code(layer_notebook(name)) for name in LAYER_ASSIGNMENTS}


def functions(namespace, exercise_id):
    return [namespace[f] for f in LAYER_EXERCISES[exercise_id].functions]


def namespace_of(answers, exercise_id):
    name = next(n for n, spec in LAYER_ASSIGNMENTS.items() if exercise_id in spec.exercises)
    return answers[name]


def test_every_layer_exercise_belongs_to_one_assignment():
    used = [e for spec in LAYER_ASSIGNMENTS.values() for e in spec.exercises]
    assert sorted(used) == sorted(LAYER_EXERCISES)


@pytest.mark.parametrize("exercise_id", LAYER_EXERCISES)
def test_the_reference_implementation_passes(answers, exercise_id, capsys):
    result = check(exercise_id, *functions(namespace_of(answers, exercise_id), exercise_id))
    assert result and result.passed_items == result.total_items == len(
        LAYER_EXERCISES[exercise_id].items
    )
    assert "全部" in capsys.readouterr().out


@pytest.mark.parametrize("name", LAYER_ASSIGNMENTS)
def test_student_version_has_stubs_only_and_reports_unfinished(name, capsys):
    answer = layer_notebook(name)
    student, cleared = student_version(answer)
    text = "\n".join(c.source for c in student.cells)
    assert BEGIN not in text and cleared >= 2
    stubbed = {f for e in LAYER_ASSIGNMENTS[name].exercises for f in LAYER_EXERCISES[e].functions}
    assert text.count("raise NotImplementedError()") >= len(stubbed)
    namespace = run_code(student)
    for exercise_id in LAYER_ASSIGNMENTS[name].exercises:
        result = check(exercise_id, *functions(namespace, exercise_id))
        assert result.passed_items == 0 and result.status == "未完成"
    assert "还没有完成" in capsys.readouterr().out


def hidden_input_shape(exercise_id, implementation):
    """检查器交给第一个函数的最高维数组的形状（隐藏的输入形状）。"""
    shapes = []

    def recording(function):
        def wrapper(*args, **kwargs):
            arrays = [a for a in args if isinstance(a, np.ndarray)]
            shapes.append(max(arrays, key=np.ndim).shape)
            return function(*args, **kwargs)

        return wrapper

    check(exercise_id, recording(implementation[0]), *implementation[1:])
    return shapes[0]


def literal_shapes(notebook_path):
    """书页代码单元里写出的整数元组，如 size=(2, 3, 4, 5) 里的 (2, 3, 4, 5)。"""
    notebook = nbformat.read(notebook_path, as_version=4)
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    return {tuple(int(n) for n in m.split(",")) for m in re.findall(r"\((\d+(?:,\s*\d+)+)\)", code)}


@pytest.mark.parametrize("exercise_id", LAYER_EXERCISES)
def test_hidden_shapes_are_not_the_pages_examples_and_follow_the_seed(
    answers, exercise_id, monkeypatch, capsys
):
    """检查器的输入形状不是书页里演示过的，换了 HIDDEN_SEED（make grade SEED=…）就换形状。"""
    implementation = functions(namespace_of(answers, exercise_id), exercise_id)
    shape = hidden_input_shape(exercise_id, implementation)
    name = next(n for n, spec in LAYER_ASSIGNMENTS.items() if exercise_id in spec.exercises)
    assert shape not in literal_shapes(ROOT / LAYER_ASSIGNMENTS[name].notebook), shape
    monkeypatch.setattr(exercises, "HIDDEN_SEED", 7)
    assert hidden_input_shape(exercise_id, implementation) != shape
    capsys.readouterr()


def wrong_implementations(answers):
    ns = {e: functions(namespace_of(answers, e), e) for e in LAYER_EXERCISES}
    linear_forward, linear_backward = ns["3.1-linear"]
    relu_f, relu_b, sig_f, sig_b, tanh_f, tanh_b = ns["3.1-activations"]
    (softmax_ce,) = ns["3.1-softmax-ce"]
    conv_f, conv_b = ns["3.2-conv2d"]
    pool_f, pool_b = ns["3.2-max-pool"]
    conv_t_f, conv_t_b = ns["3.2-conv-transpose2d"]
    rnn_f, rnn_b = ns["3.3-rnn"]
    lstm_f, lstm_b = ns["3.3-lstm"]
    (bce,) = ns["3.4-bce"]
    mlp_f, mlp_b = ns["3.4-mlp"]
    (discriminator,) = ns["3.4-discriminator"]
    (generator,) = ns["3.4-generator"]

    def linear_dW_flipped(dout, cache):  # x.T @ dout：形状 (D, H)
        x, W, b = cache
        return dout @ W, x.T @ dout, dout.sum(axis=0)

    def linear_db_mean(dout, cache):
        dx, dW, _ = linear_backward(dout, cache)
        return dx, dW, dout.mean(axis=0)

    def sigmoid_backward_forgot_one_minus(dout, cache):  # σ 而不是 σ(1−σ)（参考实现的 cache 是 σ）
        return dout * cache

    def relu_backward_passes_everything(dout, cache):
        return dout

    def softmax_ce_unstable(logits, y):  # 没有减去最大值：±1000 时溢出
        with np.errstate(all="ignore"):
            p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
            loss = -np.mean(np.log(p[np.arange(len(y)), y]))
        d = p.copy()
        d[np.arange(len(y)), y] -= 1
        return loss, d / len(y)

    def softmax_ce_sum(logits, y):  # 忘了对 N 求平均
        loss, d = softmax_ce(logits, y)
        return loss * len(y), d * len(y)

    def conv_db_mean(dout, cache):
        dx, dW, _ = conv_b(dout, cache)
        return dx, dW, dout.mean(axis=(0, 2, 3))

    def conv_dx_missing(dout, cache):
        dx, dW, db = conv_b(dout, cache)
        return np.zeros_like(dx), dW, db

    def pool_backward_like_average(dout, cache):  # 梯度平分给窗口里的每个像素
        x, out, kernel, stride = cache
        return nn.avg_pool2d_backward(dout, nn.avg_pool2d_forward(x, kernel, stride)[1])

    def pool_backward_overwrites(dout, cache):  # 重叠窗口：只记最后一份，而不是相加
        x, out, kernel, stride = cache
        dx = np.zeros_like(x)
        for i in range(out.shape[2]):
            for j in range(out.shape[3]):
                r, c = i * stride[0], j * stride[1]
                window = x[:, :, r : r + kernel[0], c : c + kernel[1]]
                mask = window == out[:, :, i : i + 1, j : j + 1]
                dx[:, :, r : r + kernel[0], c : c + kernel[1]] = (
                    mask * dout[:, :, i : i + 1, j : j + 1]
                )
        return dx

    def conv_t_forgot_bias(x, W, b, **options):
        return conv_t_f(x, W, np.zeros_like(b), **options)

    def conv_t_db_mean(dout, cache):
        dx, dW, _ = conv_t_b(dout, cache)
        return dx, dW, dout.mean(axis=(0, 2, 3))

    def conv_t_dW_in_conv2d_layout(dout, cache):  # 按 conv2d 的 (C_out, C_in, k, k) 返回 dW
        dx, dW, db = conv_t_b(dout, cache)
        return dx, dW.transpose(1, 0, 2, 3), db

    def rnn_dh0_forgotten(dhs, cache):
        grads = list(rnn_b(dhs, cache))
        grads[1] = np.zeros_like(grads[1])
        return tuple(grads)

    def rnn_dW_hh_transposed(dhs, cache):
        grads = list(rnn_b(dhs, cache))
        grads[3] = grads[3].T
        return tuple(grads)

    def lstm_dc0_forgotten(dhs, cache):
        grads = list(lstm_b(dhs, cache))
        grads[2] = np.zeros_like(grads[2])
        return tuple(grads)

    def lstm_gate_order_swapped(dhs, cache):  # 把 i、f 两个门的行放反了
        grads = list(lstm_b(dhs, cache))
        H = grads[1].shape[1]
        for k in (3, 4):
            g = grads[k].copy()
            g[:H], g[H : 2 * H] = grads[k][H : 2 * H], grads[k][:H]
            grads[k] = g
        return tuple(grads)

    def bce_naive(logits, targets):  # 照定义写 log σ 与 log(1 − σ)：±1000 时得到 inf / nan
        with np.errstate(all="ignore"):
            probs = 1 / (1 + np.exp(-logits))
            loss = -np.mean(targets * np.log(probs) + (1 - targets) * np.log(1 - probs))
        return loss, (probs - targets) / logits.size

    def bce_gradient_not_averaged(logits, targets):  # 损失取了平均，梯度却没有除以元素个数
        loss, dlogits = bce(logits, targets)
        return loss, dlogits * logits.size

    def mlp_relu_on_output(params, x):  # 最后一层也加了 ReLU
        out, caches = mlp_f(params, x)
        return np.maximum(out, 0), caches

    def mlp_backward_skips_relu(dout, caches):  # 反向时忘了乘 ReLU 的导数
        grads = {}
        for k in reversed(range(len(caches))):
            dout, grads[f"W{k}"], grads[f"b{k}"] = nn.linear_backward(dout, caches[k][0])
        return dout, grads

    def discriminator_real_half_only(D, G, x_real, z):  # 只有真样本那一半的梯度
        logits, cache = mlp_f(D, x_real)
        loss_real, dlogits = bce(logits, np.ones_like(logits))
        loss, _ = discriminator(D, G, x_real, z)
        return loss, mlp_b(dlogits, cache)[1]

    def discriminator_fake_labelled_one(D, G, x_real, z):  # 假样本也标成 1
        x_fake, _ = mlp_f(G, z)
        logits, cache = mlp_f(D, np.concatenate([x_real, x_fake]))
        loss, dlogits = bce(logits, np.ones_like(logits))
        return loss, mlp_b(dlogits, cache)[1]

    def generator_ns_only(D, G, z, loss="ns"):  # 忽略 loss 参数，总是非饱和损失
        return generator(D, G, z, "ns")

    def generator_minimax_sign_flipped(D, G, z, loss="ns"):  # log(1 − D) 写成了 BCE(s, 0)
        if loss == "ns":
            return generator(D, G, z, loss)
        value, grads = generator(D, G, z, loss)
        return -value, {name: -g for name, g in grads.items()}

    return {
        "3.4-bce": [((bce_naive,), "loss（logits 放大"), ((bce_gradient_not_averaged,), "dlogits")],
        "3.4-mlp": [((mlp_relu_on_output, mlp_b), "out"), ((mlp_f, mlp_backward_skips_relu), "dx")],
        "3.4-discriminator": [
            ((discriminator_real_half_only,), "D: dW0"),
            ((discriminator_fake_labelled_one,), "D: 损失"),
        ],
        "3.4-generator": [
            ((generator_minimax_sign_flipped,), "G（minimax）: 损失"),
            ((generator_ns_only,), "G（minimax）: 损失"),
        ],
        "3.1-linear": [
            ((linear_forward, linear_dW_flipped), "dW"),
            ((linear_forward, linear_db_mean), "db"),
        ],
        "3.1-activations": [
            ((relu_f, relu_backward_passes_everything, sig_f, sig_b, tanh_f, tanh_b), "relu dx"),
            (
                (relu_f, relu_b, sig_f, sigmoid_backward_forgot_one_minus, tanh_f, tanh_b),
                "sigmoid dx",
            ),
        ],
        "3.1-softmax-ce": [
            ((softmax_ce_unstable,), "loss（logits 放大"),
            ((softmax_ce_sum,), "loss"),
        ],
        "3.2-conv2d": [((conv_f, conv_db_mean), "db"), ((conv_f, conv_dx_missing), "dx")],
        "3.2-max-pool": [
            ((pool_f, pool_backward_like_average), "dx"),
            ((pool_f, pool_backward_overwrites), "dx"),
        ],
        "3.2-conv-transpose2d": [
            ((conv_t_forgot_bias, conv_t_b), "out"),
            ((conv_t_f, conv_t_db_mean), "db"),
            ((conv_t_f, conv_t_dW_in_conv2d_layout), "dW"),
        ],
        "3.3-rnn": [((rnn_f, rnn_dh0_forgotten), "dh0"), ((rnn_f, rnn_dW_hh_transposed), "dW_hh")],
        "3.3-lstm": [
            ((lstm_f, lstm_dc0_forgotten), "dc0"),
            ((lstm_f, lstm_gate_order_swapped), "dW_ih"),
        ],
    }


@pytest.mark.parametrize("exercise_id", LAYER_EXERCISES)
def test_typical_wrong_implementations_are_rejected(answers, exercise_id, capsys):
    cases = wrong_implementations(answers)[exercise_id]
    assert len(cases) >= 2
    for implementation, wrong_item in cases:
        result = check(exercise_id, *implementation)
        out = capsys.readouterr().out
        assert not result and result.passed_items < result.total_items, out
        assert "✗ " + wrong_item in out, out


def test_later_functions_call_the_students_own_earlier_ones(capsys):
    """3.4 的 GAN 函数调用的是学生写的 mlp_forward/backward 与 bce_with_logits，
    而不是从 lesson_utils.nn 导入的参考实现：那里写错了，这里也应当不通过。"""
    notebook = layer_notebook("3-4-layers")
    imports = [
        line for c in notebook.cells if c.cell_type == "code" for line in c.source.split("\n")
    ]
    targets = {
        f for e in LAYER_ASSIGNMENTS["3-4-layers"].exercises for f in LAYER_EXERCISES[e].functions
    }
    assert not [
        line
        for line in imports
        if line.startswith("from lesson_utils") and any(t in line for t in targets)
    ]
    namespace = run_code(notebook)
    namespace["bce_with_logits"] = lambda logits, targets: (0.0, np.zeros_like(logits))
    for exercise_id in ("3.4-discriminator", "3.4-generator"):
        result = check(exercise_id, *functions(namespace, exercise_id))
        assert result.passed_items == 0, capsys.readouterr().out
