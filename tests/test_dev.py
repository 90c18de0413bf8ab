"""dev.py, the entry point of every command: where each environment lives, how it is made, on every platform."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

import dev
from primer import environments, lock, watch
from primer.paths import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("folder", "platform", "expected"),
    [
        (PurePosixPath("/p/.venv"), "linux", "/p/.venv/bin/python"),
        (PurePosixPath("/p/.venv"), "darwin", "/p/.venv/bin/python"),
        (PureWindowsPath(r"C:\p\.venv"), "win32", r"C:\p\.venv\Scripts\python.exe"),
    ],
)
def test_an_environments_python_is_where_its_platform_puts_it(folder, platform, expected):
    assert str(environments.interpreter(folder, platform)) == expected


def test_the_interpreter_of_this_platform_is_the_one_running_the_tests():
    assert environments.interpreter(environments.declared()["reference"].folder, sys.platform) == Path(
        sys.executable
    ), "the suite runs in the reference environment, which `uv run` and dev.py make in .venv"


def test_the_reference_is_the_environment_uv_run_makes():
    reference = environments.declared()[environments.REFERENCE]
    assert reference.groups == tuple(PYPROJECT["tool"]["uv"]["default-groups"])
    assert reference.folder == ROOT / ".venv"


@pytest.mark.parametrize("name", list(environments.declared()))
def test_each_environment_installs_declared_groups_and_at_most_one_torch(name):
    env = environments.declared()[name]
    groups = PYPROJECT["dependency-groups"]
    assert set(env.groups) <= set(groups), f"{name} names groups pyproject.toml does not declare"
    torches = {item["group"] for item in PYPROJECT["tool"]["uv"]["conflicts"][0]}
    torch_groups = 1 if env.matrix and not env.given else 0  # a given environment's torch is its machine's
    assert len(torches & set(env.groups)) == torch_groups, f"{name}: one torch group per locked matrix environment"


def test_the_sync_command_names_the_groups_and_the_python_an_environment_needs(monkeypatch):
    monkeypatch.setenv("UV", "uv")
    book = dev.sync_command(environments.declared()["book"])
    assert book[:4] == ["uv", "sync", "--quiet", "--no-default-groups"]
    assert [arg for arg in book if arg.startswith("--group=")] == ["--group=book", "--group=docs", "--group=test"]
    assert book[-2:] == ["--python", "3.11"], "torch 2.0.1 has wheels for Python 3.11 at the newest"
    assert "--python" not in dev.sync_command(environments.declared()["latest"])


def test_commands_run_as_in_a_shell_with_their_environment_activated(monkeypatch):
    monkeypatch.setenv("VIRTUAL_ENV", "/the/environment/uv/made/for/dev.py")
    monkeypatch.setenv("PYTHONUTF8", "0")  # the user's own setting stays
    monkeypatch.delenv("NO_MKDOCS_2_WARNING", raising=False)  # and where there is none, the project's
    python = environments.interpreter(ROOT / ".envs" / "site", sys.platform)
    env = dev.activated(python)
    assert env["VIRTUAL_ENV"] == str(ROOT / ".envs" / "site")
    assert env["PATH"].split(os.pathsep)[0] == str(python.parent)
    assert env["PYTHONUTF8"] == "0" and env["NO_MKDOCS_2_WARNING"] == "1"


def test_without_uv_dev_py_says_how_to_get_it(monkeypatch):
    monkeypatch.delenv("UV", raising=False)
    monkeypatch.setenv("PATH", "")
    with pytest.raises(SystemExit, match="uv/getting-started/installation"):
        environments.uv()


def test_every_command_runs_in_a_declared_environment():
    assert {name for name, _ in dev.COMMANDS.values()} <= set(environments.declared())


def test_the_torch_each_environment_locks_is_the_one_its_group_pins():
    for name in environments.locked():
        pins = [pin for group in environments.declared()[name].groups for pin in PYPROJECT["dependency-groups"][group]]
        (torch_pin,) = [pin for pin in pins if pin.startswith("torch==")]
        assert torch_pin.split(";")[0] == f"torch=={lock.versions(name)['torch']}"


def test_ci_runs_the_matrix_in_every_declared_environment_but_the_reference(capsys):
    # .ci/run and the workflow's matrix job take the list from here: a new environment needs no CI edit, only
    # this list, which is pyproject.toml's today (the reference runs in the suite; gpu is given, never in CI).
    declared = ["latest", "book"]
    assert dev.main(["environments"]) == 0
    assert capsys.readouterr().out.split() == declared
    dev.main(["environments", "--json"])
    assert json.loads(capsys.readouterr().out) == declared


def subcommands() -> set[str]:
    (action,) = [action for action in dev.parser()._actions if isinstance(action, argparse._SubParsersAction)]
    return set(action.choices)


def test_dev_py_documents_exactly_the_commands_it_runs():
    documented = set(re.findall(r"^    (?:uv run|python3) dev\.py (\S+)", dev.__doc__, re.MULTILINE))
    assert documented == subcommands() == {*dev.COMMANDS, *dev.HANDLERS}, dev.__doc__


def test_help_lists_every_command_and_exits_0(capsys):
    with pytest.raises(SystemExit) as ended:
        dev.main(["--help"])
    out = capsys.readouterr().out
    assert ended.value.code == 0
    assert all(f"dev.py {command} " in out for command in subcommands()), out


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        ([], "name a command"),
        (["no-such-command"], "invalid choice: 'no-such-command'"),
        (["test-matrix", "--python"], "argument --python: expected one argument"),
        (["test-matrix", "nosuchenv"], "test-matrix: no environment 'nosuchenv'; one of reference"),
        (["test-matrix", "site"], "no environment 'site'"),  # it builds the site; no example runs in it
        (["gpu-run"], "the following arguments are required: folder"),
        (["lint", "--", "x"], "lint takes no arguments after --"),
    ],
)
def test_a_usage_error_says_what_is_wrong_with_usage_and_exit_code_2(argv, says, capsys, monkeypatch):
    monkeypatch.setattr(subprocess, "run", lambda *args, **kwargs: pytest.fail("a usage error ran something"))
    with pytest.raises(SystemExit) as ended:
        dev.main(argv)
    err = capsys.readouterr().err
    assert ended.value.code == 2 and err.startswith("usage: dev.py") and says in err, err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["docs/tensors.md"], ["-n", "0"]),  # one page: its blocks run in one process anyway
        (["docs/tensors.md::line:12", "--update-outputs"], ["-n", "0"]),
        (["tests/test_dev.py", "-k", "usage"], ["-n", "0"]),
        (["docs/tensors.md", "tests/test_tensors.py"], []),
        (["docs"], []),  # a folder of pages
        ([], []),  # the whole suite
        (["--durations=10"], []),
        (["docs/tensors.md", "-n", "2"], []),  # the caller's count wins
        (["docs/tensors.md", "-n2"], []),
    ],
)
def test_the_worker_count_fits_what_is_selected(args, expected):
    assert dev.workers(args) == expected


def test_an_environment_is_synced_again_only_when_the_lock_or_pyproject_changed(monkeypatch, tmp_path):
    folder = tmp_path / "env"
    python = environments.interpreter(folder, sys.platform)
    python.parent.mkdir(parents=True)
    python.write_text("")
    lock = tmp_path / "uv.lock"
    lock.write_text("locked")
    (tmp_path / "pyproject.toml").write_text("declared")
    monkeypatch.setattr(dev, "ROOT", tmp_path)
    monkeypatch.setattr(environments.Environment, "folder", property(lambda self: folder))
    recorded = Recorded()
    monkeypatch.setattr(subprocess, "run", recorded)
    assert dev.environment("latest") == python
    assert dev.environment("latest") == python
    assert len(recorded.commands) == 1, "unchanged since the last sync: no second one"
    lock.write_text("locked again")
    dev.environment("latest")
    assert len(recorded.commands) == 2, "the lock changed: synced"
    dev.environment("book")
    assert len(recorded.commands) == 3, "another environment's sync command: synced"
    python.unlink()
    dev.environment("book")
    assert len(recorded.commands) == 4, "an environment without its interpreter: made again"


def test_ci_never_runs_the_gpu_environment(capsys):
    """CI has no GPU: the gpu environment is declared for the matrix, but given, and never in CI's list."""
    assert environments.declared()["gpu"].matrix and environments.declared()["gpu"].given
    dev.main(["environments", "--json"])
    assert "gpu" not in json.loads(capsys.readouterr().out)


