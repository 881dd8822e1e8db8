"""循环层（3.3）：数值梯度、与 torch 的边界情况、最后的细胞状态、float32、错误输入、裁剪与 Adam。

随机形状上与 PyTorch 的逐项对照在 test_nn_dense.py
（经由 lesson_utils.verify.CHECKS，每个设备都跑）。
"""

import numpy as np
import pytest
import torch
from conftest import assert_agrees
from hypothesis import given, settings
from hypothesis import strategies as st

from lesson_utils.compare import to_torch
from lesson_utils.gradcheck import gradient_check
from lesson_utils.nn import (
    Adam,
    clip_grad_norm,
    gru_backward,
    gru_forward,
    lstm_backward,
    lstm_forward,
    rnn_backward,
    rnn_forward,
)
from lesson_utils.references import random_recurrent_problem, torch_recurrent

LAYERS = {
    "rnn": (rnn_forward, rnn_backward),
    "lstm": (lstm_forward, lstm_backward),
    "gru": (gru_forward, gru_backward),
}


@pytest.mark.parametrize("kind", LAYERS)
def test_every_gradient_matches_centered_differences(kind):
    forward, backward = LAYERS[kind]
    rng = np.random.default_rng(1)
    x, initial, weights = random_recurrent_problem(kind, rng)
    hs, cache = forward(x, *initial, *weights)
    dhs = rng.normal(size=hs.shape)
    grads = backward(dhs, cache)
    arguments = [x, *initial, *weights]
    for position, (argument, grad) in enumerate(zip(arguments, grads)):

        def f(value, position=position):
            changed = list(arguments)
            changed[position] = value
            return forward(*changed)[0]

        row = gradient_check(f"{kind} 参数 {position}", f, argument, grad, dhs, rng=rng)
        assert row.passed, row


@pytest.mark.parametrize("kind", LAYERS)
@settings(max_examples=15, deadline=None)
@given(T=st.integers(1, 12), N=st.integers(1, 4), seed=st.integers(0, 2**16))
def test_long_and_single_step_sequences_match_torch(kind, T, N, seed):
    """T = 1（只有一步）与较长的序列；大权重让 tanh、σ 进入饱和区。"""
    forward, backward = LAYERS[kind]
    rng = np.random.default_rng(seed)
    gates = {"rnn": 1, "lstm": 4, "gru": 3}[kind]
    D, H = 3, 5
    x = 3.0 * rng.normal(size=(T, N, D))
    initial = [rng.normal(size=(N, H)) for _ in range(2 if kind == "lstm" else 1)]
    weights = [2.0 * rng.normal(size=(gates * H, D)), 2.0 * rng.normal(size=(gates * H, H))]
    weights += [rng.normal(size=gates * H), rng.normal(size=gates * H)]
    hs, cache = forward(x, *initial, *weights)
    dhs = rng.normal(size=hs.shape)
    grads = backward(dhs, cache)
    layer = torch_recurrent(kind, *weights, "cpu")
    leaves = [to_torch(a, requires_grad=True) for a in (x, *[s[None] for s in initial])]
    hs_t, _ = layer(leaves[0], tuple(leaves[1:]) if kind == "lstm" else leaves[1])
    hs_t.backward(to_torch(dhs))
    assert_agrees("hs", hs, hs_t)
    for name, ours, theirs in zip(["dx", "dh0", "dc0"], grads, [leaf.grad for leaf in leaves]):
        assert_agrees(name, ours, theirs.reshape(ours.shape))


def test_lstm_cache_holds_the_final_cell_state_like_torch():
    rng = np.random.default_rng(2)
    x, (h0, c0), weights = random_recurrent_problem("lstm", rng)
    _, cache = lstm_forward(x, h0, c0, *weights)
    layer = torch_recurrent("lstm", *weights, "cpu")
    _, (h_n, c_n) = layer(to_torch(x), (to_torch(h0[None]), to_torch(c0[None])))
    assert_agrees("h_n", cache.states[-1], h_n[0])
    assert_agrees("c_n", cache.cells[-1], c_n[0])


