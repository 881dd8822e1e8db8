"""卷积、池化、转置卷积与卷积网络（3.2）：跨分块的批次、朴素版与向量化版一致、数值梯度、并列的最大值、float32、错误输入。

与 PyTorch 在随机形状上的对照在 test_nn_dense.py（经由 lesson_utils.verify.CHECKS，每个设备都跑）。
"""

import numpy as np
import pytest
import torch.nn.functional as F
from conftest import assert_agrees
from hypothesis import given, settings
from hypothesis import strategies as st

from lesson_utils.compare import to_torch
from lesson_utils.gradcheck import gradient_check
from lesson_utils.nn import (
    avg_pool2d_backward,
    avg_pool2d_forward,
    cnn_accuracy,
    cnn_backward,
    cnn_forward,
    cnn_input,
    cnn_predict_proba,
    conv2d_backward,
    conv2d_forward,
    conv2d_naive_backward,
    conv2d_naive_forward,
    conv_transpose2d_backward,
    conv_transpose2d_forward,
    init_cnn,
    max_pool2d_backward,
    max_pool2d_forward,
    max_pool2d_naive_backward,
    max_pool2d_naive_forward,
    train_cnn,
)
from lesson_utils.nn.conv import CHUNK
from lesson_utils.references import random_conv_problem, random_conv_transpose_problem


def torch_conv_grads(x, W, b, dout, options):
    leaves = [to_torch(a, requires_grad=True) for a in (x, W, b)]
    out = F.conv2d(*leaves, **options)
    out.backward(to_torch(dout))
    return out, [leaf.grad for leaf in leaves]


def test_batches_that_cross_chunk_boundaries_match_torch():
    rng = np.random.default_rng(0)
    for N in (CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5):
        x, W, b, options = random_conv_problem(rng, N=N)
        out, cache = conv2d_forward(x, W, b, **options)
        dout = rng.normal(size=out.shape)
        out_t, grads_t = torch_conv_grads(x, W, b, dout, options)
        assert_agrees(f"N={N} out", out, out_t)
        for name, ours, theirs in zip(["dx", "dW", "db"], conv2d_backward(dout, cache), grads_t):
            assert_agrees(f"N={N} {name}", ours, theirs)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_naive_and_vectorized_conv_agree(seed):
    rng = np.random.default_rng(seed)
    x, W, b, options = random_conv_problem(rng)
    out, cache = conv2d_forward(x, W, b, **options)
    naive_out, naive_cache = conv2d_naive_forward(x, W, b, **options)
    dout = rng.normal(size=out.shape)
    assert_agrees("out", out, naive_out)
    for name, fast, slow in zip(
        ["dx", "dW", "db"], conv2d_backward(dout, cache), conv2d_naive_backward(dout, naive_cache)
    ):
        assert_agrees(name, fast, slow)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_naive_and_vectorized_max_pool_agree_with_overlapping_windows(seed):
    rng = np.random.default_rng(seed)
    kernel = tuple(int(k) for k in rng.integers(1, 4, size=2))
    stride = tuple(int(s) for s in rng.integers(1, 4, size=2))
    x = rng.normal(size=(2, 3, int(rng.integers(kernel[0], 9)), int(rng.integers(kernel[1], 9))))
    out, cache = max_pool2d_forward(x, kernel, stride)
    naive_out, naive_cache = max_pool2d_naive_forward(x, kernel, stride)
    dout = rng.normal(size=out.shape)
    assert_agrees("out", out, naive_out)
    assert_agrees(
        "dx", max_pool2d_backward(dout, cache), max_pool2d_naive_backward(dout, naive_cache)
    )


