"""A page cannot hang the checks, fool them, end them early, or change another page's result.

Each case is what a careless or hostile page does; each fails, in bounded time, naming the page line.
Like test_harness.py, each test runs the harness on a small project of its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import dependencies, hostile
from tests.small_project import FENCE, run, write_page

TIMEOUT = "--block-timeout=1"  # for the blocks that never end: a second of a core each


def python(code: str, output: str | None = None, title: str = "Output") -> str:
    shown = f'\n{FENCE}text title="{title}"\n{output}{FENCE}\n' if output is not None else ""
    return f"{FENCE}python\n{code}{FENCE}\n{shown}"


def console(command: str, output: str | None = None) -> str:
    shown = f'\n{FENCE}text title="Output"\n{output}{FENCE}\n' if output is not None else ""
    return f"{FENCE}console\n$ {command}\n{FENCE}\n{shown}"


def timed(project, *args: str) -> tuple[pytest.RunResult, str, float]:
    started = time.monotonic()
    result, out = run(project, *args)
    return result, out, time.monotonic() - started


def processes_running(word: str) -> list[str]:
    """The command lines of the live processes that mention `word` (zombies have none)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if word in text:
            found.append(text)
    return found


def test_a_block_that_never_ends_fails_in_bounded_time_and_so_do_the_blocks_after_it(project):
    write_page(project, python("while True:\n    pass\n"), python("print(1)\n", "1\n"))
    result, out, seconds = timed(project, TIMEOUT)
    result.assert_outcomes(failed=2)
    assert seconds < 20
    assert "docs/page.md:3 (code: docs/page.md:4-5): did not finish within 1 s; the page's process" in out
    assert "docs/page.md:8 (code: docs/page.md:9-9): the page's process was stopped at an earlier block" in out


def test_a_thread_left_running_fails_the_block_that_started_it_and_hangs_nothing(project):
    write_page(project, python("import threading, time\n\nthreading.Thread(target=time.sleep, args=(600,)).start()\n"))
    result, out, seconds = timed(project)
    result.assert_outcomes(failed=1)
    assert seconds < 20
    assert "docs/page.md:3 (code: docs/page.md:4-6) left threads running (Thread-1 (sleep))" in out


def test_a_console_pipeline_that_never_ends_is_killed_whole(project):
    dependencies.only_on("linux", "lists the processes left running from /proc")
    script = f'{FENCE}python title="spin_forever.py"\nwhile True:\n    pass\n{FENCE}\n'
    write_page(project, script, console("python spin_forever.py | cat"))
    result, out, seconds = timed(project, TIMEOUT)
    result.assert_outcomes(passed=1, failed=1)
    assert seconds < 20
    assert "docs/page.md:8: `python spin_forever.py | cat` did not finish within 1 s; it and everything" in out
    assert not processes_running("spin_forever.py")


def test_a_block_that_ends_the_interpreter_fails_and_the_other_pages_still_run(project):
    write_page(project, python("import os\n\nos._exit(0)\n"), python("print(1)\n", "1\n"))
    (project.path / "docs" / "later.md").write_text(python("print(2)\n", "2\n"))
    result, out, _ = timed(project)
    result.assert_outcomes(passed=1, failed=2)
    assert "docs/page.md:3 (code: docs/page.md:4-6): the page's process ended (exit code 0) while it ran" in out
    assert "docs/page.md:9 (code: docs/page.md:10-10): the page's process ended (exit code 0) at an earlier" in out


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("raise SystemExit(0)", "SystemExit"),
        ("import sys; sys.exit(3)", "SystemExit"),
        ("raise KeyboardInterrupt", "KeyboardInterrupt"),
    ],
)
def test_exiting_or_interrupting_fails_the_block_even_where_the_page_shows_it(project, code, name):
    write_page(project, python(code + "\n", f"{name}\n"), python("print(1)\n", "1\n"))
    result, out, _ = timed(project)
    result.assert_outcomes(passed=1, failed=1)
    assert f"docs/page.md:3 (code: docs/page.md:4-4) raised {name}, which ends a reader's script or session" in out


