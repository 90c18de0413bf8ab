"""The verification loop catches every kind of fault: each is injected into a copy of the project, and the
part of the suite that guards against it must fail there, naming where the fault is.

FAULTS is the list to extend: a name, the function that injects the fault into the copy and returns the
message fragments the failure must print (computed from the copy, so that edits elsewhere do not break
them), the test paths to run, and whether it is fast enough for every suite run. The rest run with
`uv run dev.py test tests/test_mutations.py --all-faults`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests import hostile
from tests.project_copy import copy_project

TIMEOUT = 300  # seconds for one fault's tests


@dataclass(frozen=True)
class Fault:
    name: str
    inject: Callable[[Path], list[str]]  # changes the copy; returns what the failure message must contain
    tests: tuple[str, ...]  # pytest arguments, relative to the copy
    fast: bool = False  # run in every suite run
    shared: bool = False  # on a page of its own (docs/fault-*.md), with the other shared faults in one copy and run


def edit(project: Path, path: str, old: str, new: str) -> None:
    """Replace the one occurrence of `old`; a fault that no longer applies must say so, not pass."""
    file = project / path
    text = file.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path}: expected {old!r} once; update this fault"
    file.write_text(text.replace(old, new), encoding="utf-8")


def block_at(project: Path, page: str, snippet: str, section: str) -> str:
    """How the harness names the block including one snippet section: `page:line (code: snippet:first-last)`."""
    lines = (project / page).read_text(encoding="utf-8").splitlines()
    include = next(number for number, line in enumerate(lines, 1) if f'"{snippet}:{section}"' in line)
    code = (project / snippet).read_text(encoding="utf-8").splitlines()
    first, last = code.index(f"# --8<-- [start:{section}]") + 2, code.index(f"# --8<-- [end:{section}]")
    return f"{page}:{include - 1} (code: {snippet}:{first}-{last})"


def line_of(project: Path, path: str, text: str) -> int:
    content = (project / path).read_text(encoding="utf-8")
    return content[: content.index(text)].count("\n") + 1


def append(project: Path, path: str, text: str) -> int:
    """Append `text` to a file; returns the line it starts on."""
    file = project / path
    before = file.read_text(encoding="utf-8").rstrip("\n") + "\n\n"
    file.write_text(before + text, encoding="utf-8")
    return before.count("\n") + 1


def wrong_output_number(project: Path) -> list[str]:
    edit(project, "docs/tensors.md", "tensor([100.,   2.,   3.]", "tensor([101.,   2.,   3.]")
    return [f"{block_at(project, 'docs/tensors.md', 'snippets/tensors.py', 'numpy')}: the Output block differs"]


def wrong_snippet_number(project: Path) -> list[str]:
    edit(project, "snippets/tensors.py", "array[0] = 100.0", "array[0] = 101.0")
    return [f"{block_at(project, 'docs/tensors.md', 'snippets/tensors.py', 'numpy')}: the Output block differs"]


def snippet_raises(project: Path) -> list[str]:
    edit(project, "snippets/tensors.py", "print(shared)\n", 'print(shared)\nraise RuntimeError("injected fault")\n')
    where = block_at(project, "docs/tensors.md", "snippets/tensors.py", "numpy")
    return [f"{where} raised an error the page does not show", "RuntimeError: injected fault"]


def missing_section(project: Path) -> list[str]:
    edit(project, "docs/tensors.md", '"snippets/tensors.py:numpy"', '"snippets/tensors.py:no-such-section"')
    line = line_of(project, "docs/tensors.md", "no-such-section")
    return [f"docs/tensors.md:{line}: Snippet section 'no-such-section' could not be located"]


def pycon_block(project: Path) -> list[str]:
    line = append(project, "docs/tensors.md", "```pycon\n>>> 1 + 1\n2\n```\n")
    return [f"docs/tensors.md:{line}: a Python console session (>>>), which the checks do not run"]


def unrun_file_block(project: Path) -> list[str]:
    line = append(project, "docs/tensors.md", '```python title="helper.py"\nassert False\n```\n')
    return [
        f"docs/tensors.md:{line} (code: docs/tensors.md:{line + 1}-{line + 1}): the file block helper.py is "
        "saved but no console block below it runs it"
    ]


def injected_after_the_numpy_block(project: Path, code: str, shown: str) -> list[str]:
    """`code` added to the snippet of tensors.md's NumPy block, which then shows `shown` on stderr."""
    edit(project, "snippets/tensors.py", "array[0] = 100.0\n", f"array[0] = 100.0\n{code}")
    where = block_at(project, "docs/tensors.md", "snippets/tensors.py", "numpy")
    return [f"{where} wrote to stderr (or warned), which the page does not show:\n{shown}"]