def test_numeric_gradients():
    rng = np.random.default_rng(1)
    x, W, b, options = random_conv_problem(rng, N=2)
    out, cache = conv2d_forward(x, W, b, **options)
    dout = rng.normal(size=out.shape)
    dx, dW, db = conv2d_backward(dout, cache)
    checks = [
        gradient_check("dx", lambda x_: conv2d_forward(x_, W, b, **options)[0], x, dx, dout),
        gradient_check("dW", lambda W_: conv2d_forward(x, W_, b, **options)[0], W, dW, dout),
        gradient_check("db", lambda b_: conv2d_forward(x, W, b_, **options)[0], b, db, dout),
    ]
    x = rng.permutation(2 * 2 * 7 * 6).reshape(2, 2, 7, 6) / 5.0
    for forward, backward in [
        (max_pool2d_forward, max_pool2d_backward),
        (avg_pool2d_forward, avg_pool2d_backward),
    ]:
        out, cache = forward(x, 3, 2)
        dout = rng.normal(size=out.shape)
        dx = backward(dout, cache)
        checks.append(gradient_check("pool dx", lambda x_, f=forward: f(x_, 3, 2)[0], x, dx, dout))
    for row in checks:
        assert row.passed, row


def test_max_pool_ties_send_the_gradient_to_the_first_maximum_like_torch():
    # ReLU 之后整片为 0 的窗口很常见：梯度只能给一个元素，否则梯度之和会变大
    x = np.zeros((1, 1, 4, 4))
    x[0, 0, 0, 1] = x[0, 0, 1, 0] = 2.0  # 左上窗口里两个并列的最大值
    dout = np.arange(1.0, 5.0).reshape(1, 1, 2, 2)
    out, cache = max_pool2d_forward(x, 2)
    dx = max_pool2d_backward(dout, cache)
    x_t = to_torch(x, requires_grad=True)
    F.max_pool2d(x_t, 2).backward(to_torch(dout))
    assert_agrees("dx with ties", dx, x_t.grad)
    assert dx.sum() == pytest.approx(dout.sum())


def test_avg_pool_spreads_the_gradient_evenly():
    out, cache = avg_pool2d_forward(np.ones((1, 1, 4, 4)), 2)
    dx = avg_pool2d_backward(np.full(out.shape, 4.0), cache)
    np.testing.assert_array_equal(dx, np.ones((1, 1, 4, 4)))


def test_dx_is_a_full_correlation_with_the_flipped_kernel():
    rng = np.random.default_rng(2)
    x, W, b = rng.normal(size=(2, 3, 6, 5)), rng.normal(size=(4, 3, 3, 2)), rng.normal(size=4)
    out, cache = conv2d_forward(x, W, b)
    dout = rng.normal(size=out.shape)
    dx, _, _ = conv2d_backward(dout, cache)
    W_flipped = np.ascontiguousarray(W[:, :, ::-1, ::-1].transpose(1, 0, 2, 3))
    full, _ = conv2d_forward(dout, W_flipped, np.zeros(3), padding=(2, 1))
    assert_agrees("dx", dx, full)


def test_float32_in_float32_out():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 2, 5, 5)).astype(np.float32)
    W, b = rng.normal(size=(3, 2, 3, 3)).astype(np.float32), np.zeros(3, dtype=np.float32)
    out, cache = conv2d_forward(x, W, b, padding=1)
    assert out.dtype == np.float32
    assert all(g.dtype == np.float32 for g in conv2d_backward(np.ones_like(out), cache))
    for forward, backward in [
        (max_pool2d_forward, max_pool2d_backward),
        (avg_pool2d_forward, avg_pool2d_backward),
    ]:
        pooled, pool_cache = forward(out, 2)
        assert pooled.dtype == np.float32
        assert backward(np.ones_like(pooled), pool_cache).dtype == np.float32


def conv(x_shape, W_shape, n_filters, **options):
    return conv2d_forward(np.ones(x_shape), np.ones(W_shape), np.ones(n_filters), **options)


def pool_cache(forward, shape=(1, 1, 4, 4)):
    return forward(np.ones(shape), 2)[1]


