"""lesson_utils：《深度学习原理与代码实例》配套的 Python 包。

- ``lesson_utils.nn``：各章笔记本里推导、实现的 NumPy 层（由笔记本导出，见 ``lesson_utils.export``）
- ``lesson_utils.devices``：选择设备（有 GPU 用 cuda，否则 cpu）、关闭 TF32、统一设置随机种子
- ``lesson_utils.compare``：NumPy 结果与 PyTorch 对照、打印误差表
- ``lesson_utils.gradcheck``：中心差分数值梯度检验
- ``lesson_utils.plotting``：全书统一的绘图风格与中文字体
- ``lesson_utils.validation``：输入检查，错误时给出指明参数与形状的 ``ValueError``
"""

__version__ = "0.1.0"
