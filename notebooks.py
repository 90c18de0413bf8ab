"""Build a Jupyter notebook for every chapter from the chapter itself: `python notebooks.py`.

Each chapter page is expanded with the site's own include machinery (tests/harness/expand.py) and cut
at its code blocks: prose becomes Markdown cells, Python blocks become code cells carrying the output the
page shows, in page order. Nothing is written twice: edit the page or the snippet and rebuild. Blocks a
notebook cannot run (a script for torchrun, shell commands) stay in the notebook as Markdown, with the
script also written to docs/downloads/. tests/test_notebooks.py executes every notebook in a fresh kernel
and fails when a committed notebook is stale.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from nbformat import v4

from tests.harness.blocks import ConsoleBlock, PythonBlock, example_blocks
from tests.harness.expand import expand_page
from tests.harness.page import RenderedPage

ROOT = Path(__file__).resolve().parent
DOCS = ROOT / "docs"
OUT = DOCS / "notebooks"
DOWNLOADS = DOCS / "downloads"
CONFIG = ROOT / "mkdocs.yml"
CHAPTERS = [
    "what-is-pytorch", "tensors", "computation-graphs", "autograd", "multilayer-networks", "data-loaders",
    "training-loop", "saving-and-loading", "gpu-training", "exercises",
]
NOTEBOOK_LINK = re.compile(r"^\[Open this chapter as a notebook\]\(notebooks/[\w-]+\.ipynb\)\{[^}]*\}\n\n?", re.M)
# An error as Python reports it on the last line of an Output block: `RuntimeError: message`.
ERROR_LINE = re.compile(r"^(?P<name>(?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*(?:Error|Exception)): ?(?P<value>.*)$")


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
    text = NOTEBOOK_LINK.sub("", text)
    text = re.sub(r"\)\{[^}]*\}", ")", text)  # attribute lists such as { .figure }
    text = re.sub(r"[ \t]*\{ *#[\w-]+ *\}[ \t]*$", "", text, flags=re.M)  # a paragraph's anchor: { #term-relu }
    text = re.sub(r"\]\((figures|downloads)/", r"](../../\1/", text)
    text = re.sub(r"\]\(([\w-]+)\.md(#[\w-]+)?\)", lambda m: f"](../../{m[1]}/{m[2] or ''})", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _outputs(shown: str) -> list:
    """Notebook outputs for what a page's Output block shows: printed text, then maybe an error."""
    lines = shown.rstrip("\n").split("\n") if shown else []
    error = ERROR_LINE.match(lines[-1]) if lines else None
    printed = "\n".join(lines[:-1] if error else lines)
    outputs = [v4.new_output("stream", name="stdout", text=printed + "\n")] if printed else []
    if error:
        outputs.append(v4.new_output("error", ename=error["name"], evalue=error["value"], traceback=[lines[-1]]))
    return outputs


def _script_cell(block: PythonBlock, files: dict[Path, str]) -> str:
    files[DOWNLOADS / block.filename] = block.code.source
    return (
        f"The next part is a script, not a notebook cell: it starts several processes, which a notebook cannot "
        f"do. Save it as `{block.filename}` ([download it](../../downloads/{block.filename})) and start it "
        f"with the command that follows.\n\n```python\n{block.code.source}```"
    )


def build(chapter: str, files: dict[Path, str]) -> nbformat.NotebookNode:
    page = DOCS / f"{chapter}.md"
    expanded = expand_page(page, CONFIG)
    document = RenderedPage(expanded.text, str(page))
    title = page.read_text(encoding="utf-8").split("\n", 1)[0].removeprefix("# ")
    cells: list = [
        v4.new_markdown_cell(
            f"*A notebook of [PyTorch Primer](../../), built from the chapter [{title}](../../{chapter}/). Run "
            "the cells in order; each output below was produced by the cell above it.*"
        )
    ]
    position = 0

    def prose(until: int) -> None:
        text = _markdown(expanded.text[position:until])
        if text:
            cells.append(v4.new_markdown_cell(text))

    for block in example_blocks(document):
        if not isinstance(block, (PythonBlock, ConsoleBlock)):
            continue
        prose(block.code.start)
        shown = block.output.source if block.output else ""
        if isinstance(block, ConsoleBlock):
            output = f"\n\nOutput:\n\n```text\n{shown}```" if shown else ""
            cells.append(v4.new_markdown_cell(f"```console\n{block.code.source}```{output}"))
        elif block.filename:
            cells.append(v4.new_markdown_cell(_script_cell(block, files)))
        else:
            outputs = _outputs(shown)
            metadata = {"varies": block.output.varies} if block.output and block.output.varies else {}
            if any(output["output_type"] == "error" for output in outputs):
                metadata["tags"] = ["raises-exception"]
            cells.append(v4.new_code_cell(block.code.source.rstrip("\n"), outputs=outputs, metadata=metadata))
        position = (block.output or block.code).end
    prose(len(expanded.text))

    for index, cell in enumerate(cells):  # stable ids, so an unchanged chapter gives an unchanged file
        cell["id"] = f"cell-{index}"
        if cell["cell_type"] == "code":
            cell["execution_count"] = None
    notebook = v4.new_notebook(cells=cells)
    notebook.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    return notebook


def render() -> dict[Path, str]:
    """Every file this script makes: a notebook per chapter, and the scripts they link to."""
    files: dict[Path, str] = {}
    for chapter in CHAPTERS:
        files[OUT / f"{chapter}.ipynb"] = nbformat.writes(build(chapter, files)) + "\n"
    return files


if __name__ == "__main__":
    for path, text in render().items():
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