def snippet_warns(project: Path) -> list[str]:
    code = 'import warnings\nwarnings.warn("injected", DeprecationWarning)\n'
    return injected_after_the_numpy_block(project, code, "DeprecationWarning: injected")


def snippet_writes_to_stderr(project: Path) -> list[str]:
    return injected_after_the_numpy_block(project, 'import sys\nprint("injected", file=sys.stderr)\n', "injected")


def notebook_displays_a_value(project: Path) -> list[str]:
    loading = 'model.load_state_dict(torch.load("model.pth", weights_only=True))'
    edit(project, "snippets/saving_and_loading.py", f"print({loading})", loading)
    where = block_at(project, "docs/saving-and-loading.md", "snippets/saving_and_loading.py", "load")
    return [
        f"{where}: in notebook saving-and-loading.ipynb, cell",
        "shows another displayed value than the page",
        "+<All keys matched successfully>",
    ]


def claim_no_longer_holds(project: Path) -> list[str]:
    edit(project, "benchmarks/results/num_workers.json", '"epoch_s": 0.4449663000000328', '"epoch_s": 0.7')
    sentence = "Two workers load two batches at once and halve the epoch"
    return [
        f"docs/data-loaders.md:{line_of(project, 'docs/data-loaders.md', sentence)}: '{sentence}' does not "
        "hold for benchmarks/results/num_workers.json"
    ]


def figure_no_page_shows(project: Path) -> list[str]:
    shutil.copy(project / "docs/figures/tensor-ranks.svg", project / "docs/figures/unused.svg")
    return ["no page shows figures/unused.svg"]


def chapter_without_notebook(project: Path) -> list[str]:
    (project / "docs/new-chapter.md").write_text(
        '# A.10 New\n\n```python\nprint(1)\n```\n\n```text title="Output"\n1\n```\n', encoding="utf-8"
    )
    edit(
        project,
        "mkdocs.yml",
        "      - A.9 Optimizing training performance with GPUs: gpu-training.md\n",
        "      - A.9 Optimizing training performance with GPUs: gpu-training.md\n      - A.10 New: new-chapter.md\n",
    )
    return ["docs/notebooks/new-chapter.ipynb is missing: run `uv run dev.py generate`"]


def shown_torch_version_changed(project: Path) -> list[str]:
    import torch

    edit(project, "docs/exercises.md", f"PyTorch: {torch.__version__}\n", "PyTorch: 2.15.0+cu132\n")
    where = block_at(project, "docs/exercises.md", "snippets/exercises.py", "version")
    # The rule frees only the torch the lock pins for the block's environment, which the block no longer shows.
    return [f"{where}: varies rule 'torch-version' matches nothing in the shown output"]


def set_epoch_removed(project: Path) -> list[str]:
    edit(
        project,
        "snippets/ddp_training.py",
        "        sampler.set_epoch(epoch)  # a new order every epoch, the same on every rank\n",
        "",
    )
    return ["the script's set_epoch should reshuffle every epoch"]


def stale_matrix_record(project: Path) -> list[str]:
    """The README's routine for a new torch release, half done: the lock moved on, the record did not."""
    import json

    record = json.loads((project / "matrix/latest.json").read_text(encoding="utf-8"))
    recorded = record["machine"]["torch"]
    older = f"2.0.0+{recorded.partition('+')[2]}"
    edit(project, "matrix/latest.json", f'"torch": "{recorded}"', f'"torch": "{older}"')
    return [f"matrix/latest.json was recorded with torch {older}", "run `uv run dev.py test-matrix latest`"]


def site_url_removed(project: Path) -> list[str]:
    """The site built as the deploy job built it before: without its address, the 404 page served under a
    sub-path asks the host's root for its stylesheets."""
    edit(project, "mkdocs.yml", 'site_url: !ENV [PRIMER_SITE_URL, ""]\n', "")
    return ["/no/such/page/: failed requests", "/assets/stylesheets/"]


def appended_block(project: Path, code: str) -> str:
    """Append a Python block to tensors.md; returns how the harness names it."""
    line = append(project, PAGE, f"```python\n{code}```\n")
    return f"{PAGE}:{line} (code: {PAGE}:{line + 1}-{line + code.count(chr(10))})"