X4 = np.ones((1, 1, 4, 4))
BAD_CALLS = [
    (lambda: conv((2, 3, 8, 8), (4, 1, 3, 3), 4), r"维度 C 不一致.*\(2, 3, 8, 8\).*\(4, 1, 3, 3\)"),
    (lambda: conv((1, 1, 4, 4), (2, 1, 5, 5), 2), r"窗口 \(5, 5\) 大于输入 \(4, 4\)"),
    (lambda: conv((1, 1, 4, 4), (2, 1, 7, 7), 2, padding=1), r"大于补零后的输入 \(6, 6\)"),
    (lambda: conv((1, 1, 4, 4), (2, 1, 3, 3), 3), r"维度 F 不一致"),
    (lambda: conv((1, 4, 4), (2, 1, 3, 3), 2), r"参数 x 应为 4 维数组.*\(1, 4, 4\)"),
    (lambda: conv((1, 1, 4, 4), (2, 1, 3, 3), 2, stride=0), r"参数 stride 的每一项应 ≥ 1"),
    (lambda: conv((1, 1, 4, 4), (2, 1, 3, 3), 2, padding=(1, 2, 3)), r"参数 padding 应为整数"),
    (
        lambda: conv2d_forward(X4.astype(np.float32), np.ones((2, 1, 3, 3)), np.ones(2)),
        r"dtype 应一致",
    ),
    (
        lambda: conv2d_backward(np.ones((1, 2, 3, 3)), conv((1, 1, 4, 4), (2, 1, 3, 3), 2)[1]),
        r"conv2d_backward.*dout.*\(1, 2, 3, 3\)",
    ),
    (lambda: max_pool2d_forward(np.ones((1, 1, 3, 3)), 4), r"窗口 \(4, 4\) 大于输入 \(3, 3\)"),
    (lambda: max_pool2d_forward(X4, 2, stride=(1, 0)), r"参数 stride 的每一项应 ≥ 1"),
    (lambda: avg_pool2d_forward(X4, (2, 2, 2)), r"参数 kernel_size"),
    (
        lambda: max_pool2d_backward(np.ones((1, 1, 3, 3)), pool_cache(max_pool2d_forward)),
        r"max_pool2d_backward.*dout.*\(1, 1, 3, 3\)",
    ),
    (
        lambda: avg_pool2d_backward(np.ones((1, 1, 3, 3)), pool_cache(avg_pool2d_forward)),
        r"avg_pool2d_backward.*dout.*\(1, 1, 3, 3\)",
    ),
    (lambda: max_pool2d_forward(X4.astype(int), 2), r"dtype 应为 float32 或 float64"),
]


@pytest.mark.parametrize("call, message", BAD_CALLS)
def test_bad_input_gets_a_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_noncontiguous_input_matches_torch():
    # 转置得到的非连续数组也要算对（im2col 的视图依赖步长）
    rng = np.random.default_rng(4)
    x = rng.normal(size=(6, 6, 2, 3)).transpose(2, 3, 0, 1)  # (2, 3, 6, 6)，非连续
    W, b = rng.normal(size=(4, 3, 3, 3)), rng.normal(size=4)
    out, cache = conv2d_forward(x, W, b, padding=1)
    dout = rng.normal(size=out.shape)
    out_t, grads_t = torch_conv_grads(np.ascontiguousarray(x), W, b, dout, {"padding": 1})
    assert_agrees("out", out, out_t)
    for name, ours, theirs in zip(["dx", "dW", "db"], conv2d_backward(dout, cache), grads_t):
        assert_agrees(name, ours, theirs)


# ---------------------------------------------------------------- 转置卷积（3.2 节末）
# 与 PyTorch 在随机形状上的对照同样在 test_nn_dense.py（verify.CHECKS["conv_transpose2d"]）。
def test_conv_transpose_matches_torch_with_stride_padding_and_output_padding():
    rng = np.random.default_rng(5)
    x, W, b = rng.normal(size=(3, 4, 5, 4)), rng.normal(size=(4, 2, 3, 4)), rng.normal(size=2)
    options = dict(stride=(2, 3), padding=(1, 2), output_padding=(1, 2))
    out, cache = conv_transpose2d_forward(x, W, b, **options)
    assert out.shape == (3, 2, 4 * 2 - 2 + 3 + 1, 3 * 3 - 4 + 4 + 2)
    dout = rng.normal(size=out.shape)
    leaves = [to_torch(a, requires_grad=True) for a in (x, W, b)]
    out_t = F.conv_transpose2d(*leaves, **options)
    out_t.backward(to_torch(dout))
    assert_agrees("out", out, out_t)
    for name, ours, leaf in zip(["dx", "dW", "db"], conv_transpose2d_backward(dout, cache), leaves):
        assert_agrees(name, ours, leaf.grad)