POISON = """\
import builtins, random, warnings

import numpy
import torch

import primer.verify.outputs

torch.set_default_dtype(torch.float64)
torch.set_grad_enabled(False)
torch.set_printoptions(precision=1)
numpy.set_printoptions(precision=1)
torch.manual_seed(0)
warnings.simplefilter("ignore")
primer.verify.outputs.matches = lambda *args: True
builtins.print = lambda *args, **kwargs: None
"""
VICTIM = """\
import numpy
import torch

print(torch.tensor([0.123456]), torch.tensor([1.0]).dtype, torch.is_grad_enabled())
print(numpy.array([0.123456]))
"""


def test_no_page_can_change_another_pages_result(project):
    """A page that changes every global setting it can, and patches the harness, runs first, in the same
    harness process as the page after it: that page still prints what a fresh interpreter prints, and its
    wrong Output block still fails."""
    (project.path / "docs" / "a_poison.md").write_text(python(POISON))
    victim = python(VICTIM, "tensor([0.1235]) torch.float32 True\n[0.123456]\n") + "\n" + python("print(1)\n", "2\n")
    (project.path / "docs" / "b_victim.md").write_text(victim)
    result, out, _ = timed(project)
    result.assert_outcomes(passed=2, failed=1)
    assert "docs/b_victim.md:14 (code: docs/b_victim.md:15-15): the Output block differs" in out


@pytest.mark.parametrize("title", ["Output\u200b", "output", "Outputs", "\uff2futput"])
def test_a_block_titled_like_an_output_block_that_is_not_one_fails(project, title):
    write_page(project, python("print(6)\n", "6\n"), f'\n{FENCE}text title="{title}"\n7\n{FENCE}\n')
    result, out, _ = timed(project)
    result.assert_outcomes(passed=1, failed=1)
    assert f"docs/page.md:12: a block titled {title!r} reads as an Output block, and is not one" in out


def test_page_code_cannot_write_into_the_project(project):
    target = project.path / "docs" / "page.md"
    page = write_page(project, python(f"open({str(target)!r}, 'w').write('changed')\n"))
    before = page.read_text()
    result, out, _ = timed(project)
    result.assert_outcomes(failed=1)
    assert "PermissionError: page code may not write into the project" in out
    assert page.read_text() == before


def test_a_file_block_counts_as_run_only_if_a_python_process_ran_it(project):
    script = f'{FENCE}python title="train.py"\nprint("trained")\n{FENCE}\n'
    write_page(project, script, console("ls train.py", "train.py\n"))
    result, out, _ = timed(project)
    result.assert_outcomes(passed=1, failed=1)
    assert "docs/page.md:7: names the file block(s) train.py, but no Python process ran them" in out
    write_page(project, script, console("python train.py", "trained\n"))
    timed(project)[0].assert_outcomes(passed=2)


@pytest.mark.parametrize(
    "code",
    [
        "import torch\n\nprint(torch.rand(1))\n",  # unseeded: the same in every fresh interpreter of one torch build
        "import os\n\nfor name in 'abcdefgh':\n    open(name, 'w').close()\nprint(os.listdir())\n",
        "print(list({'alpha', 'beta', 'gamma', 'delta', 'epsilon'}))\n",
        "print(hex(id(object())))\n",
    ],
    ids=["torch-rand", "listdir", "set-order", "id"],
)
def test_output_that_depends_on_chance_fails_the_perturbed_run(project, code):
    page = write_page(project, python(code, ""))
    run(project, "--update-outputs")[0].assert_outcomes(passed=1)
    assert "title=" in page.read_text()
    # A fixed seed: deterministic (a random one keeps a set's order once in 120 runs), and one zygote for all cases.
    run(project, "--perturb=7")[0].assert_outcomes(failed=1)


def test_output_with_carriage_returns_and_line_separators_is_shown_and_rewritten_as_compared(project):
    page = write_page(project, python("print('10%\\r100%')\nprint('a\\u2028b\\x1b[1m!\\x1b[0m')\n", ""))
    run(project, "--update-outputs")[0].assert_outcomes(passed=1)
    assert '```text title="Output"\n100%\na\\u2028b!\n```' in page.read_text()
    run(project)[0].assert_outcomes(passed=1)


def test_a_pytest_run_that_ends_before_its_summary_is_not_green(tmp_path):
    import dev

    test = tmp_path / "test_exits.py"
    test.write_text("import os\n\n\ndef test_exits():\n    os._exit(0)\n")
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "primer.verify.plugin", str(test)]
    env = {**os.environ, "PYTHONPATH": str(Path(dev.__file__).parent)}
    assert subprocess.run(command, cwd=tmp_path, env=env, capture_output=True).returncode == 0  # pytest alone
    assert dev.pytest_ran_to_its_end(command, env) == 1


