"""笔记本里的标记：每一种只在这里写一次，识别它们的工具（导出、学生版、作业、nbgrader 课程、批改、
Jupyter 版、PDF 与 Sphinx 扩展）都从这里取。

- ``#| export nn.linear``：代码单元的第一行，单元导出到 ``lesson_utils.nn.linear``（nbdev 的写法）
- ``### BEGIN SOLUTION`` / ``### END SOLUTION``：参考实现的区域（nbgrader 的标记）；学生版换成桩
- 桩：``# 在这里写你的代码`` 与 ``raise NotImplementedError()``，缩进与 BEGIN 那一行相同
- Markdown 里的 ````{solution}```` 块：学生版整块删去
- 跨单元的解答（sphinx-exercise 的 gated 写法）：````{solution-start} ex-…```` 所在的
  Markdown 单元到 ````{solution-end}```` 单元之间的代码单元（练习的参考实验）连同输出
  都在网页解答的折叠框里；学生版整段删去
- 检查单元：``check("3.1-3", f, g)`` 或 ``if check("3.4-3", f):``
- 练习的标签：``ex-3-2-4`` ↔ 练习编号 ``3.2-4``（与 check 的编号相同）
- ``hide-input``：网页上折叠的代码单元（安装单元、示意图、参考实现）
"""

import re

EXPORT = re.compile(r"^#\|\s*export\s+([A-Za-z_][\w.]*)\s*$")
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB = ("# 在这里写你的代码", "raise NotImplementedError()")
SOLUTION_BLOCK = re.compile(r"^````\{solution\}[^\n]*\n.*?^````[ \t]*\n?", re.S | re.M)
# 跨单元的解答：开始单元里从这一行起到单元末尾、直到结束单元都属于解答
SOLUTION_START = re.compile(r"^````\{solution-start\}", re.M)
# 开始指令本身（含选项行）：解答的文字写在它后面，不在它里面（sphinx-exercise 不显示指令内的内容）
SOLUTION_START_FENCE = re.compile(r"^````\{solution-start\}[^\n]*\n(?::[^\n]*\n)*````[ \t]*$", re.M)
SOLUTION_END = re.compile(r"^````\{solution-end\}", re.M)
SOLUTION_END_CELL = "````{solution-end}\n````"  # 结束单元的全部内容
# 检查单元的第一行：可选的 if、练习编号、其余参数、可选的冒号与注释
CHECK_LINE = re.compile(
    r"""^(?P<guard>if\s+)?check\(\s*["'](?P<id>[^"']+)["'](?P<args>[^)]*)\)\s*:?\s*(#.*)?$"""
)
CHECK_CALL = re.compile(r"""\bcheck\(\s*["']([^"']+)["']""")  # 单元里任何位置的 check("…")
EXERCISE_LABEL = re.compile(r"^ex-(\d+)-(\d+)-(\d+)$")
HIDE_INPUT = "hide-input"


def export_target(source):
    """代码单元的源码 → (模块名, 去掉标记行的源码)；不是导出单元时返回 None。"""
    first, _, rest = source.partition("\n")
    match = EXPORT.match(first)
    return (match.group(1), rest.strip("\n")) if match else None


def exercise_id(label):
    """``ex-3-2-3`` → ``3.2-3``；别的标签返回 None。"""
    match = EXERCISE_LABEL.match(label or "")
    return f"{match[1]}.{match[2]}-{match[3]}" if match else None


def is_solution_code(cell):
    """含 BEGIN SOLUTION 的代码单元（参考实现）。"""
    return cell.cell_type == "code" and BEGIN in cell.source


def is_check_cell(cell):
    """以 ``check("…"`` 或 ``if check("…"`` 开头的代码单元。"""
    return cell.cell_type == "code" and CHECK_LINE.match(cell.source.split("\n", 1)[0]) is not None


