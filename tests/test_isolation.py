"""A page cannot hang the checks, end them early, reach the network or the project, or change another page's
result.

Each case is an honest mistake a page can make; each fails, in bounded time, naming the page line.
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


def running(word: str) -> list[str]:
    """The live processes whose command line holds `word`: a word made unique to the test (its process's pid), so
    that it never sees another run's processes on a shared machine."""
    import psutil

    found = []
    for process in psutil.process_iter(["cmdline", "status"]):
        if process.info["status"] != psutil.STATUS_ZOMBIE and word in " ".join(process.info["cmdline"] or ()):
            found.append(process.pid)
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
    assert "docs/page.md:3 (code: docs/page.md:4-6) left thread Thread-1 (sleep) running" in out


def test_a_console_pipeline_that_never_ends_is_killed_whole(project):
    name = f"spin_forever_{os.getpid()}.py"
    script = f'{FENCE}python title="{name}"\nwhile True:\n    pass\n{FENCE}\n'
    write_page(project, script, console(f"python {name} | cat"))
    result, out, seconds = timed(project, TIMEOUT)
    result.assert_outcomes(passed=1, failed=1)
    assert seconds < 20
    assert f"docs/page.md:8: `python {name} | cat` did not finish within 1 s; it and everything" in out
    assert not running(name)


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


@pytest.mark.parametrize(
    "write",
    [
        python("import torch\n\ntorch.save(torch.zeros(1), {evil!r})\n"),  # from C, as a library writes
        console("echo x > {evil}"),
        python("open({page!r}, 'a').write('changed')\n"),
    ],
    ids=["torch.save", "console", "a tracked file"],
)
def test_a_page_that_writes_into_the_project_fails_naming_the_file(project, write):
    subprocess.run(["git", "init", "-q"], cwd=project.path, check=True)
    page, evil = project.path / "docs" / "page.md", project.path / "docs" / "evil.md"
    write_page(project, write.format(evil=str(evil), page=str(page)))
    subprocess.run(["git", "add", "docs/page.md"], cwd=project.path, check=True)
    result, out, _ = timed(project)
    assert result.ret == 1
    changed = "docs/page.md" if "page" in write else "docs/evil.md"
    assert f"docs/page.md: while this page ran, these files of the project changed: {changed}." in out


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


def test_a_process_a_command_leaves_outside_its_tree_ends_with_the_command(project):
    """Found by a review: `setsid cmd &` outlived its console block, its parent reaped before it was looked for."""
    seconds = f"302.{os.getpid()}"
    write_page(project, console(f"setsid sleep {seconds} > /dev/null 2>&1 &"))
    timed(project)[0].assert_outcomes(passed=1)
    assert not running(f"sleep {seconds}")


def test_a_command_whose_process_leaves_its_group_is_still_bounded(project):
    dependencies.only_on("linux", "setsid is a Linux command")
    write_page(project, console("setsid sleep 30"))
    result, out, seconds = timed(project, TIMEOUT)
    result.assert_outcomes(failed=1)
    assert seconds < 15  # not the 30 s of the process that left
    assert "`setsid sleep 30` did not finish within 1 s" in out


@pytest.mark.parametrize(
    ("code", "left"),
    [
        ("import subprocess\n\nchild = subprocess.Popen(['sleep', '301'], start_new_session=True)\n", "process"),
        (
            "import subprocess, sys\n\n"  # a grandchild in a session of its own, whose parent has ended
            "done = subprocess.run([sys.executable, '-c', 'import subprocess; "
            'subprocess.Popen(["sleep", "301"], start_new_session=True)\'], check=True)\n',
            "process",
        ),
        ("import threading, time\n\nthreading.Thread(target=time.sleep, args=(301,), daemon=True).start()\n", "thread"),
    ],
    ids=["session-of-its-own", "orphan", "daemon-thread"],
)
def test_what_a_block_leaves_running_fails_it_and_ends_with_the_page(project, code, left):
    """What a block leaves running could print into a later block's output: it fails the block that started it.
    Processes end with the page, those in sessions of their own too (on Linux, orphans too: the page process is
    their subreaper)."""
    if "orphan" in code:
        dependencies.only_on("linux", "elsewhere an orphan leaves the page's process tree")
    seconds = f"301.{os.getpid()}"  # a sleep of this test's own, which no other run starts
    write_page(project, python(code.replace("301", seconds)))
    result, out, _ = timed(project)
    result.assert_outcomes(failed=1)
    assert "docs/page.md:3 (code: docs/page.md:4-" in out and f") left {left} " in out
    assert not running(f"sleep {seconds}")


def test_a_file_a_page_leaves_in_its_home_cache_or_temp_folder_is_not_there_for_the_next(project):
    """Each page has its own HOME (a download cache under ~/.cache, a config file) and temp folder, and so do the
    commands of its console blocks."""
    folders = (
        "import os, pathlib, tempfile\n\n"
        "home = pathlib.Path.home()\n"
        "folders = [tempfile.gettempdir(), home, home / '.cache', os.environ['XDG_CACHE_HOME']]\n"
    )
    leave = (
        folders
        + "for folder in folders:\n    os.makedirs(folder, exist_ok=True)\n"
        + "    open(os.path.join(folder, 'left'), 'w').close()\n"
    )
    look = folders + "print([os.path.exists(os.path.join(folder, 'left')) for folder in folders])\n"
    (project.path / "docs" / "a_leaves.md").write_text(python(leave))
    listed = console('ls "$HOME" "$TMPDIR" | grep -c left || true', "0\n")
    (project.path / "docs" / "b_looks.md").write_text(python(look, "[False, False, False, False]\n") + "\n" + listed)
    timed(project)[0].assert_outcomes(passed=3)


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("import socket\n\nsocket.create_connection(('192.0.2.1', 80), timeout=30)\n", "'192.0.2.1'"),
        ("import urllib.request\n\nurllib.request.urlopen('http://example.com', timeout=30)\n", "'example.com'"),
    ],
    ids=["address", "name"],
)
def test_a_page_that_connects_anywhere_but_this_machine_fails_saying_so(project, code, says):
    write_page(project, python(code))
    result, out, seconds = timed(project)
    result.assert_outcomes(failed=1)
    assert f"PermissionError: a page may connect only to this machine (loopback), not to {says}" in out
    assert seconds < 20  # refused at once, not after a network timeout


