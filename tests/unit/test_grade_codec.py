"""make grade 在两个进程之间传送数据：数组存成 .npy（不含 pickle），别的对象换成句柄。"""

import pytest

from book_tools.grade_worker import decode, encode


def test_codec_round_trip_and_refuses_pickles():
    import numpy as np

    value = (np.arange(6.0).reshape(2, 3), {"W0": np.ones(2)}, 0.5, None, np.float64(2.0), "ns")
    back = decode(encode(value))
    assert np.array_equal(back[0], value[0]) and back[2:] == (0.5, None, 2.0, "ns")
    with pytest.raises(TypeError, match="不能传送"):
        encode(object())
    handles = []
    tree = encode([object()], keep=lambda obj: handles.append(obj) or len(handles) - 1)
    assert repr(decode(tree)[0]) == "<学生内核里的 object 对象>"