def conv_transpose_gradient_checks(x, W, b, options, rng):
    out, cache = conv_transpose2d_forward(x, W, b, **options)
    dout = rng.normal(size=out.shape)
    dx, dW, db = conv_transpose2d_backward(dout, cache)
    return [
        gradient_check(
            "dx", lambda x_: conv_transpose2d_forward(x_, W, b, **options)[0], x, dx, dout
        ),
        gradient_check(
            "dW", lambda W_: conv_transpose2d_forward(x, W_, b, **options)[0], W, dW, dout
        ),
        gradient_check(
            "db", lambda b_: conv_transpose2d_forward(x, W, b_, **options)[0], b, db, dout
        ),
    ]


def test_conv_transpose_numeric_gradients():
    rng = np.random.default_rng(6)
    for _ in range(3):
        x, W, b, options = random_conv_transpose_problem(rng, N=2)
        for row in conv_transpose_gradient_checks(x, W, b, options, rng):
            assert row.passed, (options, row)


def test_conv_transpose_forward_is_the_input_gradient_of_conv2d():
    # 同一个 W：conv2d 把 (N, C, 10, 8) 变成 (N, F, 5, 4)；转置卷积把它变回 (N, C, 10, 8)，
    # 高度要 output_padding=1（9 和 10 行的输入都给出 5 行的输出）
    rng = np.random.default_rng(7)
    W = rng.normal(
        size=(3, 2, 3, 4)
    )  # conv2d 读作 (F, C, kh, kw)，转置卷积读作 (C_in, C_out, kh, kw)
    x = rng.normal(size=(2, 2, 10, 8))
    out, cache = conv2d_forward(x, W, np.zeros(3), stride=2, padding=1)
    g = rng.normal(size=out.shape)
    dx, _, _ = conv2d_backward(g, cache)
    up, _ = conv_transpose2d_forward(g, W, np.zeros(2), stride=2, padding=1, output_padding=(1, 0))
    assert up.shape == dx.shape
    assert_agrees("conv_transpose2d(G) = conv2d 的 dx", up, dx)


def test_conv_transpose_dx_is_a_strided_conv2d():
    rng = np.random.default_rng(8)
    x, W, b = rng.normal(size=(2, 3, 4, 5)), rng.normal(size=(3, 2, 4, 3)), rng.normal(size=2)
    out, cache = conv_transpose2d_forward(x, W, b, stride=2, padding=1, output_padding=1)
    dout = rng.normal(size=out.shape)
    dx, _, _ = conv_transpose2d_backward(dout, cache)
    strided, _ = conv2d_forward(dout, W, np.zeros(3), stride=2, padding=1)
    assert_agrees("dx = conv2d(dout, W)", dx, strided)


def test_conv_transpose_float32_in_float32_out():
    rng = np.random.default_rng(9)
    x = rng.normal(size=(2, 3, 4, 4)).astype(np.float32)
    W, b = rng.normal(size=(3, 2, 4, 4)).astype(np.float32), np.zeros(2, dtype=np.float32)
    out, cache = conv_transpose2d_forward(x, W, b, stride=2, padding=1)
    assert out.dtype == np.float32 and out.shape == (2, 2, 8, 8)
    assert all(g.dtype == np.float32 for g in conv_transpose2d_backward(np.ones_like(out), cache))


def conv_t(x_shape, W_shape, n_out, **options):
    return conv_transpose2d_forward(np.ones(x_shape), np.ones(W_shape), np.ones(n_out), **options)