def block_never_ends(project: Path) -> list[str]:
    where = appended_block(project, "while True:\n    pass\n")
    return [f"{where}: did not finish within 5 s"]


def block_ends_the_interpreter(project: Path) -> list[str]:
    where = appended_block(project, "import os\n\nos._exit(0)\n")
    return [f"{where}: the page's process ended (exit code 0) while it ran this block"]


def block_exits(project: Path) -> list[str]:
    where = appended_block(project, "raise SystemExit(0)\n")
    return [f"{where} raised SystemExit, which ends a reader's script"]


def page_poisons_the_next(project: Path) -> list[str]:
    """A page that runs first, in the same harness process, patches the harness and every global setting it can;
    the next page's wrong number must still fail."""
    poison = (
        "import builtins\n\nimport torch\n\nimport primer.verify.outputs\n\n"
        "torch.set_default_dtype(torch.float64)\ntorch.set_printoptions(precision=1)\n"
        "primer.verify.outputs.matches = lambda *args: True\nbuiltins.print = lambda *args, **kwargs: None\n"
    )
    (project / "docs" / "a-poison.md").write_text(f"# Poison\n\n```python\n{poison}```\n", encoding="utf-8")
    return wrong_output_number(project)


def invisible_character_in_a_title(project: Path) -> list[str]:
    file = project / PAGE
    text = file.read_text(encoding="utf-8")
    line = text[: text.index('title="Output"')].count("\n") + 1
    file.write_text(text.replace('title="Output"', 'title="Output\u200b"', 1), encoding="utf-8")
    return [f"{PAGE}:{line}: a block titled 'Output\\u200b' reads as an Output block, and is not one"]


def style_rule_on_a_page(project: Path) -> list[str]:
    line = append(project, PAGE, "<style>.highlight code { color: transparent }</style>\n")
    return [f"{PAGE}:{line}: raw HTML <style>, which the pages may not hold"]


def include_through_a_symbolic_link(project: Path) -> list[str]:
    outside = project.parent / "outside.txt"
    outside.write_text("not the project's\n", encoding="utf-8")
    (project / "snippets" / "leak.txt").symlink_to(outside)
    line = append(project, PAGE, '```text\n--8<-- "snippets/leak.txt"\n```\n') + 1
    return [f"{PAGE}:{line}: Snippet at path 'snippets/leak.txt' is reached through a symbolic link: refused"]


def page_writes_into_the_project(project: Path) -> list[str]:
    glossary = project / "docs" / "glossary.md"
    appended_block(project, f"open({str(glossary)!r}, 'w').write('overwritten')\n")
    return [f"{PAGE}: while this page ran, these files of the project changed: docs/glossary.md"]


def file_block_named_but_not_run(project: Path) -> list[str]:
    append(project, PAGE, '```python title="helper.py"\nprint("helped")\n```\n')
    line = append(project, PAGE, '```console\n$ ls helper.py\n```\n\n```text title="Output"\nhelper.py\n```\n')
    return [f"{PAGE}:{line}: names the file block(s) helper.py, but no Python process ran them"]


def output_left_to_chance(project: Path) -> list[str]:
    """Unseeded random numbers print the same in every fresh interpreter of one torch build, so the normal run
    passes; the perturbed run, which seeds torch otherwise, fails."""
    code = "import torch\n\nprint(torch.rand(1))\n"
    printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    page = f'# Chance\n\n```python\n{code}```\n\n```text title="Output"\n{printed}```\n'
    (project / "docs" / "chance.md").write_text(page, encoding="utf-8")
    return ["docs/chance.md:3 (code: docs/chance.md:4-6): the Output block differs"]


def fault_page(project: Path, name: str, text: str) -> str:
    """A page of its own for a shared fault; returns its path (its first block is at line 3)."""
    path = f"docs/fault-{name}.md"
    (project / path).write_text(f"# {name}\n\n{text}", encoding="utf-8")
    return path


def python_fence(code: str, output: str | None = None, info: str = 'text title="Output"') -> str:
    shown = f"\n```{info}\n{output}```\n" if output is not None else ""
    return f"```python\n{code}```\n{shown}"