class Recorded:
    """subprocess.run, recording each command and answering with the exit code `failing` gives it."""

    def __init__(self, failing=lambda command: 0):
        self.commands: list[list[str]] = []
        self.failing = failing

    def __call__(self, command, **kwargs):
        self.commands.append([str(part) for part in command])
        return subprocess.CompletedProcess(command, self.failing(command), stdout="", stderr="")


def test_the_gpu_environment_runs_in_the_given_interpreter_without_sync(monkeypatch, tmp_path):
    python = tmp_path / "bin" / "python"
    python.parent.mkdir()
    python.write_text("")
    python.chmod(0o755)
    recorded = Recorded()
    monkeypatch.setattr(subprocess, "run", recorded)
    assert dev.main(["test-matrix", "gpu", "--python", str(python), "--", "docs/index.md"]) == 0
    assert recorded.commands == [[str(python), "-m", "primer.matrix", "gpu", "docs/index.md"]], "no uv sync"


def gathered(tmp_path, python="3.12.3", platform="manylinux_2_28_x86_64") -> list[str]:
    """The download command gpu-wheels runs (into tmp_path), for a GPU machine's Python and platform: the
    requirements chosen by `python -m primer.lock`, run for real here (the suite's environment has packaging)."""
    recorded, run = Recorded(), subprocess.run
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dev, "environment", lambda name: Path(sys.executable))
        patch.setattr(
            subprocess,
            "run",
            lambda command, **kwargs: (run if "primer.lock" in command else recorded)(command, **kwargs),
        )
        assert dev.main(["gpu-wheels", "--python", python, "--platform", platform, str(tmp_path)]) == 0
    (download,) = recorded.commands
    return download