def test_gru_bias_gradients_differ_only_in_the_new_gate_segment():
    rng = np.random.default_rng(3)
    x, initial, weights = random_recurrent_problem("gru", rng)
    hs, cache = gru_forward(x, *initial, *weights)
    *_, db_ih, db_hh = gru_backward(rng.normal(size=hs.shape), cache)
    H = hs.shape[2]
    np.testing.assert_array_equal(db_ih[: 2 * H], db_hh[: 2 * H])
    assert np.abs(db_ih[2 * H :] - db_hh[2 * H :]).max() > 1e-6


def test_rnn_and_lstm_bias_gradients_are_equal():
    rng = np.random.default_rng(4)
    for kind in ("rnn", "lstm"):
        forward, backward = LAYERS[kind]
        x, initial, weights = random_recurrent_problem(kind, rng)
        hs, cache = forward(x, *initial, *weights)
        *_, db_ih, db_hh = backward(rng.normal(size=hs.shape), cache)
        np.testing.assert_array_equal(db_ih, db_hh)
        assert db_ih is not db_hh  # 两个独立的数组：原地更新一个不会改到另一个


@pytest.mark.parametrize("kind", LAYERS)
def test_float32_in_float32_out(kind):
    forward, backward = LAYERS[kind]
    rng = np.random.default_rng(5)
    x, initial, weights = random_recurrent_problem(kind, rng)
    arrays = [a.astype(np.float32) for a in (x, *initial, *weights)]
    hs, cache = forward(*arrays)
    grads = backward(np.ones_like(hs), cache)
    assert hs.dtype == np.float32
    assert all(g.dtype == np.float32 for g in grads)
    hs64, _ = forward(x, *initial, *weights)
    assert np.abs(hs - hs64).max() < 1e-5


def test_gradients_vanish_with_a_small_recurrent_matrix():
    """谱半径 0.5 的线性区：最后一步的梯度传到第一步时按 0.5^k 量级衰减。"""
    rng = np.random.default_rng(6)
    T, N, D, H = 30, 2, 3, 4
    q, _ = np.linalg.qr(rng.normal(size=(H, H)))
    x = 1e-3 * rng.normal(size=(T, N, D))  # 输入很小：tanh 近似线性
    W_ih, b = rng.normal(size=(H, D)), np.zeros(H)
    hs, cache = rnn_forward(x, np.zeros((N, H)), W_ih, 0.5 * q, b, b)
    dhs = np.zeros_like(hs)
    dhs[-1] = 1.0
    dx = rnn_backward(dhs, cache)[0]
    ratio = np.linalg.norm(dx[0]) / np.linalg.norm(dx[-1])
    assert 0.3 * 0.5 ** (T - 1) < ratio < 3 * 0.5 ** (T - 1)


