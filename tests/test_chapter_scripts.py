"""Every chapter's downloadable script (docs/notebooks/CHAPTER.py, primer/generate/chapter_code.py) runs from start
to end in a fresh interpreter, and each of its cells prints what the page shows under its block: stdout (an error
raised on purpose as its `try`/`except` prints it) and stderr, warnings shown as the page shows them.

The script runs as `python CHAPTER.py` would, in `__main__`, in an empty folder; a launcher runs it cell by cell
(its `# %%` lines) and writes a line between the cells, to tell each cell's output from the next's.
"""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
import textwrap

import pytest
from sybil import Document

from primer import paths
from primer.chapters import chapters
from primer.generate import chapter_code
from primer.pages.blocks import PythonBlock, example_blocks
from primer.pages.expand import expand_page
from primer.verify import outputs, page_process

SEPARATOR = "----- primer: next cell -----"
LAUNCHER = f"""\
def _primer_run(path):  # in a function, so that the script's namespace holds nothing of the launcher's
    import re, sys, warnings

{textwrap.indent(inspect.getsource(page_process.show_warning), "    ")}
    warnings.simplefilter("always")
    warnings.showwarning = show_warning
    sys.argv = [path]
    with open(path, encoding="utf-8") as file:
        text = file.read()
    namespace = vars(sys.modules["__main__"])
    del namespace["_primer_run"]
    namespace["__file__"] = path
    line = 0
    for index, part in enumerate(re.split(rf"^(?={re.escape(chapter_code.CELL)}(?: |$))", text, flags=re.M)):
        if index:
            sys.stdout.flush(), sys.stderr.flush()
            print({SEPARATOR!r}, flush=True)
            print({SEPARATOR!r}, file=sys.stderr, flush=True)
        exec(compile("\\n" * line + part, path, "exec"), namespace)
        line += part.count("\\n")


_primer_run(__import__("sys").argv[1])
"""


def session_blocks(chapter: str) -> list[PythonBlock]:
    """The chapter's Python blocks a reader runs in one session, in page order, as the checks read them."""
    page = paths.DOCS / f"{chapter}.md"
    document = Document(expand_page(page, paths.CONFIG).text, str(page))
    return [b for b in example_blocks(document) if chapter_code.in_session(b)]


def run_script(python: str, script, folder) -> tuple[str, str, int]:
    result = subprocess.run(
        [python, "-c", LAUNCHER, str(script)], cwd=folder, capture_output=True, text=True, timeout=600
    )
    return result.stdout, result.stderr, result.returncode


def differences(chapter: str, stdout: str, stderr: str, target) -> list[str]:
    """Where what each cell of the chapter's script printed differs from what the page shows under its block."""
    blocks = session_blocks(chapter)
    printed, written = stdout.split(SEPARATOR + "\n"), stderr.split(SEPARATOR + "\n")
    if printed[0] or written[0]:
        return [f"{chapter}.py: its preamble printed {printed[0]!r} {written[0]!r}"]
    if len(printed) != len(blocks) + 1 or len(written) != len(blocks) + 1:
        return [f"{chapter}.py ran {len(printed) - 1} cells for the page's {len(blocks)} blocks"]
    problems = []
    for index, (block, out, err) in enumerate(zip(blocks, printed[1:], written[1:], strict=True), 1):
        for name, fence, actual in (
            ("output", block.output(target.environment), out),
            ("stderr", block.stderr(target.environment), err),
        ):
            expected, shown = fence.source if fence else "", outputs.as_shown(actual)
            if not outputs.matches(expected, shown, fence.varies if fence else [], target):
                problems.append(
                    f"{chapter}.py, cell {index} (docs/{chapter}.md, line {block.code.first_line + 1} expanded): "
                    f"it prints another {name} than the page shows\n{outputs.diff(expected, shown)}"
                )
    return problems


@pytest.mark.parametrize("chapter", chapters())
def test_the_chapters_script_runs_on_its_own_and_prints_what_the_page_shows(chapter, tmp_path, target, python_forks):
    script = paths.NOTEBOOKS / f"{chapter}.py"
    _, cells = chapter_code.cells(script.read_text(encoding="utf-8"))
    assert len(cells) == len(session_blocks(chapter)), f"{script.name}: not a cell for each of the page's blocks"
    stdout, stderr, code = run_script(python_forks(), script, tmp_path)
    assert code == 0, f"{script.name} did not run to its end (exit code {code}):\n{stderr[-3000:]}"
    problems = differences(chapter, stdout, stderr, target)
    assert not problems, "\n".join(problems)


def test_a_cell_that_prints_otherwise_is_named(tmp_path, target):
    """The check above fails where one cell prints other text than its block shows, and names that cell."""
    text = (paths.NOTEBOOKS / "tensors.py").read_text(encoding="utf-8")
    assert text.count("print(t.shape)\n") == 1
    script = tmp_path / "tensors.py"
    script.write_text(text.replace("print(t.shape)\n", "print(t.shape, 'changed')\n"), encoding="utf-8")
    stdout, stderr, code = run_script(sys.executable, script, tmp_path)
    assert code == 0, stderr
    problems = differences("tensors", stdout, stderr, target)
    assert len(problems) == 1 and "+torch.Size([2, 3]) changed" in problems[0], problems
