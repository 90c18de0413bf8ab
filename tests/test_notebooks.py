"""Every chapter's notebook runs in a fresh kernel showing what the chapter shows:
what each cell prints (stdout, and an error as `Name: message`), what it writes to stderr, and what it
displays (the value of a final bare expression, which the page never shows).

On Linux each kernel is forked from a template that has imported torch (tests/forked_python.py): a new kernel
process with a fresh namespace for every notebook, without an interpreter start and an import of torch each.
"""

import copy
import inspect
import json
import os
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest
from ipykernel.kernelspec import get_kernel_dict
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from traitlets import default

from primer.chapters import chapters
from primer.generate import notebooks
from primer.pages.expand import location
from primer.verify import outputs, page_process

# Run before the notebook's own cells, not part of it: every warning shown, also those Python hides by
# default, the way the page's check shows it (its own function: `Name: message`). And tracebacks as Python
# prints them: a cell's error is compared as `Name: message`, never its traceback, and IPython's default one
# parses the source file of every frame (1-2 s of CPU for an error raised deep in torch, as on common-errors).
PREAMBLE = f"""\
import sys, warnings
{inspect.getsource(page_process.show_warning)}
warnings.simplefilter("always")
warnings.showwarning = show_warning
get_ipython().run_line_magic("xmode", "Plain")
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


@pytest.fixture(scope="session")
def kernel_manager(request, python_forks) -> type[AsyncKernelManager]:
    """The kernel manager the notebooks run with: ipykernel's own kernel, its `python` one whose processes fork
    from a zygote that has imported torch (tests/forked_python.py) where this run has more than one notebook to
    run (for one, the zygote's start would cost what it saves)."""
    notebooks = sum("kernel_manager" in getattr(item, "fixturenames", ()) for item in request.session.items)
    python = python_forks() if notebooks > 1 else sys.executable
    if python == sys.executable:
        yield AsyncKernelManager
        return
    with tempfile.TemporaryDirectory(prefix="primer-kernels-") as folder:
        spec = get_kernel_dict()  # ipykernel's own spec, with the forked `python`
        assert spec["argv"][0] == sys.executable, spec["argv"]
        spec["argv"][0] = python
        # Named python3, as ipykernel's, so that nbclient treats it as ipykernel (no history file, ...).
        (Path(folder) / "python3").mkdir()
        (Path(folder) / "python3" / "kernel.json").write_text(json.dumps(spec))

        class ForkedKernelManager(AsyncKernelManager):
            @default("kernel_spec_manager")
            def _kernel_spec_manager_default(self):
                return KernelSpecManager(kernel_dirs=[folder], ensure_native_kernel=False)

        yield ForkedKernelManager


@pytest.mark.parametrize("chapter", chapters())
def test_notebook_runs_in_a_fresh_kernel_and_shows_what_the_page_shows(
    chapter: str, tmp_path: Path, target, kernel_manager
) -> None:
    cells = notebooks.cells(chapter, target.environment)  # what the page shows for this run's environment
    generated = notebooks.build(cells)
    where = [location(cell.page, cell.code) for cell in cells]
    executed = copy.deepcopy(generated)
    executed.cells.insert(0, nbformat.v4.new_code_cell(PREAMBLE))
    NotebookClient(
        executed,
        timeout=300,
        kernel_name="python3",
        kernel_manager_class=kernel_manager,
        resources={"metadata": {"path": str(tmp_path)}},
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


def run_cells(sources: list[str], kernel_manager, cwd: Path, **env: str) -> list[str]:
    """What each cell printed, and then displayed, in a kernel of kernel_manager started in cwd."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in sources])
    client = NotebookClient(
        notebook, timeout=60, kernel_name="python3", kernel_manager_class=kernel_manager, allow_errors=True
    )
    client.execute(cwd=str(cwd), env={**os.environ, **env})
    return [shown(cell)["output"] + shown(cell)["displayed"] for cell in notebook.cells]


def test_every_notebook_gets_a_kernel_of_its_own(kernel_manager, tmp_path):
    """What the notebook check relies on, forked kernel or not: a new process, a fresh namespace and torch's
    defaults, the notebook's folder and environment, pickling of what a cell defines, a chance the others'
    cannot predict, errors and displayed values as the check reads them."""
    state = "print(os.getpid(), 'x' in globals(), torch.get_default_dtype(), torch.initial_seed(), " + (
        "random.random(), numpy.random.random())"
    )
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir(), second.mkdir()
    start = ["import os, pickle, random, numpy, torch", state]
    one = run_cells(
        [*start, "x = 1; torch.set_default_dtype(torch.float64); torch.manual_seed(7)"], kernel_manager, first
    )
    printed = run_cells(
        [
            *start,
            "print(os.getcwd(), os.environ.get('PRIMER_TEST_VARIABLE'))",
            "class Point:\n    pass\nprint(type(pickle.loads(pickle.dumps(Point()))).__name__)",
            "raise ValueError('shown as Name: message')",
            "import sys; print(sys.stderr.write('') == 0)\n6 * 7",
        ],
        kernel_manager,
        second,
        PRIMER_TEST_VARIABLE="set",
    )
    (pid, x, dtype, *chances), (first_pid, _, _, *first_chances) = printed[1].split(), one[1].split()
    assert pid != first_pid, "the notebooks should run in two processes"
    assert (x, dtype) == ("False", "torch.float32"), "the kernel should start fresh"
    different = [a != b for a, b in zip(chances, first_chances, strict=True)]
    assert different == [True, True, True], "each kernel should seed torch, random and NumPy anew"
    expected = [f"{second} set\n", "Point\n", "ValueError: shown as Name: message\n", "True\n42\n"]
    assert printed[2:] == expected, "the kernel should print, pickle, fail and display as a kernel of its own"
