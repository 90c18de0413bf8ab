#!/usr/bin/env python3
"""Set up the project and run it. Needs only Python 3.11+.

    python3 dev.py test [PYTEST ARGS]   run the whole test suite (or what the pytest arguments select)
    python3 dev.py serve [MKDOCS ARGS]  build the site and serve it on http://127.0.0.1:8000
    python3 dev.py build [MKDOCS ARGS]  build the site into site/ with warnings as errors

Each command first makes sure `.venv` exists and holds the dependencies pinned in pyproject.toml;
it reinstalls only when those pins change.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
STAMP = VENV / ".pinned-dependencies"

COMMANDS = {
    "test": ["-m", "pytest"],
    "serve": ["-m", "mkdocs", "serve", "--strict", "--dev-addr", "127.0.0.1:8000"],
    "build": ["-m", "mkdocs", "build", "--strict"],
}


def pinned_dependencies() -> list[str]:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [*project["dependencies"], *(d for group in project["optional-dependencies"].values() for d in group)]


def ensure_environment() -> None:
    dependencies = pinned_dependencies()
    digest = hashlib.sha256("\n".join(dependencies).encode()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == digest and PYTHON.exists():
        return
    if not PYTHON.exists():
        print(f"dev.py: creating {VENV.name}/", flush=True)
        venv.create(VENV, with_pip=True)
    print("dev.py: installing the pinned dependencies", flush=True)
    subprocess.run(
        [PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *dependencies], check=True
    )
    STAMP.write_text(digest)


def main(argv: list[str]) -> int:
    if sys.version_info < (3, 11):
        sys.exit("dev.py needs Python 3.11 or newer")
    if not argv or argv[0] not in COMMANDS:
        sys.exit(__doc__)
    ensure_environment()
    os.chdir(ROOT)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # a banner about MkDocs 2, printed on every build
    command = [str(PYTHON), *COMMANDS[argv[0]], *argv[1:]]
    os.execv(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
