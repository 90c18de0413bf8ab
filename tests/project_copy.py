"""A copy of the project, for the tests that change one and run it: every file git would commit, as it is
in the working tree (uncommitted changes included), and nothing it ignores (environments, the built site)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from primer.paths import ROOT
from primer.verify.page import git_files


def project_files() -> list[str]:
    """The project's files, relative to its root: those git tracks, and new ones it does not ignore."""
    return sorted({name for name in git_files(ROOT) if (ROOT / name).is_file()})  # not deleted ones


def copy_project(destination: Path) -> Path:
    """A copy that is a git checkout too, as the check of writes into the project expects (its files untracked)."""
    for name in project_files():
        (destination / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, destination / name)
    subprocess.run(["git", "init", "-q"], cwd=destination, check=True)
    return destination
