# 本文件由 make export（python -m book_tools.export）从笔记本里标有 `#| export nn.lstm` 的
# 代码单元生成，请勿手工修改：改笔记本里的单元，再重新导出。
# 每段代码前的 `# %% 笔记本#单元id` 指出它来自哪个单元。

# %% book/ch3/3-3-rnn.ipynb#e16f7c68
"""长短期记忆网络（LSTM），约定与 torch.nn.LSTM 相同：门的顺序 i, f, g, o，两个偏置 b_ih、b_hh。"""

from typing import NamedTuple

import numpy as np

from lesson_utils.nn.rnn import gate_slices, input_part, recurrent_arguments
from lesson_utils.validation import check_shapes


def gate_scales(H, dtype):
    """(4H,) 的伸缩与平移：i、f、o 段为 1/2 与 1/2（σ），g 段为 1 与 0（tanh）。"""
    squeeze = np.full(4 * H, 0.5, dtype=dtype)
    squeeze[2 * H : 3 * H] = 1.0
    shift = np.full(4 * H, 0.5, dtype=dtype)
    shift[2 * H : 3 * H] = 0.0
    return squeeze, shift


class LSTMCache(NamedTuple):
    x: np.ndarray  # (T, N, D)
    W_ih: np.ndarray  # (4H, D)
    W_hh: np.ndarray  # (4H, H)
    states: np.ndarray  # (T + 1, N, H)，states[t] = h_t，含 h_0
    # (T + 1, N, H)，cells[t] = c_t，含 c_0；cells[-1] 即 torch 的 c_n
    cells: np.ndarray
    gates: np.ndarray  # (T, N, 4H)，激活之后的 i, f, g, o
    tanh_cells: np.ndarray  # (T, N, H)，tanh(c_t)


def lstm_forward(x, h0, c0, W_ih, W_hh, b_ih, b_hh):
    """i, f, o = σ(·)，g = tanh(·)，c_t = f⊙c_{t−1} + i⊙g，h_t = o⊙tanh(c_t)。

    x: (T, N, D)，h0, c0: (N, H)，W_ih: (4H, D)，W_hh: (4H, H)，b_ih, b_hh: (4H,)
    →  hs: (T, N, H)，cache（LSTMCache，cache.cells[-1] 是最后的细胞状态）
    """
    T, N, H = recurrent_arguments(
        "lstm_forward", 4, x, h0, W_ih, W_hh, b_ih, b_hh, c0=c0
    )
    x_part = input_part(x, W_ih, b_ih + b_hh)  # (T, N, 4H)
    states = np.empty((T + 1, N, H), dtype=x.dtype)
    cells = np.empty((T + 1, N, H), dtype=x.dtype)
    gates = np.empty((T, N, 4 * H), dtype=x.dtype)
    tanh_cells = np.empty((T, N, H), dtype=x.dtype)
    states[0], cells[0] = h0, c0
    squeeze, shift = gate_scales(H, x.dtype)
    for t in range(1, T + 1):
        a = x_part[t - 1] + states[t - 1] @ W_hh.T  # (N, 4H)：四个门的输入
        # 一次 tanh 算完四个门：σ(z) = tanh(z/2)/2 + 1/2，g 段的伸缩为 1、平移为 0
        gates[t - 1] = np.tanh(a * squeeze) * squeeze + shift
        i, f, g, o = gate_slices(gates[t - 1], 4)
        cells[t] = f * cells[t - 1] + i * g  # 加法更新：梯度沿这条路只乘 f
        tanh_cells[t - 1] = np.tanh(cells[t])
        states[t] = o * tanh_cells[t - 1]
    cache = LSTMCache(x, W_ih, W_hh, states, cells, gates, tanh_cells)
    return states[1:], cache


def lstm_backward(dhs, cache):
    """BPTT。dhs: (T, N, H)  →  dx, dh0, dc0, dW_ih, dW_hh, db_ih, db_hh（形状同前向参数）"""
    x, W_ih, W_hh, states, cells, gates, tanh_cells = cache
    T, N, H = tanh_cells.shape
    check_shapes("lstm_backward", dhs=(dhs, (T, N, H)), W_hh=(W_hh, W_hh.shape))

    da = np.empty_like(gates)  # da[t − 1] = ∂L/∂a_t，四个门激活之前的梯度
    dh_next = np.zeros((N, H), dtype=dhs.dtype)
    dc_next = np.zeros((N, H), dtype=dhs.dtype)  # 从 t + 1 沿细胞状态流回 c_t 的梯度
    for t in range(T, 0, -1):
        i, f, g, o = gate_slices(gates[t - 1], 4)
        tanh_c = tanh_cells[t - 1]
        dh = dhs[t - 1] + dh_next
        dc = dc_next + dh * o * (1 - tanh_c**2)  # c_t 的两条出路：c_{t+1} 与 h_t
        di, df, dg, do = gate_slices(da[t - 1], 4)
        di[:] = dc * g * i * (1 - i)  # ∂c/∂i = g，再乘 σ′ = i(1 − i)
        df[:] = dc * cells[t - 1] * f * (1 - f)  # ∂c/∂f = c_{t−1}
        dg[:] = dc * i * (1 - g**2)  # ∂c/∂g = i，再乘 tanh′
        do[:] = dh * tanh_c * o * (1 - o)  # ∂h/∂o = tanh(c_t)
        dc_next = dc * f  # 细胞状态的捷径：只乘遗忘门，没有权重矩阵、没有 tanh′
        dh_next = da[t - 1] @ W_hh
    dh0, dc0 = dh_next, dc_next

    da_rows = da.reshape(T * N, 4 * H)
    dx = (da_rows @ W_ih).reshape(x.shape)
    dW_ih = da_rows.T @ x.reshape(T * N, -1)
    dW_hh = da_rows.T @ states[:-1].reshape(T * N, H)
    db = da_rows.sum(axis=0)
    return dx, dh0, dc0, dW_ih, dW_hh, db, db.copy()