def test_the_gpu_wheels_are_the_groups_beside_torch_for_the_gpu_machines_python_and_platform(tmp_path):
    download = gathered(tmp_path)
    assert download[download.index("pip") :][:4] == ["pip", "download", "--only-binary=:all:", "--no-deps"]
    assert download[download.index("--python-version") + 1] == "3.12.3"
    # a wheel tagged only for an older glibc (manylinux2014, say) installs there too: pip must be told
    assert {"--platform=manylinux_2_28_x86_64", "--platform=manylinux2014_x86_64"} <= set(download)
    requirements = (tmp_path / dev.REQUIREMENTS).read_text(encoding="utf-8").splitlines()
    assert requirements[0] == f"{dev.TARGET} 3.12.3 manylinux_2_28_x86_64", "gpu-run checks it is that Python"
    assert download[download.index("--requirement") + 1] == str(tmp_path / dev.REQUIREMENTS), "what gpu-run installs"
    names = {line.split("==")[0] for line in requirements[1:]}
    assert {"pytest", "pytest-xdist", "sybil", "mkdocs", "pymdown-extensions", "numpy"} <= names
    assert not {name for name in names if name == "torch" or name.startswith(("nvidia-", "triton"))}
    assert not any(";" in line for line in requirements), "pip, offline, installs exactly these"


@pytest.mark.parametrize("platform", lock.PLATFORMS, ids=lambda platform: platform.wheel_platforms()[0])
@pytest.mark.parametrize("python", lock.pythons(environments.declared()[environments.GPU]))
def test_the_wheels_gathered_are_exactly_those_the_gpu_machines_python_installs(python, platform):
    """Its markers evaluated for that Python and platform, not the one gpu-wheels runs under (which once
    gathered contourpy 1.3.3 for a Python 3.12, whose install then wanted 1.4.0): each exported requirement is
    gathered exactly where its marker holds (tests/test_lock.py checks that the marker values are that
    Python's and platform's)."""
    full = f"{python[0]}.{python[1]}.3"
    chosen = lock.gathered(environments.GPU, full, platform.wheel_platforms()[0])
    values = platform.environment(full)
    exported = lock.exported(environments.declared()[environments.GPU])
    assert chosen["requirements"] == [
        f"{requirement.name}{requirement.specifier}"
        for requirement in exported
        if not requirement.marker or requirement.marker.evaluate(values)
    ]
    assert chosen["wheel_platforms"] == list(platform.wheel_platforms())


def test_the_wheels_gathered_differ_where_the_markers_do():
    """Not one set for every target: the lock's markers name platforms and Pythons (colorama on Windows, say)."""
    gpu = environments.GPU
    sets = {
        (python, platform.sys_platform): tuple(
            lock.gathered(gpu, f"3.{python[1]}.3", platform.wheel_platforms()[0])["requirements"]
        )
        for python in lock.pythons(environments.declared()[gpu])
        for platform in lock.PLATFORMS
    }
    assert len({*sets.values()}) > 1
    assert (
        len(
            {chosen for (_, system), chosen in sets.items() if system == "win32"}
            & {chosen for (_, system), chosen in sets.items() if system != "win32"}
        )
        == 0
    )