def test_a_console_commands_python_is_held_to_the_same_network_rule(project):
    write_page(project, console("python -c \"import socket; socket.getaddrinfo('example.com', 80)\""))
    result, out, _ = timed(project)
    result.assert_outcomes(failed=1)
    assert "a page may connect only to this machine (loopback), not to 'example.com'" in out


def test_a_console_commands_python_still_runs_the_sitecustomize_pythonpath_names(project, monkeypatch, tmp_path):
    """The harness's own sitecustomize comes first on PYTHONPATH; the one it hides still runs after it (the macOS
    CI job's, which keeps torch on the CPU)."""
    (tmp_path / "sitecustomize.py").write_text("import os\n\nos.environ['SHADOWED'] = 'ran'\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    write_page(project, console("python -c \"import os; print(os.environ.get('SHADOWED'))\"", "ran\n"))
    timed(project)[0].assert_outcomes(passed=1)


def test_loopback_stays_open(project):
    code = (
        "import socket\n\nserver = socket.create_server(('127.0.0.1', 0))\n"
        "with socket.create_connection(server.getsockname()) as client:\n    print('connected')\nserver.close()\n"
    )
    write_page(project, python(code, "connected\n"))
    timed(project)[0].assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("data = bytearray(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES'))\n", "MemoryError"),
        ("with open('big', 'wb') as file:\n    file.seek(1 << 31)\n    file.write(b'x')\n", "File too large"),
    ],
    ids=["memory", "file-size"],
)
def test_a_runaway_page_is_stopped_by_a_resource_limit_not_the_machine(project, code, says):
    dependencies.only_on("linux", "the memory limit is Linux's (RLIMIT_DATA); Windows has none")
    write_page(project, python("import os\n\n" + code))
    result, out, seconds = timed(project)
    result.assert_outcomes(failed=1)
    assert says in out and seconds < 30


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
