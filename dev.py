#!/usr/bin/env python3
"""Set up the project and run it. Needs only Python 3.11+.

    python3 dev.py test [PYTEST ARGS]        run the whole test suite (or what the pytest arguments select)
    python3 dev.py test-matrix [ENV ...]     run every page, notebook and README block in each environment
    python3 dev.py serve [MKDOCS ARGS]       build the site and serve it on http://127.0.0.1:8000
    python3 dev.py build [MKDOCS ARGS]       build the site into site/ with warnings as errors
    python3 dev.py generate [GENERATOR ...]  rewrite every generated file (figures, notebooks, reports, ...)
    python3 dev.py lint                      ruff (lint and format) and zizmor (the workflow)
    python3 dev.py run CHAPTER               run one chapter's code on its own, in .scratch/CHAPTER/
    python3 dev.py lock [ENV ...]            re-resolve the environments' lock files after changing them

The environments are declared once, in pyproject.toml under [tool.primer.environments], and locked in
locks/ENV.txt (every package pinned). Each is created on first use (`reference` in .venv, the others in
.envs/ENV) from its lock file, and re-created only when the lock file changes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import venv
from pathlib import Path

if sys.version_info < (3, 11):  # noqa: UP036 - the one check an older Python must be able to run
    sys.exit("dev.py needs Python 3.11 or newer")

import tomllib  # after the check: both need Python 3.11

from primer import environments

ROOT = Path(__file__).resolve().parent
LOCKS = ROOT / "locks"
REFERENCE = environments.REFERENCE
PIP = ["-m", "pip", "--disable-pip-version-check"]

COMMANDS = {
    "test": ["-m", "pytest"],
    "serve": ["-m", "mkdocs", "serve", "--strict", "--dev-addr", "127.0.0.1:8000"],
    "build": ["-m", "mkdocs", "build", "--strict"],
    "generate": ["-m", "primer.generate"],
    "run": ["-m", "primer.run_chapter"],
}


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def declarations() -> dict[str, list[str]]:
    """Each environment's requirements: its own torch pins (or the project's) and its dependency groups."""
    project, environments = pyproject()["project"], pyproject()["tool"]["primer"]["environments"]
    return {
        name: [
            *env.get("dependencies", project["dependencies"]),
            *(requirement for group in env["groups"] for requirement in project["optional-dependencies"][group]),
        ]
        for name, env in environments.items()
    }


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def lock(names: list[str]) -> None:
    """Resolve each environment's requirements with pip, as `pip install` would here, and pin every package."""
    LOCKS.mkdir(exist_ok=True)
    for name, requirements in declarations().items():
        if names and name not in names:
            continue
        print(f"dev.py: resolving {name}", flush=True)
        report = subprocess.run(
            [
                sys.executable,
                *PIP,
                "install",
                "--dry-run",
                "--ignore-installed",
                "--quiet",
                "--report",
                "-",
                *requirements,
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        pins = sorted(
            f"{item['metadata']['name'].lower()}=={item['metadata']['version']}"
            for item in json.loads(report)["install"]
        )
        header = [
            f"# The {name} environment, every package pinned: made by `python3 dev.py lock {name}` from",
            "# [tool.primer.environments] in pyproject.toml, for "
            f"CPython {sys.version_info.major}.{sys.version_info.minor} on {sys.platform}. Do not edit.",
            f"# declaration: {digest(json.dumps(requirements))}",
        ]
        (LOCKS / f"{name}.txt").write_text("\n".join([*header, *pins]) + "\n", encoding="utf-8")
        print(f"dev.py: wrote locks/{name}.txt ({len(pins)} packages)", flush=True)


def environment(name: str) -> Path:
    """The environment's interpreter, created or re-created from its lock file when needed."""
    declared = declarations()
    if name not in declared:
        sys.exit(f"dev.py: no environment {name!r}; declared: {', '.join(declared)}")
    lock_file = LOCKS / f"{name}.txt"
    locked = lock_file.read_text(encoding="utf-8") if lock_file.exists() else ""
    if f"# declaration: {digest(json.dumps(declared[name]))}\n" not in locked:
        sys.exit(f"dev.py: locks/{name}.txt does not match pyproject.toml: run `python3 dev.py lock {name}`")
    folder = ROOT / (".venv" if name == REFERENCE else f".envs/{name}")
    python, stamp = folder / "bin" / "python", folder / ".locked"
    if python.exists() and stamp.exists() and stamp.read_text() == digest(locked):
        return python
    if folder.exists():
        shutil.rmtree(folder)  # a lock changed: start clean, so nothing unlocked is left behind
    print(f"dev.py: creating {folder.relative_to(ROOT)}/ from locks/{name}.txt", flush=True)
    start = time.monotonic()
    venv.create(folder, with_pip=True)
    subprocess.run([python, *PIP, "install", "--quiet", "--no-deps", "-r", lock_file], check=True)
    stamp.write_text(digest(locked))
    print(f"dev.py: created {folder.relative_to(ROOT)}/ in {time.monotonic() - start:.0f} s", flush=True)
    return python


def test_matrix(args: list[str]) -> int:
    """Each named environment (all by default) runs every page, notebook and README block; pytest
    arguments follow `--`."""
    names, pytest_args = (args[: args.index("--")], args[args.index("--") + 1 :]) if "--" in args else (args, [])
    failed = []
    for name in names or environments.names():
        python = environment(name)
        print(f"dev.py: testing in {name}", flush=True)
        if subprocess.run([python, "-m", "primer.matrix", name, *pytest_args], cwd=ROOT).returncode:
            failed.append(name)
    if failed:
        print(f"dev.py: the examples fail in {', '.join(failed)}", flush=True)
    return 1 if failed else 0


def lint() -> int:
    tools = environment(REFERENCE).parent
    checks = [
        [tools / "ruff", "check", "."],
        [tools / "ruff", "format", "--check", "."],
        [tools / "zizmor", "--offline", "--quiet", ".github/workflows"],
    ]
    return max(subprocess.run(check, cwd=ROOT).returncode for check in checks)


def main(argv: list[str]) -> int:
    command, args = (argv[0], argv[1:]) if argv else ("", [])
    os.chdir(ROOT)
    if command == "lock":
        lock(args)
        return 0
    if command == "lint":
        return lint()
    if command == "test-matrix":
        return test_matrix(args)
    if command not in COMMANDS:
        sys.exit(__doc__)
    python = str(environment(REFERENCE))
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # a banner about MkDocs 2, printed on every build
    os.execv(python, [python, *COMMANDS[command], *args])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
