"""输入检查：让错误的输入尽早、清楚地失败。

NumPy 的广播（broadcasting）很方便，也很危险：形状写错时它常常不报错，而是悄悄算出一个错误的数。
因此 ``lesson_utils.nn`` 里的每个函数都先用一行调用本模块检查输入，出错时抛出 ``ValueError``，
信息里写明函数名、参数名和形状。

形状模式（pattern）是一个元组，每一项可以是：
- 字符串，如 ``"N"``：符号维度，同名的维度在所有参数之间必须相等；
- 整数：该维度必须正好等于这个数。
"""

import numpy as np

FLOAT_DTYPES = (np.float32, np.float64)


def check_float_array(func, name, x):
    """x 必须是 float32 或 float64 的 NumPy 数组。"""
    if not isinstance(x, np.ndarray):
        raise ValueError(
            f"{func}: 参数 {name} 应为 NumPy 数组 (np.ndarray)，实际是 {type(x).__name__}"
        )
    if x.dtype not in FLOAT_DTYPES:
        raise ValueError(
            f"{func}: 参数 {name} 的 dtype 应为 float32 或 float64，实际是 {x.dtype}"
            f"（形状 {x.shape}）"
        )
    return x


def pattern_text(pattern):
    """("N", 3) → "(N, 3)"；一维写成 "(N,)"。只在报错时用（每次调用都拼字符串太费时间）。"""
    return "(" + ", ".join(str(p) for p in pattern) + ("," if len(pattern) == 1 else "") + ")"


def check_shapes(func, **arrays):
    """检查若干浮点数组的形状，返回符号维度的取值，如 ``{"N": 32, "D": 64}``。

    用法::

        dims = check_shapes("linear_forward", x=(x, ("N", "D")), W=(W, ("H", "D")), b=(b, ("H",)))

    所有数组的 dtype 必须一致（float32 与 float64 混用会被 NumPy 悄悄提升为 float64）。
    每一层的每次调用都要经过这里（GAN 一页就有近百万次），所以写得尽量省：出错时才拼字符串。
    """
    dims = {}  # 符号 -> (取值, 给出它的参数名, 该参数的形状)
    dtypes = {}
    for name, (x, pattern) in arrays.items():
        check_float_array(func, name, x)
        dtypes[name] = x.dtype
        shape = x.shape
        if len(shape) != len(pattern):
            pattern = tuple(pattern)
            raise ValueError(
                f"{func}: 参数 {name} 应为 {len(pattern)} 维数组，形状 {pattern_text(pattern)}，"
                f"实际形状为 {shape}（{x.ndim} 维）"
            )
        for axis, symbol in enumerate(pattern):
            size = shape[axis]
            if isinstance(symbol, str):
                known = dims.get(symbol)
                if known is not None and known[0] != size:
                    value, other, other_shape = known
                    raise ValueError(
                        f"{func}: 维度 {symbol} 不一致：{other} 的形状 {other_shape} 给出 "
                        f"{symbol}={value}，而 {name} 的形状 {shape} 给出 {symbol}={size}"
                        f"（{name} 应为 {pattern_text(tuple(pattern))}）"
                    )
                dims[symbol] = (size, name, shape)  # 报错时指出最近给出这个维度的参数
            elif size != symbol:
                raise ValueError(
                    f"{func}: 参数 {name} 的形状应为 {pattern_text(tuple(pattern))}，实际为 {shape}"
                    f"（第 {axis} 维应为 {symbol}）"
                )
    if len(set(dtypes.values())) > 1:
        listing = "，".join(f"{n}: {d}" for n, d in dtypes.items())
        raise ValueError(f"{func}: 各数组的 dtype 应一致，实际为 {listing}")
    return {symbol: value for symbol, (value, _, _) in dims.items()}


def check_labels(func, name, y, num_samples, num_classes):
    """y 必须是长度为 num_samples 的一维整数数组，取值在 [0, num_classes) 内。"""
    if not isinstance(y, np.ndarray):
        raise ValueError(f"{func}: 参数 {name} 应为 NumPy 整数数组，实际是 {type(y).__name__}")
    if not np.issubdtype(y.dtype, np.integer):
        raise ValueError(
            f"{func}: 参数 {name} 应为整数类别标签，实际 dtype 为 {y.dtype}（形状 {y.shape}）"
        )
    if y.shape != (num_samples,):
        raise ValueError(
            f"{func}: 参数 {name} 的形状应为 ({num_samples},)，与 logits 的样本数 N 一致，"
            f"实际为 {y.shape}"
        )
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(
            f"{func}: 参数 {name} 的取值应在 [0, {num_classes}) 内，"
            f"实际范围为 [{y.min()}, {y.max()}]"
        )
    return y


def mlp_patterns(func, name, params, first, last):
    """多层感知机参数 ``{W0, b0, W1, b1, …}`` 的形状模式，交给 check_shapes 用。

    第 k 层 W 为 (h_{k+1}, h_k)、b 为 (h_{k+1},)，相邻层首尾相接；输入维 h_0 记作 first，
    输出维 h_L 记作 last（符号或整数）。键不是 W0, b0, …, W{L−1}, b{L−1} 时抛出 ValueError。
    """
    if not isinstance(params, dict):
        raise ValueError(
            f"{func}: 参数 {name} 应为 {{W0, b0, W1, b1, …}} 形式的字典，"
            f"实际是 {type(params).__name__}"
        )
    layers = len(params) // 2
    expected = {f"{kind}{k}" for k in range(layers) for kind in ("W", "b")}
    if layers == 0 or set(params) != expected:
        raise ValueError(
            f"{func}: 参数 {name} 的键应为 W0, b0, W1, b1, …（每层一对），实际为 {sorted(params)}"
        )
    sizes = [first, *(f"{name} 的 h{k}" for k in range(1, layers)), last]
    patterns = {}
    for k in range(layers):
        patterns[f"{name}['W{k}']"] = (params[f"W{k}"], (sizes[k + 1], sizes[k]))
        patterns[f"{name}['b{k}']"] = (params[f"b{k}"], (sizes[k + 1],))
    return patterns


def check_mlp(func, params, x):
    """params 各层首尾相接，x 为 (N, 输入维)。返回符号维度的取值。"""
    return check_shapes(
        func, x=(x, ("N", "输入维")), **mlp_patterns(func, "params", params, "输入维", "输出维")
    )


def check_gan(func, D, G, z, x_real=None):
    """GAN 的一组输入：G 把潜在维映射到数据维，D 把数据维映射到 1 个 logit，
    z 为 (N, 潜在维)，x_real（给出时）为 (M, 数据维)。返回符号维度的取值。"""
    arrays = {
        **mlp_patterns(func, "G", G, "潜在维", "数据维"),
        **mlp_patterns(func, "D", D, "数据维", 1),
        "z": (z, ("N", "潜在维")),
    }
    if x_real is not None:
        arrays["x_real"] = (x_real, ("M", "数据维"))
    return check_shapes(func, **arrays)