def block_in_a_comment(project: Path) -> list[str]:
    """Reading: a block a reader never sees changes what a later block prints."""
    hidden = "<!--\n" + python_fence("import torch\n\ntorch.set_printoptions(precision=1)\n") + "-->\n\n"
    page = fault_page(
        project, "comment", hidden + python_fence("import torch\n\nprint(torch.tensor([0.25]))\n", "tensor([0.2])\n")
    )
    return [f"{page}:4: the site does not show this block as the checks read it"]


def output_title_in_single_quotes(project: Path) -> list[str]:
    """Reading: an Output title quoted another way is an Output block all the same."""
    page = fault_page(project, "quotes", python_fence("print(2 + 2)\n", "5\n", info="text title='Output'"))
    return [f"{page}:3 (code: {page}:4-4): the Output block differs"]


def console_line_with_another_prompt(project: Path) -> list[str]:
    page = fault_page(project, "prompt", "```console\n(.venv) $ python -c 'print(1)'\n```\n")
    return [f"{page}:3: a console block holds only `$ ` commands"]


def duration_rule_too_wide(project: Path) -> list[str]:
    """Comparing: a duration rule frees the duration, not the number of steps beside it."""
    shown = "took 1.5 ms in 3 steps\n"
    info = '{ .text title="Output" data-varies="duration" }'
    page = fault_page(project, "duration", python_fence("print('took 2.5 ms in 999 steps')\n", shown, info=info))
    return [f"{page}:3 (code: {page}:4-4): the Output block differs", "+took 2.5 ms in 999 steps"]


def write_from_c_into_the_project(project: Path) -> list[str]:
    """Hermetic: torch.save writes from C into the project."""
    target = (project / "docs" / "saved.pt").resolve()
    page = fault_page(project, "write", python_fence(f"import torch\n\ntorch.save(torch.zeros(1), {str(target)!r})\n"))
    return [f"{page}: while this page ran, these files of the project changed: docs/saved.pt"]


def file_left_for_the_next_page(project: Path) -> list[str]:
    """Hermetic: a page that passes only after another left a file in its HOME's cache."""
    cache = "import pathlib\n\ncache = pathlib.Path.home() / '.cache'\n"
    fault_page(project, "a-leaves", python_fence(cache + "cache.mkdir(exist_ok=True)\n(cache / 'left').touch()\n"))
    page = fault_page(project, "b-finds", python_fence(cache + "print((cache / 'left').exists())\n", "True\n"))
    return [f"{page}:3 (code: {page}:4-7): the Output block differs"]


def untitled_output(project: Path) -> list[str]:
    """Reading: an output-shaped block that is not titled Output, which nothing compares."""
    page = fault_page(project, "untitled", python_fence("print(2 + 2)\n", "5\n", info="text"))
    return [f"{page}:7: a text block right under code reads as its output"]


def alternative_tab_needs_the_one_before(project: Path) -> list[str]:
    """Reading: the second of two alternative tabs uses a name only the first defines."""
    tabs = '=== "A"\n\n    ```python\n    x = 1\n    ```\n\n=== "B"\n\n    ```python\n    print(x)\n    ```\n'
    page = fault_page(project, "tabs", tabs)
    return [f"{page}:11 (code: {page}:12-12) raised an error the page does not show", "NameError"]


def page_reaches_the_network(project: Path) -> list[str]:
    """Hermetic: a page that connects to another machine."""
    page = fault_page(project, "network", python_fence("import socket\n\nsocket.getaddrinfo('example.com', 80)\n"))
    return [f"{page}:3 (code: {page}:4-6) raised an error the page does not show", "may connect only to this machine"]


def process_left_running(project: Path) -> list[str]:
    """Running: a block that leaves a process that prints later."""
    code = "import subprocess\n\nchild = subprocess.Popen(['bash', '-c', 'sleep 1; echo late'])\n"
    page = fault_page(project, "left", python_fence(code) + "\n" + python_fence("print(1)\n", "1\n"))
    return [f"{page}:3 (code: {page}:4-6) left process"]


def markdown_extension(project: Path) -> list[str]:
    """Reading: a page with another Markdown extension is a page too."""
    (project / "docs" / "fault-other.markdown").write_text("# Other\n\n" + python_fence("print(2 + 2)\n", "5\n"))
    return ["docs/fault-other.markdown:3 (code: docs/fault-other.markdown:4-4): the Output block differs"]


def crash_behind_a_pipe(project: Path) -> list[str]:
    page = fault_page(project, "pipe", f"```console\n$ {hostile.CRASH_BEHIND_A_PIPE}\n```\n")
    return [f"{page}:3: `{hostile.CRASH_BEHIND_A_PIPE}` exited with 3"]


