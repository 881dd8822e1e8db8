"""book_tools：这本书的构建、出版与教学工具（仓库内的第二个包，不随读者的 wheel 分发）。

读者的包是 ``lesson_utils``（笔记本导入的一切）；这里是把笔记本变成书、版本、作业与成绩的工具。
依赖方向只有一条：book_tools 可以导入 lesson_utils，反过来不行。见仓库根目录的 ARCHITECTURE.md。

- ``markers``：笔记本里的标记（导出单元、BEGIN/END SOLUTION、桩、检查单元、练习标签、hide-input）
- ``export``：``#| export`` 单元 → ``src/lesson_utils/nn/``（make export）
- ``setup_cell``：每章第一个单元（安装 lesson_utils）由 _config.yml 生成（make setup-cells）
- ``jupyter_edition``：MyST → 普通 Markdown 的 Jupyter 版（make edition → notebooks/）
- ``student_edition``：删去解答的学生版网页书（make book EDITION=student）
- ``layer_assignments``、``nbgrader_course``、``assignments``：练习与“亲手实现各层”的作业
  （make assignments）
- ``grade``：限时执行学生提交、由检查器打分（make grade）
- ``run_notebooks``：重新执行笔记本并存输出（make notebooks）
- ``check_pdf``：PDF 版的完整性检查（make pdf）
- ``sphinx_ext``：构建书时加载的 Sphinx 扩展（_config.yml 的 extra_extensions）
- ``link_glossary_terms``、``make_cjk_font_subset``、``make_intro_figure``：手动运行的维护脚本
"""

from pathlib import Path


def repo_root():
    """仓库根目录。book_tools 只以可编辑方式从仓库安装（make），所以它就在这个包的上两级。"""
    return Path(__file__).resolve().parents[2]
