"""Every chapter's notebook runs in a fresh kernel showing what the chapter shows:
what each cell prints (stdout, and an error as `Name: message`), what it writes to stderr, and what it
displays (the value of a final bare expression, which the page never shows)."""

import copy
import inspect
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from primer.chapters import chapters
from primer.generate import notebooks
from primer.pages.expand import location
from primer.verify import outputs, run

# Run before the notebook's own cells, not part of it: every warning shown, also those Python hides by
# default, the way the page's check shows it (its own function: `Name: message`).
SHOW_WARNINGS = f"""\
import sys, warnings
{inspect.getsource(run.show_warning)}
warnings.simplefilter("always")
warnings.showwarning = show_warning
"""
# Each stream a cell shows: how a failure names it, and the cell metadata naming its varies rules.
STREAMS = {
    "output": ("printed output", "varies"),
    "stderr": ("stderr", "varies-stderr"),
    "displayed": ("displayed value", None),
}


def shown(cell) -> dict[str, str]:
    """A code cell's outputs by stream, as the page shows them."""
    streams = dict.fromkeys(STREAMS, "")
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream":
            streams["output" if output["name"] == "stdout" else "stderr"] += output["text"]
        elif output["output_type"] == "error":
            streams["output"] += f"{output['ename']}: {output['evalue']}\n"
        else:  # execute_result or display_data
            streams["displayed"] += output["data"].get("text/plain", repr(output["data"])) + "\n"
    return streams


@pytest.mark.parametrize("chapter", chapters())
def test_notebook_runs_in_a_fresh_kernel_and_shows_what_the_page_shows(chapter: str, tmp_path: Path, target) -> None:
    cells = notebooks.cells(chapter, target.environment)  # what the page shows for this run's environment
    generated = notebooks.build(cells)
    where = [location(cell.page, cell.code) for cell in cells]
    executed = copy.deepcopy(generated)
    executed.cells.insert(0, nbformat.v4.new_code_cell(SHOW_WARNINGS))
    NotebookClient(
        executed, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    problems = []
    for index, (expected, actual) in enumerate(zip(generated.cells, executed.cells[1:], strict=True)):
        if expected.cell_type != "code":
            continue
        for stream, (name, rules_key) in STREAMS.items():
            page, notebook = shown(expected)[stream], outputs.as_shown(shown(actual)[stream])
            rules = expected.metadata.get(rules_key, []) if rules_key else []
            if not outputs.matches(page, notebook, rules, target):
                problems.append(
                    f"{where[index]}: in notebook {chapter}.ipynb, cell {index} shows another "
                    f"{name} than the page\n{outputs.diff(page, notebook)}"
                )
    assert not problems, "\n".join(problems)


def test_a_notebook_shows_the_outputs_of_the_environment_it_is_built_for() -> None:
    """The committed notebook shows the reference's outputs; the matrix's notebook run builds it for its own
    environment, whose blocks the page shows too (`data-environment`)."""
    page = (notebooks.DOCS / "common-errors.md").read_text(encoding="utf-8")
    book = page.split('data-environment="book" }\n', 1)[1].split("```", 1)[0]

    def shown_lines(environment: str) -> set[str]:
        cells = notebooks.cells("common-errors", environment)
        return {
            line for cell in cells if cell.node.cell_type == "code" for line in shown(cell.node)["output"].splitlines()
        }

    line = book.strip().splitlines()[0]
    assert line in shown_lines("book")
    assert line not in shown_lines("reference")
