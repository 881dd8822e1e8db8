"""lesson_utils.nn 与 PyTorch 自动求导对照（float64）。

每个函数（verify.CHECKS 中的全部对照，含 3.2 的卷积与池化）在随机形状上比较；
另有全连接层与损失的专门测试。
"""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from conftest import assert_agrees
from hypothesis import given, settings
from hypothesis import strategies as st

from lesson_utils.compare import to_torch
from lesson_utils.devices import available_devices
from lesson_utils.gradcheck import gradient_check
from lesson_utils.nn import (
    bce_with_logits,
    linear_backward,
    linear_forward,
    relu_backward,
    relu_forward,
    sigmoid_backward,
    sigmoid_forward,
    softmax_cross_entropy,
    tanh_backward,
    tanh_forward,
)
from lesson_utils.verify import CHECKS

ACTIVATIONS = {
    "relu": (relu_forward, relu_backward),
    "sigmoid": (sigmoid_forward, sigmoid_backward),
    "tanh": (tanh_forward, tanh_backward),
}


# 与 `python -m lesson_utils.verify` 用同一组对照（lesson_utils.verify.CHECKS）：
# 每个种子给出一组随机形状与输入尺度，在本机每个可用设备上与 PyTorch 比较前向和全部梯度。
@pytest.mark.parametrize("device", available_devices(), ids=str)
@pytest.mark.parametrize("name", sorted(CHECKS))
@settings(max_examples=40, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_matches_torch_on_random_shapes(name, device, seed):
    rng = np.random.default_rng(seed)
    for quantity, ours, theirs in CHECKS[name](device, rng):
        assert np.isfinite(ours).all(), quantity
        assert_agrees(f"{name}: {quantity}", ours, theirs)


def test_logits_of_plus_minus_1000_are_finite_and_exact():
    logits = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, 1000.0]])
    y = np.array([1, 0])
    loss, dlogits = softmax_cross_entropy(logits, y)
    logits_t = to_torch(logits, requires_grad=True)
    loss_t = F.cross_entropy(logits_t, torch.tensor(y))
    loss_t.backward()
    assert loss == pytest.approx(2000.0, rel=1e-15)
    assert_agrees("loss", loss, loss_t)
    assert_agrees("dlogits", dlogits, logits_t.grad)


def test_numeric_gradients_of_the_whole_layer_stack():
    rng = np.random.default_rng(7)
    x, W, b = rng.normal(size=(4, 5)), rng.normal(size=(3, 5)), rng.normal(size=3)
    y = rng.integers(0, 3, size=4)

    def loss_of(W_):
        z, _ = linear_forward(x, W_, b)
        h, _ = tanh_forward(z)
        return softmax_cross_entropy(h, y)[0]

    z, cache_linear = linear_forward(x, W, b)
    h, cache_tanh = tanh_forward(z)
    _, dh = softmax_cross_entropy(h, y)
    _, dW, _ = linear_backward(tanh_backward(dh, cache_tanh), cache_linear)
    row = gradient_check("dW", loss_of, W, dW, np.array(1.0), num_checks=15)
    assert row.passed, row


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_in_is_dtype_out(dtype):
    rng = np.random.default_rng(0)
    x, W, b = (rng.normal(size=s).astype(dtype) for s in [(4, 3), (2, 3), (2,)])
    out, cache = linear_forward(x, W, b)
    results = [out, *linear_backward(np.ones_like(out), cache)]
    for forward, backward in ACTIVATIONS.values():
        a, c = forward(x)
        results += [a, backward(np.ones_like(a), c)]
    results += list(softmax_cross_entropy(out, np.array([0, 1, 1, 0])))
    assert {np.asarray(r).dtype for r in results} == {np.dtype(dtype)}


def test_sigmoid_does_not_overflow():
    with np.errstate(over="raise", invalid="raise"):  # 下溢到 0 无妨
        out, _ = sigmoid_forward(np.array([-1000.0, 0.0, 1000.0]))
    np.testing.assert_array_equal(out, [0.0, 0.5, 1.0])


# ---- 错误的输入：清楚的 ValueError，写明参数与形状 ----


def test_linear_rejects_mismatched_shapes():
    x, W, b = np.ones((4, 3)), np.ones((5, 3)), np.ones(5)
    with pytest.raises(ValueError, match=r"linear_forward.*W.*\(3, 5\)"):
        linear_forward(x, np.ones((3, 5)), b)
    with pytest.raises(ValueError, match=r"linear_forward.*b.*\(4,\)"):
        linear_forward(x, W, np.ones(4))
    with pytest.raises(ValueError, match=r"linear_forward.*x 应为 2 维"):
        linear_forward(np.ones(3), W, b)
    _, cache = linear_forward(x, W, b)
    with pytest.raises(ValueError, match=r"linear_backward.*dout.*\(4, 5\).*\(5, 4\)"):
        linear_backward(np.ones((5, 4)), cache)