@pytest.mark.parametrize(
    ("python", "platform", "says"),
    [
        ("3.12", "manylinux_2_28_x86_64", "'3.12' is no full Python version"),
        ("3.12.3", "linux", "'linux' is no wheel platform of uv.lock's platforms"),
    ],
)
def test_gpu_wheels_needs_a_full_python_version_and_a_wheel_platform(
    python, platform, says, tmp_path, capsys, monkeypatch
):
    monkeypatch.setattr(dev, "environment", lambda name: Path(sys.executable))
    with pytest.raises(SystemExit) as ended:
        dev.main(["gpu-wheels", "--python", python, "--platform", platform, str(tmp_path)])
    err = capsys.readouterr().err
    assert ended.value.code == 2 and f"gpu-wheels: {says}" in err, err
    assert not (tmp_path / dev.REQUIREMENTS).exists()


THIS_PYTHON = ".".join(map(str, sys.version_info[:3]))


def wheel_folder(tmp_path, python=THIS_PYTHON):
    (tmp_path / dev.REQUIREMENTS).write_text(f"{dev.TARGET} {python} manylinux_2_28_x86_64\nsybil==10.1.0\n")
    return tmp_path


def test_a_gpu_run_installs_offline_beside_the_machines_torch_then_runs_everything(monkeypatch, tmp_path):
    recorded = Recorded()
    monkeypatch.setattr(subprocess, "run", recorded)
    ran = []
    monkeypatch.setattr(dev, "pytest_ran_to_its_end", lambda command, env: ran.append(command) or 1)
    monkeypatch.setattr(dev, "test_matrix", lambda names, python, pytest_args: ran.append([*names, python]) or 0)
    assert dev.main(["gpu-run", str(wheel_folder(tmp_path))]) == 1, "a failing step fails the run"
    folder = environments.declared()["gpu"].folder
    python = str(environments.interpreter(folder, sys.platform))
    venv, install, has_torch, cuda, benchmark = recorded.commands
    assert has_torch[-2:] == ["-c", "import torch"], "a Python without torch stops, saying so"
    assert venv[1:] == ["-m", "venv", "--clear", "--system-site-packages", str(folder)], "the machine's own torch"
    assert install[:4] == [python, "-m", "pip", "install"] and "--no-index" in install
    assert install[install.index("--find-links") + 1] == str(tmp_path)
    assert install[install.index("--requirement") + 1] == str(tmp_path / dev.REQUIREMENTS), "what was gathered"
    assert cuda[0] == python and "torch.cuda.is_available()" in cuda[-1]
    assert ran == [[Path(python), "-m", "pytest", "--environment=gpu"], ["gpu", python]]
    assert benchmark[1:] == ["-m", "benchmarks.matmul", "matmul-gpu"], "the suite failing runs the rest"


def test_a_gpu_run_stops_where_the_machine_has_no_cuda_gpu_saying_so(monkeypatch, tmp_path):
    monkeypatch.setattr(subprocess, "run", Recorded(lambda command: "torch.cuda" in command[-1]))
    monkeypatch.setattr(dev, "pytest_ran_to_its_end", lambda command, env: pytest.fail("the suite ran"))
    with pytest.raises(SystemExit, match=r"gpu-run stopped: .*torch finds no CUDA GPU on this machine"):
        dev.main(["gpu-run", str(wheel_folder(tmp_path))])


def test_a_gpu_run_refuses_wheels_gathered_for_another_python(monkeypatch, tmp_path):
    monkeypatch.setattr(subprocess, "run", lambda *args, **kwargs: pytest.fail("it ran something"))
    other = f"3.{sys.version_info[1] + 1}.0"
    with pytest.raises(SystemExit, match=rf"are for Python {other}, this is .*gpu-wheels --python"):
        dev.main(["gpu-run", str(wheel_folder(tmp_path, other))])


# The watch: the newest torch on PyPI against the latest environment's Output blocks.


@pytest.mark.parametrize(
    ("nodeid", "expected"),
    [
        ("docs/common-errors.md::sybil:docs,line:519,column:1", "docs/common-errors.md:519"),
        ("README.md::line 291", "README.md:291"),
        (
            "tests/test_notebooks.py::test_notebook_runs_in_a_fresh_kernel_and_shows_what_the_page_shows[tensors]",
            "docs/notebooks/tensors.ipynb",
        ),
        ("docs/tensors.md::sybil:docs", "docs/tensors.md::sybil:docs"),  # no block named: the test itself
    ],
)
def test_the_watch_names_each_differing_block_by_page_and_line(nodeid, expected):
    assert watch.block(nodeid) == expected


