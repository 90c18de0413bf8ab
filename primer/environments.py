"""The environments the examples are verified in, and where each lives.

Each is declared in pyproject.toml ([tool.primer.environments]) as the dependency groups it installs from
uv.lock, and made by dev.py; `uv run dev.py test-matrix ENV` tells the checks which one they run in
(pytest's `--environment`), any other run is the reference. Standard library only: dev.py imports it before
any environment exists.
"""

from __future__ import annotations

import functools
import os
import shutil
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from primer.paths import ROOT

REFERENCE = "reference"  # the outputs on the pages come from it
GPU = "gpu"  # a machine's own CUDA torch, given: the one environment that runs on an NVIDIA GPU
# What the project's commands run with where the user has not set them: no banner about MkDocs 2 on every
# build, and files read as UTF-8 on every platform (Windows' code page aside).
DEFAULT_VARIABLES = {"NO_MKDOCS_2_WARNING": "1", "PYTHONUTF8": "1"}


@dataclass(frozen=True)
class Environment:
    name: str
    groups: tuple[str, ...]  # the dependency groups it installs, one of them its torch
    python: str | None  # a Python version it needs (uv finds or downloads it); None: the one uv picks
    matrix: bool  # whether the examples are verified in it (`site` only builds the site)
    # The interpreter is given, not made from uv.lock: a machine's own CUDA torch (`gpu`), with the groups
    # installed beside it by `dev.py gpu-run`. CI, which has no GPU, never runs it.
    given: bool = False

    @property
    def group_options(self) -> list[str]:
        """How uv is told to install exactly these groups, and no others."""
        return ["--no-default-groups", *(f"--group={group}" for group in self.groups)]

    @property
    def folder(self) -> Path:
        """Where it lives: the reference in `.venv`, where `uv run` finds it; the others beside it."""
        return ROOT / ".venv" if self.name == REFERENCE else ROOT / ".envs" / self.name


def uv() -> str:
    """uv itself: the one that started this process (`uv run` names itself in UV), else the one on the PATH."""
    found = os.environ.get("UV") or shutil.which("uv")
    if not found:
        sys.exit("this needs uv: see https://docs.astral.sh/uv/getting-started/installation/")
    return found


def interpreter(folder: Path, platform: str) -> Path:
    """The Python of a virtual environment: `Scripts\\python.exe` on Windows, `bin/python` elsewhere."""
    return folder / "Scripts" / "python.exe" if platform == "win32" else folder / "bin" / "python"


@functools.cache
def declared() -> dict[str, Environment]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    # An environment that names no groups has uv's default ones: it is the one `uv run` makes in .venv.
    default = pyproject["tool"]["uv"]["default-groups"]
    return {
        name: Environment(
            name,
            tuple(table.get("groups", default)),
            table.get("python"),
            table.get("matrix", True),
            table.get("given", False),
        )
        for name, table in pyproject["tool"]["primer"]["environments"].items()
    }


def names() -> tuple[str, ...]:
    """The environments the examples are verified in (not the one that only builds the site)."""
    return tuple(name for name, environment in declared().items() if environment.matrix)


def locked() -> tuple[str, ...]:
    """The environments the examples are verified in that uv.lock makes (not a given interpreter)."""
    return tuple(name for name in names() if not declared()[name].given)
