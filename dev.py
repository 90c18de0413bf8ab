#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = []
# ///
# The metadata above makes `uv run dev.py` run this file on its own (standard library only), without first
# making the project's environment: each command makes the one it needs.
"""Set up the project and run it. Needs uv; `uv run dev.py COMMAND` finds or fetches a Python for it.

    uv run dev.py test [PYTEST ARGS]        run the whole test suite (or what the pytest arguments select)
    uv run dev.py test-matrix [ENV ...]     run every page, notebook and README block in each environment
                                            (`gpu` in a given interpreter: --python PATH, default python3)
    uv run dev.py gpu-wheels --python 3.12 --platform manylinux_2_28_x86_64 DIR
                                            gather the wheels the gpu environment installs beside its torch
    python3 dev.py gpu-run DIR              on a machine with an NVIDIA GPU, offline: install them, run the
                                            suite, `test-matrix gpu` and the GPU benchmark
    uv run dev.py serve [MKDOCS ARGS]       build the site and serve it on http://127.0.0.1:8000
    uv run dev.py build [MKDOCS ARGS]       build the site into site/ with warnings as errors
    uv run dev.py generate [GENERATOR ...]  rewrite every generated file (figures, notebooks, reports, ...)
    uv run dev.py lint                      ruff (lint and format) and zizmor (the workflow)
    uv run dev.py run CHAPTER               run one chapter's code on its own, in .scratch/CHAPTER/
    uv run dev.py environments [--json]     the environments CI runs the matrix in (all but the reference)

The environments are declared once, in pyproject.toml under [tool.primer.environments], as dependency
groups locked in uv.lock for Linux, macOS and Windows. Each is made on first use (`reference` in .venv, the
others in .envs/ENV) and brought back in line with uv.lock whenever that changes, by `uv sync`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if sys.version_info < (3, 11):  # noqa: UP036 - the one check an older Python must be able to run
    sys.exit("dev.py needs Python 3.11 or newer: run it with `uv run dev.py`")

from primer import environments, wheel_platforms  # after the check: it needs Python 3.11 (tomllib)

ROOT = Path(__file__).resolve().parent

# Each command and the environment it runs in: the site alone needs no torch.
COMMANDS = {
    "test": (environments.REFERENCE, ["-m", "pytest"]),
    "serve": ("site", ["-m", "mkdocs", "serve", "--strict", "--dev-addr", "127.0.0.1:8000"]),
    "build": ("site", ["-m", "mkdocs", "build", "--strict"]),
    "generate": (environments.REFERENCE, ["-m", "primer.generate"]),
    "run": (environments.REFERENCE, ["-m", "primer.run_chapter"]),
}
LINTERS = [["ruff", "check", "."], ["ruff", "format", "--check", "."], ["zizmor", "--offline", "--quiet", ".github"]]


def sync_command(environment: environments.Environment) -> list[str]:
    """The `uv sync` that makes an environment exactly what uv.lock holds for its groups."""
    python = ["--python", environment.python] if environment.python else []
    return [environments.uv(), "sync", "--quiet", *environment.group_options, *python]


def environment(name: str) -> Path:
    """The environment's interpreter, after `uv sync` made it match uv.lock (about a second when nothing
    changed)."""
    declared = environments.declared()
    if name not in declared:
        sys.exit(f"dev.py: no environment {name!r}; declared: {', '.join(declared)}")
    env = declared[name]
    if subprocess.run(
        sync_command(env), cwd=ROOT, env={**os.environ, "UV_PROJECT_ENVIRONMENT": str(env.folder)}
    ).returncode:
        sys.exit(f"dev.py: uv could not make the {name} environment (its message is above)")
    return environments.interpreter(env.folder, sys.platform)


def activated(python: Path) -> dict[str, str]:
    """The variables a command runs with: those of a shell with the interpreter's environment activated (not
    the one uv made to run dev.py itself, whose VIRTUAL_ENV and scripts this process inherits)."""
    return {
        **environments.DEFAULT_VARIABLES,
        **os.environ,
        "VIRTUAL_ENV": str(python.parent.parent),
        "PATH": f"{python.parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }


def test_matrix(args: list[str]) -> int:
    """Each named environment (all that uv.lock makes by default) runs every page, notebook and README block;
    a given one (`gpu`) in the interpreter `--python PATH` names, else `python3` on the PATH; pytest arguments
    follow `--`."""
    names, pytest_args = (args[: args.index("--")], args[args.index("--") + 1 :]) if "--" in args else (args, [])
    given = None
    if "--python" in names:
        at = names.index("--python")
        given, names = names[at + 1], names[:at] + names[at + 2 :]
    failed = []
    for name in names or environments.locked():
        python = given_interpreter(given) if environments.declared()[name].given else environment(name)
        print(f"dev.py: testing in {name}", flush=True)
        if subprocess.run(
            [python, "-m", "primer.matrix", name, *pytest_args], cwd=ROOT, env=activated(python)
        ).returncode:
            failed.append(name)
    if failed:
        print(f"dev.py: the examples fail in {', '.join(failed)}", flush=True)
    return 1 if failed else 0


def given_interpreter(path: str | None) -> Path:
    """A given environment's interpreter, as it is: nothing is synced into it. Not resolved: a virtual
    environment's python is a link to the one it was made from."""
    found = shutil.which(path or "python3")
    if not found:
        sys.exit(f"dev.py: no interpreter {path or 'python3'}")
    return Path(found).absolute()


def ci_matrix() -> list[str]:
    """The environments CI runs `test-matrix` in: every one uv.lock makes but the reference, which the test
    suite runs (CI has no GPU for a given one)."""
    return [name for name in environments.locked() if name != environments.REFERENCE]


