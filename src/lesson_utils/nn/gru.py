# 本文件由 make export（python -m book_tools.export）从笔记本里标有 `#| export nn.gru` 的
# 代码单元生成，请勿手工修改：改笔记本里的单元，再重新导出。
# 每段代码前的 `# %% 笔记本#单元id` 指出它来自哪个单元。

# %% book/ch3/3-3-rnn.ipynb#9a93f697
"""门控循环单元（GRU），约定与 torch.nn.GRU 相同：门的顺序 r, z, n，重置门乘在 W_hn h + b_hn 上。"""

import numpy as np

from lesson_utils.nn.rnn import gate_slices, input_part, recurrent_arguments
from lesson_utils.validation import check_shapes


def sigmoid(z):
    """σ(z) = (1 + tanh(z/2)) / 2：与 1/(1+e^{−z}) 相等，但对任何 z 都不会溢出。"""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def gru_forward(x, h0, W_ih, W_hh, b_ih, b_hh):
    """r, z = σ(·)，n = tanh(x W_inᵀ + b_in + r⊙(h W_hnᵀ + b_hn))，h_t = (1 − z)⊙n + z⊙h_{t−1}。

    x: (T, N, D)，h0: (N, H)，W_ih: (3H, D)，W_hh: (3H, H)，b_ih, b_hh: (3H,)
    →  hs: (T, N, H)，cache 供 gru_backward 使用
    """
    T, N, H = recurrent_arguments("gru_forward", 3, x, h0, W_ih, W_hh, b_ih, b_hh)
    # (T, N, 3H)；b_hh 不能提前加：它的 n 段要被 r 乘
    x_part = input_part(x, W_ih, b_ih)
    states = np.empty((T + 1, N, H), dtype=x.dtype)
    gates = np.empty((T, N, 3 * H), dtype=x.dtype)  # 激活之后的 r, z, n
    # W_hn h_{t−1} + b_hn，反向求 dr 要用
    h_part_n = np.empty((T, N, H), dtype=x.dtype)
    states[0] = h0
    for t in range(1, T + 1):
        h_part = states[t - 1] @ W_hh.T + b_hh  # (N, 3H)
        xr, xz, xn = gate_slices(x_part[t - 1], 3)
        hr, hz, hn = gate_slices(h_part, 3)
        r, z, n = gate_slices(gates[t - 1], 3)
        r[:], z[:] = sigmoid(xr + hr), sigmoid(xz + hz)
        n[:] = np.tanh(xn + r * hn)
        h_part_n[t - 1] = hn
        states[t] = n + z * (states[t - 1] - n)  # 即 (1 − z)⊙n + z⊙h_{t−1}
    cache = (x, W_ih, W_hh, states, gates, h_part_n)
    return states[1:], cache


def gru_backward(dhs, cache):
    """BPTT。dhs: (T, N, H)  →  dx, dh0, dW_ih, dW_hh, db_ih, db_hh（形状同前向参数）"""
    x, W_ih, W_hh, states, gates, h_part_n = cache
    T, N, H = h_part_n.shape
    check_shapes("gru_backward", dhs=(dhs, (T, N, H)), W_hh=(W_hh, W_hh.shape))

    dx_part = np.empty_like(gates)  # ∂L/∂(x W_ihᵀ + b_ih)，每个时刻 (N, 3H)
    # ∂L/∂(h W_hhᵀ + b_hh)：n 段多乘了一个 r，所以与上面不同
    dh_part = np.empty_like(gates)
    dh_next = np.zeros((N, H), dtype=dhs.dtype)
    for t in range(T, 0, -1):
        r, z, n = gate_slices(gates[t - 1], 3)
        h_prev = states[t - 1]
        dh = dhs[t - 1] + dh_next
        dn = dh * (1 - z)
        dz = dh * (h_prev - n)
        dan = dn * (1 - n**2)  # 穿过 tanh
        dr = dan * h_part_n[t - 1]
        dxr, dxz, dxn = gate_slices(dx_part[t - 1], 3)
        dxr[:] = dr * r * (1 - r)
        dxz[:] = dz * z * (1 - z)
        dxn[:] = dan
        # r、z 两段：x 与 h 的输入直接相加
        dh_part[t - 1, :, : 2 * H] = dx_part[t - 1, :, : 2 * H]
        dh_part[t - 1, :, 2 * H :] = dan * r  # n 段：h 的那一半先被 r 乘过
        # h_{t−1} 的两条路：直通（乘 z）与穿过 W_hh
        dh_next = dh * z + dh_part[t - 1] @ W_hh
    dh0 = dh_next

    dx_rows, dh_rows = dx_part.reshape(T * N, 3 * H), dh_part.reshape(T * N, 3 * H)
    dx = (dx_rows @ W_ih).reshape(x.shape)
    dW_ih = dx_rows.T @ x.reshape(T * N, -1)
    dW_hh = dh_rows.T @ states[:-1].reshape(T * N, H)
    return dx, dh0, dW_ih, dW_hh, dx_rows.sum(axis=0), dh_rows.sum(axis=0)
