"""Every chapter links its notebook, and the notebook runs in a fresh kernel printing what the chapter shows."""

import copy
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from primer import environments, paths
from primer.chapters import chapters
from primer.generate import notebooks
from primer.verify import outputs

RENDERED = notebooks.render()
NOTEBOOKS = sorted(path for path in RENDERED if path.suffix == ".ipynb")


@pytest.mark.parametrize("chapter", chapters())
def test_chapter_links_its_notebook(chapter: str) -> None:
    page = (paths.DOCS / f"{chapter}.md").read_text()
    assert f"(notebooks/{chapter}.ipynb)" in page, f"docs/{chapter}.md does not link its notebook"


def shown(cell) -> str:
    """A code cell's outputs as the page shows them: printed text, then `Name: message` for an error."""
    text = ""
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream" and output["name"] == "stdout":
            text += output["text"]
        elif output["output_type"] == "error":
            text += f"{output['ename']}: {output['evalue']}\n"
    return text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_in_a_fresh_kernel_and_prints_what_the_page_shows(path: Path, tmp_path: Path) -> None:
    committed = nbformat.reads(RENDERED[path], as_version=4)
    executed = copy.deepcopy(committed)
    NotebookClient(executed, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
                   ).execute()
    for index, (expected, actual) in enumerate(zip(committed.cells, executed.cells)):
        if expected.cell_type != "code":
            continue
        rules = expected.metadata.get("varies", [])
        # Where the page shows another output for this environment, the notebook carries it in its metadata.
        wanted = expected.metadata.get("environments", {}).get(environments.current(), shown(expected))
        assert outputs.matches(wanted, shown(actual), rules), (
            f"{path.name}, cell {index}:\n{outputs.diff(wanted, shown(actual))}"
        )
