"""PDF 里不印网页上折叠起来的代码（标了 ``hide-input`` 的单元）。

网页上这些单元默认折叠、点一下才展开：每页开头的安装单元、只画示意图（时间线、计算图、GAN 的循环）
的代码。印在纸上它们只是占地方，所以 LaTeX 构建时去掉单元的输入，只留输出（图）。
编程练习的参考实现（同样折叠，但含 nbgrader 的 ``### BEGIN SOLUTION`` 标记）照常印出：
解答里写着“参考实现见下面的代码单元”。
"""

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from book_tools.markers import BEGIN, HIDE_INPUT


class RemoveHiddenInputs(SphinxPostTransform):
    default_priority = 200
    builders = ("latex",)

    def run(self, **kwargs):
        for cell in list(self.document.findall(nodes.container)):
            if f"tag_{HIDE_INPUT}" not in cell.get("classes", []):
                continue
            for child in list(cell.children):
                is_input = "cell_input" in child.get("classes", [])
                if is_input and BEGIN not in child.astext():
                    cell.remove(child)


def setup(app):
    app.add_post_transform(RemoveHiddenInputs)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
