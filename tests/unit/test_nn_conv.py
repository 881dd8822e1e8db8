"""卷积与池化（3.2）：跨分块的批次、朴素版与向量化版一致、数值梯度、并列的最大值、float32、错误输入。

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
    conv2d_backward,
    conv2d_forward,
    conv2d_naive_backward,
    conv2d_naive_forward,
    max_pool2d_backward,
    max_pool2d_forward,
    max_pool2d_naive_backward,
    max_pool2d_naive_forward,
)
from lesson_utils.nn.conv import CHUNK
from lesson_utils.references import random_conv_problem


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
