# 本文件由 make export（python -m book_tools.export）从笔记本里标有 `#| export nn.rnn` 的
# 代码单元生成，请勿手工修改：改笔记本里的单元，再重新导出。
# 每段代码前的 `# %% 笔记本#单元id` 指出它来自哪个单元。

# %% book/ch3/3-3-rnn.ipynb#0ddd93a3
"""普通循环神经网络（Elman RNN，tanh 激活），约定与 torch.nn.RNN 相同（单层、单向、时间维在前）。

另有三种循环层共用的小工具：gate_slices（按门切分）、input_part（输入部分一次算完）、
recurrent_arguments（参数检查）。
"""

import numpy as np

from lesson_utils.validation import check_shapes


def gate_slices(array, count):
    """把最后一维等分成 count 段，返回视图（不复制）。每个时刻都要用。"""
    size = array.shape[-1] // count
    return [array[..., k * size : (k + 1) * size] for k in range(count)]


def input_part(x, W_ih, b):
    """所有时刻的 x_t W_ihᵀ + b：与 h 无关，不必留在循环里。x: (T, N, D) → (T, N, G)

    把 T 个时刻摞成 T·N 行，一次大矩阵乘法代替 T 次小的。偏置原地加上，
    不再新建一个同样大的数组（``x @ W.T + b`` 会多建一个）。
    """
    T, N, D = x.shape
    out = x.reshape(T * N, D) @ W_ih.T
    out += b
    return out.reshape(T, N, -1)


def recurrent_arguments(func, gates, x, h0, W_ih, W_hh, b_ih, b_hh, c0=None):
    """检查循环层的参数，返回 (T, N, H)。gates 是门的个数：RNN 1，LSTM 4，GRU 3。

    x: (T, N, D)，h0 (与 c0): (N, H)，W_ih: (gates·H, D)，W_hh: (gates·H, H)，b_ih, b_hh: (gates·H,)
    """
    dims = check_shapes(func, x=(x, ("T", "N", "D")), h0=(h0, ("N", "H")))
    G = gates * dims["H"]  # 各门的权重上下叠在一起，与 PyTorch 相同
    arrays = {
        "x": (x, ("T", "N", "D")),
        "h0": (h0, ("N", "H")),
        "W_ih": (W_ih, (G, "D")),
        "W_hh": (W_hh, (G, "H")),
        "b_ih": (b_ih, (G,)),
        "b_hh": (b_hh, (G,)),
    }
    if c0 is not None:
        arrays["c0"] = (c0, ("N", "H"))
    dims = check_shapes(func, **arrays)
    return dims["T"], dims["N"], dims["H"]


def rnn_forward(x, h0, W_ih, W_hh, b_ih, b_hh):
    """h_t = tanh(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh)，t = 1…T。

    x: (T, N, D)，h0: (N, H)，W_ih: (H, D)，W_hh: (H, H)，b_ih, b_hh: (H,)
    →  hs: (T, N, H)（h_1…h_T），cache 供 rnn_backward 使用
    """
    T, N, H = recurrent_arguments("rnn_forward", 1, x, h0, W_ih, W_hh, b_ih, b_hh)
    x_part = input_part(x, W_ih, b_ih + b_hh)  # (T, N, H)
    # states[t] = h_t，states[0] = h_0
    states = np.empty((T + 1, N, H), dtype=x.dtype)
    states[0] = h0
    for t in range(1, T + 1):  # x[t − 1] 是 x_t：数组从 0 数，公式从 1 数
        states[t] = np.tanh(x_part[t - 1] + states[t - 1] @ W_hh.T)
    cache = (x, W_ih, W_hh, states)
    return states[1:], cache


def rnn_backward(dhs, cache):
    """BPTT。dhs: (T, N, H)，损失对每个 h_t 的直接梯度
    →  dx: (T, N, D)，dh0: (N, H)，dW_ih: (H, D)，dW_hh: (H, H)，db_ih, db_hh: (H,)
    """
    x, W_ih, W_hh, states = cache
    T, N, H = states.shape[0] - 1, states.shape[1], states.shape[2]
    check_shapes("rnn_backward", dhs=(dhs, (T, N, H)), W_hh=(W_hh, W_hh.shape))

    da = np.empty_like(dhs)  # da[t − 1] = ∂L/∂a_t，a_t 是 tanh 的输入
    dh_next = np.zeros((N, H), dtype=dhs.dtype)  # 从 t + 1 时刻流回 h_t 的梯度
    for t in range(T, 0, -1):
        dh = dhs[t - 1] + dh_next  # h_t 的两条出路：本时刻的输出，下一时刻的输入
        da[t - 1] = dh * (1 - states[t] ** 2)  # 穿过 tanh：乘 tanh′ = 1 − h_t²
        dh_next = da[t - 1] @ W_hh  # 穿过 W_hh，流向 h_{t−1}
    dh0 = dh_next

    # 权重在每个时刻都用了一次，梯度是各时刻之和：把 T 个时刻摞成 T·N 行，一次矩阵乘法求和
    da_rows = da.reshape(T * N, H)
    dx = (da_rows @ W_ih).reshape(x.shape)
    dW_ih = da_rows.T @ x.reshape(T * N, -1)
    dW_hh = da_rows.T @ states[:-1].reshape(T * N, H)  # 配对 (a_t, h_{t−1})
    db = da_rows.sum(axis=0)
    return dx, dh0, dW_ih, dW_hh, db, db.copy()  # 两个偏置总是加在一起，梯度相同
