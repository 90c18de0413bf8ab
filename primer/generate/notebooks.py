"""A Jupyter notebook for every chapter, built from the chapter itself, and the scripts pages offer.

Each chapter page is expanded with the site's own include machinery (primer/pages/expand.py) and cut
at its code blocks: prose becomes Markdown cells, Python blocks become code cells carrying the output the
page shows, in page order. Nothing is written twice: edit the page or the snippet and rebuild. Blocks a
notebook cannot run (a script for torchrun, shell commands) stay in the notebook as Markdown, with the
script in docs/downloads/, where every script a page shows as a file is offered for download.
tests/test_notebooks.py executes every notebook in a fresh kernel.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import nbformat
from nbformat import v4
from sybil import Document

from primer import paths
from primer.chapters import chapters
from primer.environments import REFERENCE
from primer.errors import ERROR_LINE  # an error as Python reports it on the last line of an Output block
from primer.pages.blocks import OUTPUT_TITLE, STDERR_TITLE, ConsoleBlock, PythonBlock, example_blocks
from primer.pages.expand import Origin, expand_page
from primer.pages.expand import title as page_title
from primer.paths import CONFIG, DOCS, DOWNLOADS, NOTEBOOKS

# A figure with its caption (`<figure markdown="span">`, md_in_html), which a notebook shows as an image and an
# italic line: Markdown inside an HTML block is not rendered in a notebook.
FIGURE = re.compile(
    r'^ *<figure markdown="span">\n(?P<image>.*?)^ *<figcaption>(?P<caption>.*?)</figcaption>\n *</figure>$',
    re.MULTILINE | re.DOTALL,
)


def _figure(match: re.Match) -> str:
    image = "\n".join(line.strip() for line in match["image"].strip().split("\n"))
    caption = " ".join(line.strip() for line in match["caption"].split("\n"))
    return f"{image}\n\n*{caption}*"


def _markdown(text: str) -> str:
    """Material-for-MkDocs Markdown as plain Markdown, with links that work from the notebook's page."""
    lines = []
    for line in text.split("\n"):
        tab = re.match(r'^=== "(.+)"$', line)
        admonition = re.match(r'^(?:\?\?\?|!!!)\+? \w+ "(.+)"$', line)
        if tab or admonition:
            lines.append(f"**{(tab or admonition)[1]}**")
            continue
        lines.append(line[4:] if line.startswith("    ") else line)
    text = "\n".join(lines)
    text = FIGURE.sub(_figure, text)
    text = re.sub(r"\)\{[^}]*\}", ")", text)  # attribute lists such as { .figure }
    text = re.sub(r"[ \t]*\{ *#[\w-]+ *\}[ \t]*$", "", text, flags=re.M)  # a paragraph's anchor: { #term-relu }
    text = re.sub(r"\]\((figures|downloads)/", r"](../../\1/", text)
    text = re.sub(r"\]\(([\w-]+)\.md(#[\w-]+)?\)", lambda m: f"](../../{m[1]}/{m[2] or ''})", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _outputs(block: PythonBlock, environment: str) -> list:
    """Notebook outputs for what a page shows under a block: printed text, then maybe an error (both in its
    Output block), then what its Output (stderr) block shows."""
    output = block.output(environment)
    shown = output.source if output else ""
    lines = shown.rstrip("\n").split("\n") if shown else []
    # The error is the last thing a cell shows; its message may go on over several lines.
    start = next((i for i in reversed(range(len(lines))) if ERROR_LINE.match(lines[i])), None)
    printed = "\n".join(lines if start is None else lines[:start])
    outputs = [v4.new_output("stream", name="stdout", text=printed + "\n")] if printed else []
    if (stderr := block.stderr(environment)) and stderr.source:
        outputs.append(v4.new_output("stream", name="stderr", text=stderr.source))
    if start is not None:
        error = ERROR_LINE.match(lines[start])
        value = "\n".join([error["value"], *lines[start + 1 :]])
        name = error["name"].rsplit(".", 1)[-1]  # as a kernel reports it: `UnpicklingError`, not `_pickle.`...
        outputs.append(v4.new_output("error", ename=name, evalue=value, traceback=lines[start:]))
    return outputs


def _script_cell(block: PythonBlock) -> str:
    return (
        f"The next part is a script, not a notebook cell: it starts several processes, which a notebook cannot "
        f"do. Save it as `{block.filename}` ([download it](../../downloads/{block.filename})) and start it "
        f"with the command that follows.\n\n```python\n{block.code.source}```"
    )


def _console_cell(block: ConsoleBlock, environment: str) -> nbformat.NotebookNode:
    shown = "".join(
        f"\n\n{title}:\n\n```text\n{fence.source}```"
        for title, fence in ((OUTPUT_TITLE, block.output(environment)), (STDERR_TITLE, block.stderr(environment)))
        if fence and fence.source
    )
    return v4.new_markdown_cell(f"```console\n{block.code.source}```{shown}")


def _code_cell(block: PythonBlock, environment: str) -> nbformat.NotebookNode:
    outputs = _outputs(block, environment)
    fences = (("varies", block.output(environment)), ("varies-stderr", block.stderr(environment)))
    metadata: dict = {key: fence.varies for key, fence in fences if fence and fence.varies}
    if any(output["output_type"] == "error" for output in outputs):
        metadata["tags"] = ["raises-exception"]
    return v4.new_code_cell(block.code.source.rstrip("\n"), outputs=outputs, metadata=metadata)


def _block_cell(block: PythonBlock | ConsoleBlock, environment: str) -> nbformat.NotebookNode:
    if isinstance(block, ConsoleBlock):
        return _console_cell(block, environment)
    if block.filename:
        return v4.new_markdown_cell(_script_cell(block))
    return _code_cell(block, environment)


class Cell(NamedTuple):
    node: nbformat.NotebookNode
    page: Origin  # the page line it starts at
    code: list[Origin]  # where its code lines were written (a snippet's lines), none for prose


def cells(chapter: str, environment: str = REFERENCE) -> list[Cell]:
    """The chapter's notebook cells in page order, with the outputs the page shows for an environment (the
    committed notebooks: the reference's, wherever this runs), and where each comes from (which the tests'
    messages name)."""
    page = DOCS / f"{chapter}.md"
    expanded = expand_page(page, CONFIG)
    title = page_title(page)
    intro = (
        f"*A notebook of [PyTorch Primer](../../), built from the chapter [{title}](../../{chapter}/). Run "
        "the cells in order; each output below was produced by the cell above it.*"
    )
    found = [Cell(v4.new_markdown_cell(intro), expanded.origins[0], [])]

    def prose(start: int, end: int) -> list[Cell]:
        text = _markdown(expanded.text[start:end])
        line = expanded.text.count("\n", 0, start)
        return [Cell(v4.new_markdown_cell(text), expanded.origins[line], [])] if text else []

    position = 0
    for block in example_blocks(Document(expanded.text, str(page))):
        if isinstance(block, (PythonBlock, ConsoleBlock)):
            found += prose(position, block.code.start)
            code = expanded.origins[block.code.source_line : block.code.last_line]
            found.append(Cell(_block_cell(block, environment), expanded.origins[block.code.first_line], code))
            position = block.end
    return found + prose(position, len(expanded.text))


def build(chapter_cells: list[Cell]) -> nbformat.NotebookNode:
    """The notebook of a chapter's cells."""
    notebook = v4.new_notebook(cells=[cell.node for cell in chapter_cells])
    for index, cell in enumerate(notebook.cells):  # stable ids, so an unchanged chapter gives an unchanged file
        cell["id"] = f"cell-{index}"
        if cell["cell_type"] == "code":
            cell["execution_count"] = None
    notebook.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    return notebook


def scripts(page: Path) -> dict[Path, str]:
    """The scripts a page shows as files (```python title="x.py"), as docs/downloads/ offers them."""
    document = Document(expand_page(page, CONFIG).text, str(page))
    return {
        DOWNLOADS / block.filename: block.code.source.rstrip("\n") + "\n"
        for block in example_blocks(document)
        if isinstance(block, PythonBlock) and block.filename
    }


def render() -> dict[Path, str]:
    """Every file this module makes: a notebook per chapter, and the scripts the pages show as files."""
    files: dict[Path, str] = {}
    for chapter in chapters():
        files[NOTEBOOKS / f"{chapter}.ipynb"] = nbformat.writes(build(cells(chapter))) + "\n"
    for page in paths.nav():
        files.update(scripts(page))
    return files
