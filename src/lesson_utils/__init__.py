"""lesson_utils：《深度学习原理与代码实例》的读者包——笔记本导入的一切，别的都不在这里。

- ``lesson_utils.nn``：各章笔记本里推导、实现的 NumPy 层（由笔记本的导出单元生成，勿手改）
- ``lesson_utils.validation``：输入检查，错误时给出指明参数与形状的 ``ValueError``
- ``lesson_utils.compare``、``lesson_utils.gradcheck``：与 PyTorch 对照的误差表；数值梯度检验
- ``lesson_utils.references``：每个层在 PyTorch 里的参考实现与逐项对照（make verify 与检查器共用）
- ``lesson_utils.verify``、``lesson_utils.bench``：make verify（与 PyTorch 对照）与 make bench
- ``lesson_utils.exercises``、``lesson_utils.feedback``：练习的检查器 ``check(…)`` 与中文反馈
- ``lesson_utils.devices``：选择设备（有 GPU 用 cuda，否则 cpu）、关闭 TF32、统一设置随机种子
- ``lesson_utils.claims``：``claim(…)`` 断言正文的结论；``experiment_seeds`` 与种子平移
- ``lesson_utils.plotting``、``lesson_utils.explore``：全书的绘图风格与中文字体；交互图
- ``lesson_utils.data``：随包的数据（手写数字、唐诗）
- ``lesson_utils.runtime``：导入本包即生效的两处调整（复用已释放的内存、NumPy 的 BLAS 只开
  1 个线程），只改快慢、不改结果

书的构建、出版与教学工具在仓库里的另一个包 ``book_tools``（不随本包分发），见 ARCHITECTURE.md。
"""

from lesson_utils import runtime

__version__ = "0.1.0"

runtime.configure()