def test_the_watch_says_why_a_block_failed_where_the_failure_names_it():
    failure = (
        "Example at /p/docs/gpu-training.md, line 378, column 1 did not evaluate as expected:\n"
        "docs/gpu-training.md:378: `python ddp_spawn.py` did not finish within 120 s; it was killed\n"
    )
    assert (
        watch.reason("docs/gpu-training.md:378", failure)
        == "`python ddp_spawn.py` did not finish within 120 s; it was killed"
    )
    assert watch.reason("docs/gpu-training.md:37", failure) == "", "only the block's own line"


def test_the_watch_lists_every_differing_block_and_says_when_none_differs():
    listed = watch.summary("2.16.0+cu130", "2.15.0", ["docs/tensors.md:40", "docs/notebooks/tensors.ipynb"])
    assert listed.splitlines() == [
        "watch: torch 2.16.0+cu130 (the latest environment locks 2.15.0): 2 block(s) print otherwise than the "
        "latest environment's Output blocks:",
        "  docs/tensors.md:40",
        "  docs/notebooks/tensors.ipynb",
    ]
    assert "every block prints what" in watch.summary("2.15.0+cu130", "2.15.0", [])


def test_the_watch_installs_the_newest_torch_and_numpy_beside_the_latest_environments_other_groups():
    assert dev.torch_groups() == {"reference", "latest", "book"}
    requirements = dev.watch_requirements()
    assert requirements[:2] == ["torch", "numpy"], "no version: the newest release on PyPI"
    names = [re.split(r"[=; ]", line)[0] for line in requirements[2:]]
    assert "torch" not in names and "numpy" not in names and not any(name.startswith("nvidia") for name in names)
    assert all("==" in line for line in requirements[2:]), "the rest as uv.lock pins it"
    locked = lock.versions("latest")
    for name in ("pytest", "sybil", "mkdocs"):  # the checks' own tools, from the latest environment's groups
        assert f"{name}=={locked[name]}" in "\n".join(requirements), name


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["docs/nope.md"], "dev.py: no tests ran: docs/nope.md does not exist"),
        (["docs/nope.md::line:3", "-k", "x"], "docs/nope.md does not exist"),
        (["primer/lock.py"], "pytest collects no test from primer/lock.py (it collects from tests, docs, README.md"),
        (["-k", "no_such_test"], ""),  # nothing named: pytest's summary says what it deselected
    ],
)
def test_a_test_run_that_ran_nothing_says_why(args, says, monkeypatch, capsys):
    monkeypatch.setattr(dev, "environment", lambda name: Path(sys.executable))
    monkeypatch.setattr(dev, "pytest_ran_to_its_end", lambda command, env: dev.NO_TESTS)
    assert dev.main(["test", *args]) == dev.NO_TESTS
    out = capsys.readouterr().out
    assert says in out and (says or not out), out


def test_dev_py_run_takes_a_chapters_name_and_says_which_where_it_is_none(capsys):
    from primer import chapters, run_chapter

    with pytest.raises(SystemExit) as ended:
        run_chapter.main(["toy_data"])  # a helper module, not a chapter
    assert "'toy_data' is no chapter; it runs one of" in str(ended.value)
    assert all(chapter in str(ended.value) for chapter in chapters.chapters())


def test_dev_py_run_runs_the_code_a_chapter_shows_in_its_scratch_folder(monkeypatch, tmp_path, capsys):
    """A chapter named as its page is (`computation-graphs`), its code in snippets modules of any name."""
    from primer import paths, run_chapter

    monkeypatch.setattr(paths, "ROOT", tmp_path)
    monkeypatch.chdir(tmp_path)
    run_chapter.main(["computation-graphs"])
    assert "dev.py run: snippets/computation_graphs.py" in capsys.readouterr().out
    assert Path.cwd() == tmp_path / ".scratch" / "computation-graphs"
    modules, files, commands = run_chapter.code_of("gpu-training")  # its page has no module of its name
    assert modules and all((paths.SNIPPETS / f"{module}.py").is_file() for module in modules)
    assert files and all(any(name in command for command in commands) for name in files), "each saved file is started"