def crash_after_printing(project: Path) -> list[str]:
    page = fault_page(project, "crash", python_fence(hostile.CRASH_AFTER_PRINTING))
    return [f"{page}:3 (code: {page}:4-7): the page's process ended (exit code 1)", "before the crash"]


def confusable_output_title(project: Path) -> list[str]:
    """Reading: a Cyrillic O that looks like a Latin one."""
    page = fault_page(project, "confusable", python_fence("print(2 + 2)\n", "5\n", info='text title="\u041eutput"'))
    return [f"{page}:7: a block titled '\u041eutput' reads as an Output block, and is not one"]


def gpu_output_edited_by_hand(project: Path) -> list[str]:
    """Pinned outputs: a GPU run recorded a block; its text on the page was then changed by hand."""
    import json

    listed = "import json; from primer import pinned; print(json.dumps([vars(p) for p in pinned.everywhere()]))"
    run = subprocess.run([sys.executable, "-c", listed], cwd=project, capture_output=True, text=True, check=True)
    found = next(SimpleNamespace(**block) for block in json.loads(run.stdout) if "cuda" in block["text"])
    record_file = project / "matrix" / "gpu.json"
    record = json.loads(record_file.read_text(encoding="utf-8"))
    record["pinned"] = {found.key: {"page": found.page, "title": found.title, "text": found.text}}
    record_file.write_text(json.dumps(record), encoding="utf-8")
    edit(project, found.page, found.text, found.text.replace("cuda", "cude", 1))
    return [f"{found.page}:{found.line} ({found.title!r}) shows other text than the GPU run of {record['date']}"]


PAGE = "docs/tensors.md"
NOTEBOOK_RUN = "tests/test_notebooks.py::test_notebook_runs_in_a_fresh_kernel_and_shows_what_the_page_shows"
FAULTS = [
    Fault("wrong number in an Output block", wrong_output_number, (PAGE,)),
    Fault("wrong number in a snippet", wrong_snippet_number, (PAGE,)),
    Fault("a snippet section that raises", snippet_raises, (PAGE,)),
    Fault("a missing snippet section", missing_section, (PAGE,), fast=True),
    Fault("a pycon block", pycon_block, (PAGE,)),
    Fault("a file block that raises and no console block runs", unrun_file_block, (PAGE,)),
    Fault("a snippet that warns", snippet_warns, (PAGE,)),
    Fault("a snippet that writes to stderr", snippet_writes_to_stderr, (PAGE,)),
    Fault(
        "a notebook cell displays a value the page does not show",
        notebook_displays_a_value,
        (f"{NOTEBOOK_RUN}[saving-and-loading]",),
    ),
    Fault(
        "the benchmark data no longer supports a claim",
        claim_no_longer_holds,
        ("tests/test_benchmark_claims.py",),
        fast=True,
    ),
    Fault("a figure no page shows", figure_no_page_shows, ("tests/test_figures.py",), fast=True),
    # tests/test_adding_a_chapter.py checks this in every run, as part of the README's routine
    Fault(
        "a chapter in the nav without its notebook",
        chapter_without_notebook,
        ("tests/test_generated.py",),
    ),
    Fault(
        "the shown torch version changed, in the reference environment",
        shown_torch_version_changed,
        ("docs/exercises.md",),
    ),
    Fault(
        "sampler.set_epoch removed from the DDP script",
        set_epoch_removed,
        ("tests/test_ddp_training.py::test_two_nodes_meet_and_train_the_same_model_each_on_its_own_shard",),
    ),
    Fault(
        "a matrix record older than the lock",
        stale_matrix_record,
        ("tests/test_matrix.py::test_every_environment_has_a_record_of_its_locked_torch",),
    ),
    Fault("a block that never ends", block_never_ends, (PAGE, "--block-timeout=5")),
    Fault("a block that ends the interpreter (os._exit)", block_ends_the_interpreter, (PAGE,)),
    Fault("a block that raises SystemExit", block_exits, (PAGE,)),
    Fault("a page that poisons the next page and patches the harness", page_poisons_the_next, ("docs",)),
    Fault("an invisible character in an Output title", invisible_character_in_a_title, (PAGE,)),
    Fault(
        "a style rule on a page",
        style_rule_on_a_page,
        ("tests/test_guard.py::test_the_page_holds_no_markup_that_could_hide_or_draw_text",),
        fast=True,
    ),
    Fault("an include through a symbolic link", include_through_a_symbolic_link, (PAGE,), fast=True),
    Fault("page code that writes into the project", page_writes_into_the_project, (PAGE,)),
    Fault("a file block a console block names but does not run", file_block_named_but_not_run, (PAGE,)),
    Fault("output left to chance", output_left_to_chance, ("docs/chance.md", "--perturb")),
    Fault(
        "the site built without its address",
        site_url_removed,
        ("tests/test_browser_pages.py::test_a_stale_link_gets_the_sites_404_page_whole",),
    ),
    # One of each part of the verifier, on pages of their own, checked together by one pytest run in every suite run.
    *(
        Fault(name, inject, ("tests/test_pinned.py", "--block-timeout=5"), fast=True, shared=True)
        for name, inject in [
            ("a block inside an HTML comment", block_in_a_comment),
            ("an Output title in single quotes", output_title_in_single_quotes),
            ("a console line with another prompt", console_line_with_another_prompt),
            ("an Output title with a letter of another script", confusable_output_title),
            ("a duration rule matching the steps beside it", duration_rule_too_wide),
            ("a write into the project from C (torch.save)", write_from_c_into_the_project),
            ("a page that reads a file another page left in its cache", file_left_for_the_next_page),
            ("an untitled text block under code", untitled_output),
            ("an alternative tab that needs the tab before it", alternative_tab_needs_the_one_before),
            ("a page that reaches the network", page_reaches_the_network),
            ("a block that leaves a process running", process_left_running),
            ("a page with the .markdown extension", markdown_extension),
            ("a crash behind a pipe", crash_behind_a_pipe),
            ("a crash after printing", crash_after_printing),
            ("a GPU output edited by hand after its run", gpu_output_edited_by_hand),
        ]
    ),
]


