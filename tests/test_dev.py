"""dev.py, the entry point of every command: where each environment lives, how it is made, on every platform."""

from __future__ import annotations

import json
import os
import re
import sys
import tomllib
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

import dev
from primer import environments
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
    assert len(torches & set(env.groups)) == (1 if env.matrix else 0), f"{name}: one torch group per matrix environment"


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
    for name in environments.names():
        pins = [pin for group in environments.declared()[name].groups for pin in PYPROJECT["dependency-groups"][group]]
        (torch_pin,) = [pin for pin in pins if pin.startswith("torch==")]
        assert torch_pin.split(";")[0] == f"torch=={environments.locked_versions(name)['torch']}"


def test_ci_runs_the_matrix_in_every_declared_environment_but_the_reference(capsys):
    # .ci/run and the workflow's matrix job take the list from here: a new environment needs no CI edit.
    declared = [name for name, env in environments.declared().items() if env.matrix and name != "reference"]
    assert dev.main(["environments"]) == 0
    assert capsys.readouterr().out.split() == declared
    dev.main(["environments", "--json"])
    assert json.loads(capsys.readouterr().out) == declared


def test_without_a_known_command_dev_py_lists_every_command_it_runs():
    with pytest.raises(SystemExit) as listed:
        dev.main(["no-such-command"])
    usage = str(listed.value)
    documented = set(re.findall(r"^    uv run dev\.py (\S+)", usage, re.MULTILINE))
    assert documented == {*dev.COMMANDS, "lint", "test-matrix", "environments"}, usage
