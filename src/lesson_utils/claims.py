"""从运行结果得出的结论：在代码里断言，并在页面上打印一行看得见的结果（ARCHITECTURE.md“结论”）。

正文里的每个“实验表明……”都对应一次 ``claim(...)``：成立时打印 ``✓ [编号] 结论（证据）``，
不成立时抛出 ``ClaimFailed``。这样读者的机器若得出不同的结果，会在那一格大声失败，
而不是默默地与正文矛盾。
每个结论有一个稳定的编号（``key``，如 ``"3.3-clip-rescues"``：页码加短名），附录“结论清单”按编号
列出全书的结论、出处与这次运行打印的证据。

``experiment_seeds`` 给出一个实验要跑的种子。测试 ``make seeds`` 设置环境变量
``LESSON_SEED_SHIFT``，把全书的种子整体平移，再执行一遍每一页：结论必须对别的种子也成立。
读者不需要设置它。
"""

import importlib.util
import os
import re

SEED_SHIFT_VARIABLE = "LESSON_SEED_SHIFT"
# myst-nb 认的 glue 输出的 MIME 前缀（与 myst_nb.ext.glue.GLUE_PREFIX 相同，测试核对两者一致）
GLUE_PREFIX = "application/papermill.record/"
# make seeds 用这三组平移重跑第 1–3 章的每一页（存储的输出是平移 0）；结论清单据此写“检验”一栏
SEED_SHIFTS_TESTED = (1000, 2000, 3000)
# 结论编号：所在页的节号（“3.3”，附录用“A”），一个连字符，再接小写字母、数字与连字符组成的短名
KEY_PATTERN = re.compile(r"(?:[0-9]\.[0-9]|A)-[a-z0-9]+(?:-[a-z0-9]+)*")
# 打印出来的一行：结论清单从笔记本存储的输出里按这个格式读回编号、结论与证据
LINE_PATTERN = re.compile(r"^✓ \[(?P<key>[^\]]+)\] (?P<text>.*)$", re.MULTILINE)


class ClaimFailed(AssertionError):
    """正文的一个结论在这次运行里不成立。"""


def claim(holds, statement, evidence="", *, key):
    """断言一个结论并打印一行 ``✓ [key] statement（evidence）``。

    holds:     这次运行是否支持该结论（bool）
    statement: 结论本身，中文，与正文一致，例如 "不裁剪时 5 次中 5 次发散"
    evidence:  支撑它的、在任何机器上都稳定的数字（计数、区间），会一起打印
    key:       稳定的编号，页码加短名，如 "3.3-clip-rescues"；结论清单用它指向这一行
    """
    if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
        raise ValueError(
            f"claim: 参数 key 应形如 '3.3-clip-rescues'（节号、连字符、小写短名），实际为 {key!r}"
        )
    if not isinstance(statement, str) or not statement or "\n" in statement:
        raise ValueError(f"claim: 参数 statement 应为一行非空文字，实际为 {statement!r}")
    line = f"{statement}（{evidence}）" if evidence else statement
    if not bool(holds):
        raise ClaimFailed(
            f"结论 {key} 不成立：{line}。这次运行与正文不符：请检查改动过的代码或参数；"
            "若未改动，请把这条信息连同机器与版本报告给本书作者。"
        )
    print(f"✓ [{key}] {line}")


def seed_shift():
    """环境变量 LESSON_SEED_SHIFT 的值（未设置时为 0）。"""
    raw = os.environ.get(SEED_SHIFT_VARIABLE, "0")
    try:
        shift = int(raw)
    except ValueError:
        raise ValueError(f"环境变量 {SEED_SHIFT_VARIABLE} 应为非负整数，实际为 {raw!r}") from None
    if shift < 0:
        raise ValueError(f"环境变量 {SEED_SHIFT_VARIABLE} 应为非负整数，实际为 {raw!r}")
    return shift


def experiment_seeds(count, first=0):
    """一个实验要重复的 count 个种子：first, first+1, …（再整体加上 seed_shift()）。"""
    if not isinstance(count, int) or count < 1:
        raise ValueError(f"experiment_seeds: 参数 count 应为正整数，实际为 {count!r}")
    if not isinstance(first, int) or first < 0:
        raise ValueError(f"experiment_seeds: 参数 first 应为非负整数，实际为 {first!r}")
    return [first + seed_shift() + k for k in range(count)]


def myst_nb_installed():
    """只查有没有装，不导入（导入很慢，见 glue）。"""
    return importlib.util.find_spec("myst_nb") is not None


def glue(name, value, display=False):
    """把一次运行得到的数交给正文引用：正文里写 {glue:text}`name:.1f`，网页书替换成这个值。

    输出与 myst-nb 的 ``glue`` 完全相同（一条带 scrapbook 元数据的显示数据，网页书构建时由 myst-nb
    读取）。这里自己写这几行而不调用 myst_nb.glue：导入 myst_nb 会连带导入 nbformat 与 jsonschema，
    每页第一次 glue 要多花约 5 秒。没有装 myst-nb 的环境（Colab、普通 Jupyter）里正文的引用不会被
    替换，这里也就什么都不输出——笔记本照样能运行。
    """
    if not myst_nb_installed():
        return
    from IPython import get_ipython
    from IPython.core.formatters import format_display_data
    from IPython.display import display as ipython_display

    if get_ipython() is None:  # 不在 Jupyter 内核里（例如普通的 python 脚本）
        return
    mimebundle, metadata = format_display_data(value)
    prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    ipython_display({prefix + k: v for k, v in mimebundle.items()}, raw=True, metadata=metadata)