BAD_INPUTS = {
    "x 不是三维": (
        lambda: rnn_forward(np.ones((3, 4)), np.zeros((3, 5)), *rnn_weights(4, 5)),
        ["rnn_forward", "x", "(T, N, D)", "(3, 4)"],
    ),
    "h0 批大小不符": (
        lambda: rnn_forward(np.ones((2, 3, 4)), np.zeros((2, 5)), *rnn_weights(4, 5)),
        ["rnn_forward", "N", "(2, 3, 4)", "(2, 5)"],
    ),
    "LSTM 的 W_ih 行数不是 4H": (
        lambda: lstm_forward(
            np.ones((2, 3, 4)), np.zeros((3, 5)), np.zeros((3, 5)), *rnn_weights(4, 5)
        ),
        ["lstm_forward", "W_ih", "(20, D)", "(5, 4)"],
    ),
    "c0 形状不符": (
        lambda: lstm_forward(
            np.ones((2, 3, 4)), np.zeros((3, 5)), np.zeros((3, 6)), *rnn_weights(4, 5, 4)
        ),
        ["lstm_forward", "c0", "(3, 6)"],
    ),
    "GRU 的 W_hh 列数不是 H": (
        lambda: gru_forward(
            np.ones((2, 3, 4)),
            np.zeros((3, 5)),
            np.ones((15, 4)),
            np.ones((15, 6)),
            np.zeros(15),
            np.zeros(15),
        ),
        ["gru_forward", "H", "W_hh", "(15, 6)"],
    ),
    "dtype 混用": (
        lambda: rnn_forward(
            np.ones((2, 3, 4), dtype=np.float32), np.zeros((3, 5)), *rnn_weights(4, 5)
        ),
        ["rnn_forward", "dtype", "float32", "float64"],
    ),
    "整数输入": (
        lambda: rnn_forward(np.ones((2, 3, 4), dtype=int), np.zeros((3, 5)), *rnn_weights(4, 5)),
        ["rnn_forward", "x", "int64"],
    ),
    "dhs 形状与前向不符": (
        lambda: rnn_backward(
            np.ones((3, 3, 5)),
            rnn_forward(np.ones((2, 3, 4)), np.zeros((3, 5)), *rnn_weights(4, 5))[1],
        ),
        ["rnn_backward", "dhs", "(2, 3, 5)", "(3, 3, 5)"],
    ),
    "GRU 的 dhs 是 float32": (
        lambda: gru_backward(
            np.ones((2, 3, 5), dtype=np.float32),
            gru_forward(np.ones((2, 3, 4)), np.zeros((3, 5)), *rnn_weights(4, 5, 3))[1],
        ),
        ["gru_backward", "dtype", "float32"],
    ),
    "裁剪阈值不是正数": (lambda: clip_grad_norm({"W": np.ones(3)}, 0.0), ["max_norm", "0.0"]),
    "Adam 少了一个梯度": (
        lambda: Adam({"W": np.ones(2), "b": np.ones(1)}).step({"W": np.ones(2)}),
        ["Adam.step", "'b'"],
    ),
    "Adam 梯度形状不符": (
        lambda: Adam({"W": np.ones((2, 3))}).step({"W": np.ones((3, 2))}),
        ["Adam.step", "W", "(3, 2)", "(2, 3)"],
    ),
}


def rnn_weights(D, H, gates=1):
    return [
        np.ones((gates * H, D)),
        np.ones((gates * H, H)),
        np.zeros(gates * H),
        np.zeros(gates * H),
    ]


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_raises_clear_error(case):
    call, fragments = BAD_INPUTS[case]
    with pytest.raises(ValueError) as error:
        call()
    for fragment in fragments:
        assert fragment in str(error.value), (fragment, str(error.value))


def test_clip_grad_norm_matches_torch_and_leaves_small_gradients_alone():
    rng = np.random.default_rng(7)
    for scale in (0.01, 10.0):
        grads = {"W": scale * rng.normal(size=(3, 4)), "b": scale * rng.normal(size=3)}
        tensors = [to_torch(g.copy(), requires_grad=True) for g in grads.values()]
        for tensor, g in zip(tensors, grads.values()):
            tensor.grad = to_torch(g.copy())
        before = {k: v.copy() for k, v in grads.items()}
        total = clip_grad_norm(grads, 1.0)
        total_t = torch.nn.utils.clip_grad_norm_(tensors, 1.0)
        assert_agrees("总范数", np.array(total), total_t)
        for g, tensor in zip(grads.values(), tensors):
            assert_agrees("裁剪后", g, tensor.grad)
        if scale == 0.01:
            for name in grads:
                np.testing.assert_array_equal(grads[name], before[name])


def test_adam_matches_torch_over_many_steps():
    rng = np.random.default_rng(8)
    params = {"W": rng.normal(size=(3, 2)), "b": rng.normal(size=2)}
    tensors = {k: to_torch(v.copy(), requires_grad=True) for k, v in params.items()}
    optimizer = Adam(params, lr=0.05, betas=(0.8, 0.99), eps=1e-6)
    optimizer_t = torch.optim.Adam(tensors.values(), lr=0.05, betas=(0.8, 0.99), eps=1e-6)
    for _ in range(30):
        grads = {k: rng.normal(size=v.shape) for k, v in params.items()}
        for k, tensor in tensors.items():
            tensor.grad = to_torch(grads[k])
        optimizer.step(grads)
        optimizer_t.step()
    for k in params:
        assert_agrees(k, params[k], tensors[k])