CONV_T_BAD_CALLS = [
    (
        lambda: conv_t((1, 3, 4, 4), (2, 5, 3, 3), 5),
        r"维度 C_in 不一致.*\(1, 3, 4, 4\).*\(2, 5, 3, 3\)",
    ),
    (lambda: conv_t((1, 2, 4, 4), (2, 5, 3, 3), 4), r"维度 C_out 不一致.*b 的形状 \(4,\)"),
    (lambda: conv_t((2, 4, 4), (2, 5, 3, 3), 5), r"参数 x 应为 4 维数组.*\(2, 4, 4\)"),
    (lambda: conv_t((1, 2, 4, 4), (2, 5, 3), 5), r"参数 W 应为 4 维数组.*\(2, 5, 3\)"),
    (lambda: conv_t((1, 2, 4, 4), (2, 5, 3, 3), 5, stride=0), r"参数 stride 的每一项应 ≥ 1"),
    (lambda: conv_t((1, 2, 4, 4), (2, 5, 3, 3), 5, padding=-1), r"参数 padding 的每一项应 ≥ 0"),
    (
        lambda: conv_t((1, 2, 4, 4), (2, 5, 3, 3), 5, stride=2, output_padding=2),
        r"参数 output_padding 的每一项应小于 stride.*\(2, 2\).*\(2, 2\)",
    ),
    (
        lambda: conv_t((1, 2, 4, 4), (2, 5, 3, 3), 5, output_padding=1),
        r"参数 output_padding 的每一项应小于 stride",
    ),
    (
        lambda: conv_t((1, 2, 1, 1), (2, 5, 3, 3), 5, padding=2),
        r"输出高宽 \(-1, -1\) 不是正数.*padding \(2, 2\)",
    ),
    (
        lambda: conv_transpose2d_forward(
            np.ones((1, 2, 4, 4), np.float32), np.ones((2, 5, 3, 3)), np.ones(5)
        ),
        r"dtype 应一致",
    ),
    (
        lambda: conv_transpose2d_backward(
            np.ones((1, 5, 5, 5)), conv_t((1, 2, 4, 4), (2, 5, 3, 3), 5)[1]
        ),
        r"conv_transpose2d_backward.*dout.*\(1, 5, 5, 5\)",
    ),
    (
        lambda: conv_transpose2d_backward(
            np.ones((1, 5, 6, 6), np.float32), conv_t((1, 2, 4, 4), (2, 5, 3, 3), 5)[1]
        ),
        r"conv_transpose2d_backward.*dtype 应一致",
    ),
]


@pytest.mark.parametrize("call, message", CONV_T_BAD_CALLS)
def test_conv_transpose_bad_input_gets_a_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ---------------------------------------------------------------- 3.2 节的卷积网络（nn.cnn）
def test_cnn_gradients_are_numerically_right():
    rng = np.random.default_rng(10)
    params = init_cnn(rng, channels=(2, 3))
    params = [p + 0.1 * rng.normal(size=p.shape) for p in params]  # 偏置也非零
    x, y = rng.normal(size=(3, 1, 8, 8)), rng.integers(0, 10, size=3)
    logits, caches = cnn_forward(params, x)
    assert logits.shape == (3, 10)
    dlogits = rng.normal(size=logits.shape)
    grads = cnn_backward(dlogits, caches)
    for k, (p, g) in enumerate(zip(params, grads)):

        def f(p_, k=k):
            return cnn_forward(params[:k] + [p_] + params[k + 1 :], x)[0]

        row = gradient_check(f"param {k}", f, p, g, dlogits)
        assert row.passed, row
    proba = cnn_predict_proba(params, x)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert cnn_accuracy(params, x, y) == np.mean(proba.argmax(axis=1) == y)


def test_train_cnn_is_deterministic_and_learns():
    rng = np.random.default_rng(11)
    y = rng.integers(0, 10, size=64)
    images = rng.normal(size=(64, 8, 8)) * 0.3
    images[np.arange(64), y % 8, :] += 2.0  # 类别决定哪一行亮：可学
    x = cnn_input(images, images.mean(), images.std())
    params, history = train_cnn(x, y, seed=3, epochs=5, channels=(4, 4), x_val=x, y_val=y)
    again, _ = train_cnn(x, y, seed=3, epochs=5, channels=(4, 4))
    for p, q in zip(params, again):
        np.testing.assert_array_equal(p, q)
    assert set(history) == {"initial_params", "batches", "loss", "val_acc"}
    assert len(history["loss"]) == len(history["val_acc"]) == 5
    assert history["loss"][-1] < history["loss"][0]