def test_an_include_reached_through_a_symbolic_link_is_refused_by_the_checks_and_the_site(project, tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("not the project's\n")
    (project.path / "code" / "secret.txt").symlink_to(outside)
    write_page(project, f'{FENCE}text\n--8<-- "code/secret.txt"\n{FENCE}\n')
    result, out, _ = timed(project)
    result.assert_outcomes(failed=1)
    assert "docs/page.md:4: Snippet at path 'code/secret.txt' is reached through a symbolic link: refused" in out

    import markdown

    from primer import site_hooks

    config = {"markdown_extensions": ["pymdownx.snippets"], "mdx_configs": {"pymdownx.snippets": {}}}
    site = markdown.Markdown(extensions=site_hooks.on_config(config)["markdown_extensions"])
    os.chdir(project.path)  # the site resolves includes from the project's folder
    with pytest.raises(Exception, match="reached through a symbolic link"):
        site.convert('--8<-- "code/secret.txt"\n')


def test_markup_that_could_hide_or_draw_text_is_refused(project):
    from primer.verify import guard

    page = write_page(
        project,
        '<style>.md-typeset pre::after { content: "6" }</style>\n',
        '<div style="display: none" markdown>\n\n' + python("print(6)\n", "6\n") + "\n</div>\n",
        "Hidden text\n{ hidden }\n",
        '<figure markdown="span" onclick="steal()">\n  <figcaption>A caption</figcaption>\n</figure>\n',
        python("print('<style> in code is fine')\n"),
    )
    assert guard.hidden_markup(page, project.path / "mkdocs.yml") == [
        "docs/page.md:3: raw HTML <style>, which the pages may not hold",
        "docs/page.md:5: raw HTML <div>, which the pages may not hold",
        "docs/page.md:18: an attribute list sets hidden",
        "docs/page.md:20: <figure> with onclick, which it may not have",
    ]


def test_a_page_that_forks_shows_what_both_print_and_gets_the_answers_of_its_own_process_only(project):
    """Both processes print, as on a reader's terminal (the page waits for its copy, so that both lines belong to
    the block); only the page's own process reports on the block."""
    code = "import os\n\npid = os.fork()\nprint('A')\nif pid:\n    os.waitpid(pid, 0)\n"
    write_page(project, python(code, "A\nA\n"), python("print('B')\n", "B\n"))
    timed(project)[0].assert_outcomes(passed=2)


def test_classes_a_page_defines_live_in_its_main_module_as_a_scripts_do(project):
    code = "import pickle\n\n\nclass Point:\n    pass\n\n\nprint(type(pickle.loads(pickle.dumps(Point()))).__name__)\n"
    write_page(project, python(code, "Point\n"))
    timed(project)[0].assert_outcomes(passed=1)


def test_a_command_whose_process_leaves_its_group_is_still_bounded(project):
    dependencies.only_on("linux", "setsid is a Linux command")
    write_page(project, console("setsid sleep 30"))
    result, out, seconds = timed(project, TIMEOUT)
    result.assert_outcomes(failed=1)
    assert seconds < 15  # not the 30 s of the process that left
    assert "`setsid sleep 30` did not finish within 1 s" in out


WRITES = {
    "dir_fd": (
        "import os\n\nfolder = os.open({docs!r}, os.O_RDONLY)\n"
        "os.open('evil.md', os.O_CREAT | os.O_WRONLY, dir_fd=folder)\n"
    ),
    "hard link": "import os\n\nopen('mine', 'w').close()\nos.link('mine', {evil!r})\n",
    "a shell": "import subprocess\n\nsubprocess.run(['bash', '-c', 'echo x > {evil}'], check=True)\n",
    "torch.save": "import torch\n\ntorch.save(torch.zeros(1), {evil!r})\n",
    "sqlite3": "import sqlite3\n\nsqlite3.connect({evil!r}).execute('create table t (x)')\n",
}


@pytest.mark.parametrize("route", WRITES)
def test_page_code_cannot_write_into_the_project_by_any_route(project, route):
    docs = project.path / "docs"
    write_page(project, python(WRITES[route].format(docs=str(docs), evil=str(docs / "evil.md"))))
    result, out, _ = timed(project)
    result.assert_outcomes(failed=1)
    assert "docs/page.md:3" in out
    assert not (docs / "evil.md").exists()


def test_a_console_command_cannot_write_into_the_project(project):
    write_page(project, console('echo x > "$PRIMER_PROJECT/docs/evil.md"'))
    timed(project)[0].assert_outcomes(failed=1)
    assert not (project.path / "docs" / "evil.md").exists()


def test_without_a_sandbox_a_write_the_audit_hook_does_not_see_fails_the_page_that_made_it(project):
    """torch.save writes from C; without a sandbox the project is compared after each page."""
    evil = project.path / "docs" / "evil.md"
    write_page(project, python(WRITES["torch.save"].format(evil=str(evil))))
    result, out, _ = timed(project, "--no-sandbox")
    assert result.ret == 1
    assert "docs/page.md: while this page ran, the project's files changed" in out and "docs/evil.md" in out
    assert "pages run without a sandbox (--no-sandbox)" in out


def test_a_process_in_a_session_of_its_own_dies_with_the_page(project):
    dependencies.only_on("linux", "the sandbox's PID namespace is Linux's")
    code = "import subprocess\n\nleft = subprocess.Popen(['sleep', '301'], start_new_session=True)\n"
    write_page(project, python(code))
    timed(project)[0].assert_outcomes(passed=1)
    deadline = time.monotonic() + 10  # the page's init dies with its parent, a signal the kernel sends at once
    while processes_running("sleep 301") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not processes_running("sleep 301")


def test_a_file_a_page_leaves_in_the_temp_folder_is_not_there_for_the_next(project):
    folders = "import os, tempfile\n\nfolders = ['/tmp', tempfile.gettempdir()]\n"
    leave = folders + "for folder in folders:\n    open(folder + '/left', 'w').close()\n"
    look = folders + "print([os.path.exists(folder + '/left') for folder in folders])\n"
    (project.path / "docs" / "a_leaves.md").write_text(python(leave))
    expected = "[False, False]\n" if sys.platform == "linux" else "[True, False]\n"  # no sandbox: /tmp is shared
    (project.path / "docs" / "b_looks.md").write_text(python(look, expected))
    timed(project)[0].assert_outcomes(passed=2)


def test_half_a_message_from_the_page_ends_its_page_in_bounded_time(project):
    write_page(project, python(hostile.HALF_A_MESSAGE), python("print(1)\n", "1\n"))
    result, out, seconds = timed(project, TIMEOUT)
    result.assert_outcomes(failed=2)
    assert seconds < 20
    assert "did not finish within 1 s" in out


def test_a_page_that_stops_the_zygote_ends_no_other_page(project):
    """Without a sandbox a page can reach the zygote it was forked from; the next page gets a new one."""
    dependencies.only_on("linux", "only Linux forks pages from a zygote")
    stop = "import os, signal\n\nos.kill(os.getppid(), signal.SIGSTOP)\n"
    (project.path / "docs" / "a_stops.md").write_text(python(stop))
    (project.path / "docs" / "b_runs.md").write_text(python("print(1)\n", "1\n"))
    result, _, seconds = timed(project, "--no-sandbox")
    result.assert_outcomes(passed=2)
    assert seconds < 60  # the zygote's answer waited for, and a new one started: bounded, where it once hung


def test_what_a_block_printed_cannot_be_forged_by_patching_the_page_process(project):
    write_page(project, python(hostile.FORGED_RUNNER), python("print(2 + 2)\n", "5\n"))
    result, out, _ = timed(project)
    result.assert_outcomes(passed=1, failed=1)
    assert "-5\n+4" in out


def test_a_crash_keeps_what_was_printed_before_it(project):
    write_page(project, python(hostile.CRASH_AFTER_PRINTING))
    result, out, _ = timed(project)
    result.assert_outcomes(failed=1)
    assert "the page's process ended (exit code 1) while it ran this block" in out and "before the crash" in out


def test_a_pipe_does_not_hide_a_commands_failure(project):
    write_page(project, console(hostile.CRASH_BEHIND_A_PIPE))
    result, out, _ = timed(project)
    result.assert_outcomes(failed=1)
    assert "exited with 3" in out