GPU = "gpu"
REQUIREMENTS = "requirements.txt"  # in the wheel folder: what gpu-run installs from it


def gpu_requirements() -> str:
    """The packages the gpu environment installs beside the machine's torch, pinned as uv.lock pins them; its
    groups ask for no torch, so neither torch nor its CUDA libraries are among them."""
    options = ["--frozen", "--no-hashes", "--no-header", "--no-annotate", "--no-emit-project"]
    return subprocess.run(
        [environments.uv(), "export", *options, *environments.declared()[GPU].group_options],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def gpu_wheels(args: list[str]) -> int:
    """On a machine with internet: download the wheels of the gpu environment for a GPU machine's Python and
    platform into a folder, with the requirements gpu-run installs."""
    parser = argparse.ArgumentParser(prog="dev.py gpu-wheels")
    parser.add_argument("--python", required=True, help="the GPU machine's Python version, e.g. 3.12")
    parser.add_argument("--platform", required=True, help="its wheel platform, e.g. manylinux_2_28_x86_64")
    parser.add_argument("folder", type=Path)
    options = parser.parse_args(args)
    options.folder.mkdir(parents=True, exist_ok=True)
    requirements = options.folder / REQUIREMENTS
    requirements.write_text(gpu_requirements(), encoding="utf-8")
    # pip evaluates the markers for that Python; uv (which has no `pip download`) runs pip itself.
    download = ["pip", "download", "--only-binary=:all:", "--no-deps", "--python-version", options.python]
    download += [f"--platform={tag}" for tag in wheel_platforms.installing_on(options.platform)]
    download += ["--dest", str(options.folder), "--requirement", str(requirements)]
    return subprocess.run([environments.uv(), "tool", "run", *download], cwd=ROOT).returncode


def gpu_run(args: list[str]) -> int:
    """On the GPU machine, offline, with plain python3: install the wheels gpu-wheels gathered into a virtual
    environment that sees the machine's own CUDA torch, then run the whole suite, the matrix and the GPU
    benchmark in it, each even if one before failed."""
    if len(args) != 1:
        sys.exit("usage: python3 dev.py gpu-run WHEEL-FOLDER")
    wheels = Path(args[0]).absolute()
    folder = environments.declared()[GPU].folder
    python = environments.interpreter(folder, sys.platform)
    install = [python, "-m", "pip", "install", "--quiet", "--no-index", "--no-deps", "--find-links", str(wheels)]
    for step in (
        [sys.executable, "-m", "venv", "--clear", "--system-site-packages", str(folder)],
        [*install, "--requirement", str(wheels / REQUIREMENTS)],
        [python, "-c", "import sys, torch; sys.exit(not torch.cuda.is_available())"],
    ):
        if subprocess.run(step, cwd=ROOT).returncode:
            sys.exit(f"dev.py: gpu-run stopped at {' '.join(map(str, step))}")
    steps = {
        "the suite": lambda: pytest_ran_to_its_end([python, "-m", "pytest", f"--environment={GPU}"], activated(python)),
        "test-matrix gpu": lambda: test_matrix([GPU, "--python", str(python)]),
        # Beside the committed records, not over this project's own matmul.json.
        "benchmarks.matmul": lambda: (
            subprocess.run(
                [python, "-m", "benchmarks.matmul", "matmul-gpu"], cwd=ROOT, env=activated(python)
            ).returncode
        ),
    }
    codes = {}
    for name, step in steps.items():
        start = time.monotonic()
        codes[name] = step()
        print(f"dev.py: {name}: exit code {codes[name]}, {time.monotonic() - start:.0f} s", flush=True)
    return max(codes.values())


def lint() -> int:
    scripts = environment("lint").parent
    return max(
        subprocess.run([shutil.which(tool, path=scripts), *args], cwd=ROOT).returncode for tool, *args in LINTERS
    )


def pytest_ran_to_its_end(command: list[str], env: dict[str, str]) -> int:
    """Run pytest, and fail unless it reached its own summary: a run that ends early (a test that ends the
    interpreter, a crash) must never read as green, whatever its exit code."""
    with tempfile.TemporaryDirectory() as folder:
        summary = Path(folder) / "summary.json"
        code = subprocess.run([*command, f"--summary-file={summary}"], cwd=ROOT, env=env).returncode
        if not summary.is_file():
            print(f"dev.py: pytest ended (exit code {code}) before its summary: the run did not finish", flush=True)
            return code or 1
        counts = json.loads(summary.read_text(encoding="utf-8"))
    if code == 0 and counts["exitstatus"] != 0:
        print(f"dev.py: pytest exited with 0, but its summary says {counts}", flush=True)
        return 1
    return code


def main(argv: list[str]) -> int:
    command, args = (argv[0], argv[1:]) if argv else ("", [])
    if command == "lint":
        return lint()
    if command == "test-matrix":
        return test_matrix(args)
    if command == "gpu-wheels":
        return gpu_wheels(args)
    if command == "gpu-run":
        return gpu_run(args)
    if command == "environments":  # for .ci/run's command line, or as JSON for the workflow's job matrix
        print(json.dumps(ci_matrix()) if args == ["--json"] else " ".join(ci_matrix()))
        return 0
    if command not in COMMANDS:
        sys.exit(__doc__)
    name, command_args = COMMANDS[command]
    python = environment(name)
    # A child process, not exec: on Windows exec starts a new process and returns to the shell at once.
    try:
        if command == "test":
            return pytest_ran_to_its_end([python, *command_args, *args], activated(python))
        return subprocess.run([python, *command_args, *args], cwd=ROOT, env=activated(python)).returncode
    except KeyboardInterrupt:  # the child got Ctrl-C too and reports it
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
