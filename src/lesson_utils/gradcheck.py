"""中心差分（centred difference）数值梯度检验，CS231n 风格。

对标量函数 ``L(x) = sum(f(x) * dout)``（dout 是随机的上游梯度），

    ∂L/∂x_i ≈ (L(x + h e_i) − L(x − h e_i)) / (2h)

截断误差是 O(h²)，舍入误差约为 ε·|L|/h；float64 下取 h=1e-6，两者都在 1e-9 量级。
用随机的 dout 而不是全 1：全 1 时某些错误（比如把梯度的行顺序弄反）会互相抵消而查不出来。
"""

import numpy as np

from lesson_utils.compare import compare

NUMERIC_ATOL = 1e-8
NUMERIC_RTOL = 1e-6


def numeric_gradient(f, x, dout, h=1e-6, indices=None):
    """``sum(f(x) * dout)`` 对 x 的数值梯度。

    f: 函数，输入与 x 同形状的数组，返回与 dout 同形状的数组；它不会看到被改动的 x 本身。
    indices: 只计算这些位置（``np.ndindex`` 风格的元组列表）；None 表示全部位置。
    返回：indices 为 None 时是与 x 同形状的数组，否则是一维数组（顺序同 indices）。
    """
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise ValueError(
            "numeric_gradient: 参数 x 应为 float64 数组（float32 的舍入误差太大，差分没有意义），"
            f"实际为 {getattr(x, 'dtype', type(x).__name__)}，形状 {getattr(x, 'shape', None)}"
        )
    out_shape = np.shape(f(x.copy()))
    if out_shape != np.shape(dout):
        raise ValueError(
            f"numeric_gradient: 参数 dout 的形状 {np.shape(dout)} 与 f(x) 的形状 {out_shape} 不一致"
        )
    positions = list(np.ndindex(x.shape)) if indices is None else list(indices)
    grads = np.empty(len(positions))
    for k, index in enumerate(positions):
        x_plus = x.copy()
        x_plus[index] += h
        x_minus = x.copy()
        x_minus[index] -= h
        grads[k] = np.sum((f(x_plus) - f(x_minus)) * dout) / (2 * h)
    return grads.reshape(x.shape) if indices is None else grads


def gradient_check(name, f, x, analytic, dout, num_checks=12, h=1e-6, rng=None):
    """在 x 的 num_checks 个随机位置上，比较解析梯度 analytic 与数值梯度。

    返回一行 ``Comparison``（可直接加入 ``VerificationTable``）。
    """
    if np.shape(analytic) != np.shape(x):
        raise ValueError(
            f"gradient_check: 参数 analytic 的形状 {np.shape(analytic)} 应与 x 的形状 "
            f"{np.shape(x)} 相同"
        )
    rng = np.random.default_rng(0) if rng is None else rng
    all_positions = list(np.ndindex(x.shape))
    chosen = rng.choice(len(all_positions), size=min(num_checks, len(all_positions)), replace=False)
    positions = [all_positions[i] for i in sorted(chosen)]
    numeric = numeric_gradient(f, x, dout, h=h, indices=positions)
    ours = np.array([analytic[p] for p in positions])
    return compare(f"{name}（数值）", ours, numeric, atol=NUMERIC_ATOL, rtol=NUMERIC_RTOL)