def catch(fault: Fault, project: Path) -> tuple[list[str], subprocess.CompletedProcess]:
    expected = fault.inject(project)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST_", "PYTHONPATH"))}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "0", "-q", "--rootdir", str(project), *fault.tests],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    return expected, result


def selected(config: pytest.Config) -> list[Fault]:
    return FAULTS if config.getoption("all_faults") else [fault for fault in FAULTS if fault.fast]


def catch_shared(faults: list[Fault], project: Path) -> dict[str, tuple[list[str], subprocess.CompletedProcess]]:
    """The shared faults, all in one copy, each on its own page, checked by one run of their tests."""
    expected = {fault.name: fault.inject(project) for fault in faults}
    pages = sorted(path.relative_to(project).as_posix() for path in (project / "docs").glob("fault-*"))
    tests = [*pages, *dict.fromkeys(test for fault in faults for test in fault.tests)]
    _, result = catch(Fault("shared", lambda copy: [], tuple(tests)), project)
    return {name: (fragments, result) for name, fragments in expected.items()}


@pytest.fixture(scope="module")
def caught(request, tmp_path_factory) -> dict[str, tuple[list[str], subprocess.CompletedProcess]]:
    """Every selected fault injected into its own copy (the shared ones into one) and its tests run, several at a
    time."""
    faults = selected(request.config)
    alone, shared = [f for f in faults if not f.shared], [f for f in faults if f.shared]
    copies = [copy_project(tmp_path_factory.mktemp("mutant")) for _ in alone]
    with ThreadPoolExecutor(max_workers=os.cpu_count()) as pool:
        together = (
            pool.submit(catch_shared, shared, copy_project(tmp_path_factory.mktemp("mutant"))) if shared else None
        )
        found = dict(zip((f.name for f in alone), pool.map(catch, alone, copies), strict=True))
        return {**found, **(together.result() if together else {})}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "fault" in metafunc.fixturenames:
        faults = selected(metafunc.config)
        metafunc.parametrize("fault", faults, ids=[fault.name for fault in faults])


def test_the_suite_catches_the_fault_and_names_where_it_is(fault: Fault, caught) -> None:
    expected, result = caught[fault.name]
    output = result.stdout + result.stderr
    assert result.returncode == 1, f"{fault.name}: the tests did not fail (exit {result.returncode}):\n{output[-3000:]}"
    missing = [fragment for fragment in expected if fragment not in output]
    assert not missing, f"{fault.name}: the failure does not say {missing}:\n{output[-5000:]}"
