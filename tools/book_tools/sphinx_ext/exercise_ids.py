"""练习编号在全书只有一种写法：网页标题“练习 3.2-3”，与 check("3.2-3")、反馈、教师指南一致。

sphinx-exercise 默认把练习按全书顺序编号（3.2 节的第 3 题显示成“练习 24”）。这里在读入每页之后，
把标签为 ``ex-3-2-3`` 的带编号练习换成不编号的练习节点，标题改成“练习 3.2-3”，并同步它在
sphinx-exercise 登记表里的节点，于是对应解答的标题也成为“解答 练习 3.2-3”。
没有这种标签的练习保持原样。
"""

from sphinx_exercise.nodes import exercise_enumerable_node, exercise_node, exercise_title

from book_tools.markers import exercise_id


def number_by_section(app, doctree):
    registry = getattr(app.env, "sphinx_exercise_registry", {})
    for node in list(doctree.findall(exercise_enumerable_node)):
        ident = exercise_id(node.get("label"))
        if ident is None:
            continue
        plain = exercise_node()
        plain.attributes = node.attributes
        plain.extend(node.children)
        title = plain.children[0]
        if isinstance(title, exercise_title):
            title.children[0].parent = None
            title.children[0] = type(title.children[0])(f"{title.children[0].astext()} {ident}")
        node.replace_self(plain)
        if node.get("label") in registry:
            registry[node["label"]]["node"] = plain


def setup(app):
    app.setup_extension("sphinx_exercise")
    app.connect("doctree-read", number_by_section)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