def test_activation_backward_rejects_broadcastable_but_wrong_dout():
    _, cache = relu_forward(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"relu_backward.*dout.*\(4, 3\).*\(1, 3\)"):
        relu_backward(np.ones((1, 3)), cache)  # NumPy 会悄悄广播，我们不允许
    with pytest.raises(ValueError, match="tanh_forward.*int64"):
        tanh_forward(np.arange(3))


def test_cross_entropy_rejects_bad_labels():
    logits = np.zeros((3, 4))
    with pytest.raises(ValueError, match="整数类别标签"):
        softmax_cross_entropy(logits, np.array([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match=r"\[0, 4\)"):
        softmax_cross_entropy(logits, np.array([0, 1, 4]))
    with pytest.raises(ValueError, match=r"\(3,\)"):
        softmax_cross_entropy(logits, np.array([0, 1]))
    with pytest.raises(ValueError, match=r"logits 应为 2 维"):
        softmax_cross_entropy(np.zeros(4), np.array([0]))
    with pytest.raises(ValueError, match="不能为空"):
        softmax_cross_entropy(np.zeros((0, 4)), np.zeros(0, dtype=np.int64))


def test_bce_with_logits_of_plus_minus_1000_is_finite_and_exact():
    logits = np.array([[1000.0], [-1000.0], [1000.0], [-1000.0], [0.0]])
    targets = np.array([[1.0], [0.0], [0.0], [1.0], [0.3]])
    loss, dlogits = bce_with_logits(logits, targets)
    logits_t = to_torch(logits, requires_grad=True)
    loss_t = F.binary_cross_entropy_with_logits(logits_t, to_torch(targets))
    loss_t.backward()
    assert np.isfinite(loss)
    assert loss == pytest.approx((2000.0 + np.log(2.0)) / 5, rel=1e-15)
    assert_agrees("loss", loss, loss_t)
    assert_agrees("dlogits", dlogits, logits_t.grad)


def test_bce_with_logits_rejects_bad_input():
    with pytest.raises(ValueError, match=r"targets 应为 2 维数组，形状 \(4, 1\)"):
        bce_with_logits(np.zeros((4, 1)), np.zeros(4))  # 会悄悄广播成 (4, 4) 的错误
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        bce_with_logits(np.zeros((2, 1)), np.array([[1.0], [2.0]]))
    with pytest.raises(ValueError, match="dtype"):
        bce_with_logits(np.zeros((2, 1)), np.array([[1], [0]]))
    with pytest.raises(ValueError, match="不能为空"):
        bce_with_logits(np.zeros((0, 1)), np.zeros((0, 1)))
    with pytest.raises(ValueError, match="NumPy 数组"):
        bce_with_logits([0.0, 1.0], np.zeros(2))


def test_mlp_and_gan_reject_bad_input():
    from lesson_utils.nn import (
        discriminator_loss_and_grads,
        generator_loss_and_grads,
        init_mlp,
        mlp_backward,
        mlp_forward,
    )

    rng = np.random.default_rng(0)
    G, D = init_mlp([3, 8, 2], rng), init_mlp([2, 8, 1], rng)
    x, z = rng.normal(size=(5, 2)), rng.normal(size=(4, 3))
    with pytest.raises(ValueError, match=r"维度 输入维 不一致.*x 的形状 \(4, 3\)"):
        mlp_forward(D, z)
    with pytest.raises(ValueError, match=r"键应为 W0, b0.*\['W0', 'W1', 'b0'\]"):
        mlp_forward({"W0": D["W0"], "b0": D["b0"], "W1": D["W1"]}, x)
    with pytest.raises(ValueError, match=r"params\['b0'\]"):
        mlp_forward({**D, "b0": np.zeros(7)}, x)  # 会悄悄广播的错误偏置
    with pytest.raises(ValueError, match="字典"):
        mlp_forward([D["W0"], D["b0"]], x)
    out, caches = mlp_forward(D, x)
    with pytest.raises(ValueError, match=r"mlp_backward: 参数 dout 应为 2 维数组，形状 \(5, 1\)"):
        mlp_backward(out[:, 0], caches)  # (5,) 与 (5, 1) 相减会广播成 (5, 5)
    with pytest.raises(ValueError, match="sizes"):
        init_mlp([3], rng)
    with pytest.raises(ValueError, match=r"discriminator_loss_and_grads: .*x_real 的形状 \(5, 3\)"):
        discriminator_loss_and_grads(D, G, rng.normal(size=(5, 3)), z)
    with pytest.raises(ValueError, match=r"generator_loss_and_grads: .*z 的形状 \(5, 2\)"):
        generator_loss_and_grads(D, G, x)
    with pytest.raises(ValueError, match=r"D\['W1'\] 的形状应为 \(1, D 的 h1\)"):
        generator_loss_and_grads(init_mlp([2, 8, 3], rng), G, z)  # 判别器要输出 1 个 logit
    with pytest.raises(ValueError, match="'ns' 或 'minimax'"):
        generator_loss_and_grads(D, G, z, loss="wgan")