def checked_ids(notebook):
    """代码单元里 ``check("…")`` 调用的练习编号，按出现顺序、去重。"""
    ids = []
    for cell in notebook.cells:
        if cell.cell_type == "code":
            ids += [i for i in CHECK_CALL.findall(cell.source) if i not in ids]
    return ids


def clear_solution_code(source):
    """把每一对 BEGIN/END SOLUTION 标记之间（含标记本身）换成同样缩进的桩。"""
    out, inside = [], False
    for line in source.split("\n"):
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise ValueError(f"clear_solution_code: 嵌套的 {BEGIN}")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out += [indent + STUB[0], indent + STUB[1]]
        elif stripped == END:
            if not inside:
                raise ValueError(f"clear_solution_code: 多余的 {END}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"clear_solution_code: 缺少 {END}")
    return "\n".join(out)


def mark_solution(lines, indent):
    """把几行代码包进 BEGIN/END SOLUTION（标记的缩进为 indent）。"""
    return [indent + BEGIN, *lines, indent + END]


def reveal(cell):
    """去掉单元的 hide-input 标签（学生要看见、要改的单元）。"""
    tags = [t for t in cell.metadata.get("tags", []) if t != HIDE_INPUT]
    cell.metadata["tags"] = tags
    if not tags:
        del cell.metadata["tags"]


def is_hidden(cell):
    return HIDE_INPUT in cell.metadata.get("tags", [])


def solution_spans(cells):
    """跨单元解答的 (开始单元, 结束单元) 下标对；开始与结束必须成对、不嵌套，否则 ValueError。"""
    spans, start = [], None
    for index, cell in enumerate(cells):
        if cell.cell_type != "markdown":
            continue
        opens = len(SOLUTION_START.findall(cell.source))
        closes = len(SOLUTION_END.findall(cell.source))
        if closes:
            if start is None:
                raise ValueError(
                    f"solution_spans: 第 {index} 个单元的 solution-end 没有配对的 solution-start"
                )
            if cell.source.strip() != SOLUTION_END_CELL:
                # 学生版整个删掉结束单元：里面不能有别的内容
                raise ValueError(
                    f"solution_spans: 第 {index} 个单元除了 solution-end 不能有别的内容"
                )
            spans.append((start, index))
            start = None
        if opens:
            if start is not None or opens > 1:
                raise ValueError(f"solution_spans: 第 {index} 个单元的 solution-start 没有结束")
            start = index
    if start is not None:
        raise ValueError(f"solution_spans: 第 {start} 个单元的 solution-start 缺少 solution-end")
    return spans


def in_solution_span(cells):
    """与 cells 等长的布尔列表：单元是否在某段跨单元解答的里面（不含开始单元，含结束单元）。"""
    inside = [False] * len(cells)
    for start, end in solution_spans(cells):
        for index in range(start + 1, end + 1):
            inside[index] = True
    return inside


def remove_solution_spans(notebook):
    """就地删掉跨单元的解答：开始单元里从 solution-start 起的部分，以及直到结束单元的全部单元。"""
    inside = in_solution_span(notebook.cells)
    notebook.cells = [cell for cell, drop in zip(notebook.cells, inside) if not drop]
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and (start := SOLUTION_START.search(cell.source)):
            cell.source = cell.source[: start.start()].rstrip("\n")


def strip_solutions(notebook):
    """就地删掉整本笔记本的解答：跨单元的解答整段删去，其余单元按 remove_solutions 处理。

    返回被换成桩的参考实现代码单元个数。
    """
    remove_solution_spans(notebook)
    return sum(remove_solutions(cell) for cell in notebook.cells)


def remove_solutions(cell):
    """就地删掉一个单元里的解答：Markdown 的解答块删去，参考实现换成桩（并露出代码）。

    返回这个单元是否是被换成桩的解答代码单元。
    """
    if cell.cell_type == "markdown":
        cell.source = SOLUTION_BLOCK.sub("", cell.source)
        return False
    if not is_solution_code(cell):
        return False
    cell.source = clear_solution_code(cell.source)
    reveal(cell)
    return True
