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
    uv run dev.py gpu-wheels --python 3.12.3 --platform manylinux_2_28_x86_64 DIR
                                            gather the wheels the gpu environment installs beside its torch
    python3 dev.py gpu-run DIR              on a machine with an NVIDIA GPU, offline: install them, run the
                                            suite, `test-matrix gpu` and the GPU benchmark
    uv run dev.py check-machine             on any machine: run every page, notebook and README block in its
                                            own environment and write its record (offline: --wheels DIR)
    uv run dev.py serve [MKDOCS ARGS]       build the site and serve it on http://127.0.0.1:8000
    uv run dev.py build [MKDOCS ARGS]       build the site into site/ with warnings as errors
    uv run dev.py generate [GENERATOR ...]  rewrite every generated file (figures, notebooks, reports, ...)
    uv run dev.py lint                      ruff (lint and format) and zizmor (the workflow)
    uv run dev.py run CHAPTER               run one chapter's code (gpu-training) on its own, in .scratch/CHAPTER/
    uv run dev.py environments [--json]     the environments CI runs the matrix in (all but the reference)
    uv run dev.py watch                     the newest torch on PyPI, outside the lock, against the latest
                                            environment's Output blocks: lists the blocks that now differ

The environments are declared once, in pyproject.toml under [tool.primer.environments], as dependency
groups locked in uv.lock for Linux, macOS and Windows. Each is made on first use (`reference` in .venv, the
others in .envs/ENV) and brought back in line with uv.lock by `uv sync` whenever uv.lock or pyproject.toml
changes (dev.py skips the sync, which checks every compiled file, while neither has changed since the last).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

if sys.version_info < (3, 11):  # noqa: UP036 - the one check an older Python must be able to run
    sys.exit("dev.py needs Python 3.11 or newer: run it with `uv run dev.py`")

from primer import environments  # after the check: it needs Python 3.11 (tomllib)

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


SYNCED = ".dev-py-synced"  # in an environment's folder: what it was last synced from


def sync_key(env: environments.Environment) -> str:
    """What an environment's contents follow from: the lock, pyproject.toml and the sync command."""
    digest = hashlib.sha256(json.dumps(sync_command(env)[1:]).encode())
    for name in ("uv.lock", "pyproject.toml"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def environment(name: str) -> Path:
    """The environment's interpreter, after `uv sync` made it match uv.lock. The sync is skipped while the lock
    and pyproject.toml are as they were at the last one: even with nothing to install it takes about a
    second, checking every compiled file (pyproject.toml's compile-bytecode)."""
    env = environments.declared()[name]
    python = environments.interpreter(env.folder, sys.platform)
    stamp, key = env.folder / SYNCED, sync_key(env)
    if python.exists() and stamp.is_file() and stamp.read_text(encoding="utf-8") == key:
        return python
    if subprocess.run(
        sync_command(env), cwd=ROOT, env={**os.environ, "UV_PROJECT_ENVIRONMENT": str(env.folder)}
    ).returncode:
        sys.exit(f"dev.py: uv could not make the {name} environment (its message is above)")
    stamp.write_text(key, encoding="utf-8")
    return python


def activated(python: Path) -> dict[str, str]:
    """The variables a command runs with: those of a shell with the interpreter's environment activated (not
    the one uv made to run dev.py itself, whose VIRTUAL_ENV and scripts this process inherits)."""
    return {
        **environments.DEFAULT_VARIABLES,
        **os.environ,
        "VIRTUAL_ENV": str(python.parent.parent),
        "PATH": f"{python.parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }


def test_matrix(names: list[str], python: str | None, pytest_args: list[str]) -> int:
    """Each named environment (all that uv.lock makes by default) runs every page, notebook and README block;
    a given one (`gpu`) in the interpreter `python` names, else `python3` on the PATH."""
    failed = []
    for name in names or environments.locked():
        interpreter = given_interpreter(python) if environments.declared()[name].given else environment(name)
        print(f"dev.py: testing in {name}", flush=True)
        if subprocess.run(
            [interpreter, "-m", "primer.matrix", name, *pytest_args], cwd=ROOT, env=activated(interpreter)
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


REQUIREMENTS = "requirements.txt"  # in the wheel folder: what gpu-run installs from it
# uv.lock's markers are evaluated with packaging (primer/lock.py), which this file, standard library only, has not:
# it runs in the site environment, where MkDocs needs it.
MARKERS = "site"


def gpu_wheels(options: argparse.Namespace) -> int:
    """On a machine with internet: download the wheels of the gpu environment for a GPU machine's Python and
    platform into a folder, with the requirements gpu-run installs: the packages its groups install beside the
    machine's torch, as uv.lock pins them, their markers evaluated for that Python and platform (pip would
    evaluate them for the interpreter it runs under)."""
    python = environment(MARKERS)
    select = [python, "-m", "primer.lock", environments.GPU, "--python", options.python, "--platform", options.platform]
    chosen = subprocess.run(select, cwd=ROOT, env=activated(python), capture_output=True, text=True)
    if chosen.returncode == 2:
        options.usage(chosen.stderr.strip().splitlines()[-1])
    if chosen.returncode:
        sys.exit(f"dev.py: gpu-wheels: {' '.join(map(str, select))} failed:\n{chosen.stderr}")
    gathered = json.loads(chosen.stdout)
    options.folder.mkdir(parents=True, exist_ok=True)
    requirements = options.folder / REQUIREMENTS
    header = f"{TARGET} {options.python} {options.platform}\n"
    requirements.write_text(header + "\n".join(gathered["requirements"]) + "\n", encoding="utf-8")
    # uv has no `pip download`: it runs pip itself.
    download = ["pip", "download", "--only-binary=:all:", "--no-deps", "--python-version", options.python]
    download += [f"--platform={tag}" for tag in gathered["wheel_platforms"]]
    download += ["--dest", str(options.folder), "--requirement", str(requirements)]
    return subprocess.run([environments.uv(), "tool", "run", *download], cwd=ROOT).returncode


TARGET = "# for Python"  # the first line of the requirements: the Python and platform they were chosen for


def gathered_for(requirements: Path) -> str:
    """The Python version (3.12.3) the wheels in a folder were gathered for."""
    first = requirements.read_text(encoding="utf-8").partition("\n")[0] if requirements.is_file() else ""
    if not first.startswith(TARGET):
        sys.exit(f"dev.py: {requirements} is not what `dev.py gpu-wheels` writes: gather the wheels with it")
    return first.split()[3]


def given_environment(wheels: Path, command: str, needs_gpu: bool) -> Path:
    """Offline, with the Python running this: a virtual environment that sees this machine's own torch, with
    the wheels gpu-wheels gathered installed beside it; its interpreter. Stops, saying why, where it cannot."""
    wheels = wheels.absolute()
    version = gathered_for(wheels / REQUIREMENTS)
    here = ".".join(map(str, sys.version_info[:3]))
    if version.split(".")[:2] != here.split(".")[:2]:
        sys.exit(
            f"dev.py: the wheels in {wheels} are for Python {version}, this is {here}: gather them with "
            f"`dev.py gpu-wheels --python {here}`, or run this with that Python"
        )
    folder = environments.declared()[environments.GPU].folder
    python = environments.interpreter(folder, sys.platform)
    install = [python, "-m", "pip", "install", "--quiet", "--no-index", "--no-deps", "--find-links", str(wheels)]
    steps = [
        ([sys.executable, "-m", "venv", "--clear", "--system-site-packages", str(folder)], "could not make it"),
        ([*install, "--requirement", str(wheels / REQUIREMENTS)], "could not install the wheels into it"),
        ([python, "-c", "import torch"], "its Python has no torch: install the machine's own build of torch"),
    ]
    if needs_gpu:
        steps.append(
            (
                has_cuda_command(python),
                f"torch finds no CUDA GPU on this machine (torch.cuda.is_available() is False): {command} needs one",
            )
        )
    for step, failure in steps:
        if subprocess.run(step, cwd=ROOT).returncode:
            sys.exit(f"dev.py: {command} stopped: {folder.relative_to(ROOT)}: {failure}")
    return python


def has_cuda_command(python: Path) -> list:
    """What tells whether the interpreter's torch finds a CUDA GPU: its exit code."""
    return [python, "-c", "import sys, torch; sys.exit(not torch.cuda.is_available())"]


def has_cuda(python: Path) -> bool:
    return subprocess.run(has_cuda_command(python)).returncode == 0


def check_machine(options: argparse.Namespace) -> int:
    """Any machine: every page, notebook and README block in this machine's own environment (uv's, made from
    uv.lock, or offline the machine's own torch with gathered wheels), written as a record of the machine."""
    if options.wheels:
        python = given_environment(options.wheels, "check-machine", needs_gpu=False)
        name = environments.GPU if has_cuda(python) else environments.REFERENCE  # a GPU prints what the gpu blocks show
    else:
        python, name = environment(environments.REFERENCE), environments.REFERENCE
    print(f"dev.py: checking every page on this machine, in the {name} environment", flush=True)
    command = [python, "-m", "primer.matrix", name, "--machine", *options.pytest_args]
    return subprocess.run(command, cwd=ROOT, env=activated(python)).returncode


def gpu_run(wheels: Path) -> int:
    """On the GPU machine, offline, with plain python3: install the wheels gpu-wheels gathered into a virtual
    environment that sees the machine's own CUDA torch, then run the whole suite, the matrix and the GPU
    benchmark in it, each even if one before failed."""
    python = given_environment(wheels, "gpu-run", needs_gpu=True)
    steps = {
        "the suite": lambda: pytest_ran_to_its_end(
            [python, "-m", "pytest", f"--environment={environments.GPU}"], activated(python)
        ),
        "test-matrix gpu": lambda: test_matrix([environments.GPU], str(python), []),
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


WATCHED = "latest"  # the environment whose Output blocks the newest torch is held to


def torch_groups() -> set[str]:
    """The dependency groups that pin a torch: uv.lock resolves them apart (pyproject.toml's conflicts)."""
    import tomllib  # here, not at the top: an older Python must reach the version check above

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {item["group"] for conflict in pyproject["tool"]["uv"]["conflicts"] for item in conflict}


def watch_requirements() -> list[str]:
    """What the watch installs: the newest torch and NumPy (no version: PyPI's newest release), and the rest
    of the watched environment's groups pinned as uv.lock pins them."""
    groups = [group for group in environments.declared()[WATCHED].groups if group not in torch_groups()]
    options = ["--frozen", "--no-hashes", "--no-header", "--no-annotate", "--no-emit-project", "--no-default-groups"]
    pinned = subprocess.run(
        [environments.uv(), "export", *options, *(f"--group={group}" for group in groups)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    return ["torch", "numpy", *(line for line in pinned if line and not line.startswith(("#", "torch==", "numpy==")))]


def watch(options: argparse.Namespace) -> int:
    """Install the newest torch release into a throwaway environment outside the project and run every page,
    notebook and README block in it against the latest environment's Output blocks (primer/watch.py): no
    record is written, and neither uv.lock nor any other file of the project changes."""
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="primer-watch-") as folder:
        venv = Path(folder) / "venv"
        python = environments.interpreter(venv, sys.platform)
        requirements = Path(folder) / REQUIREMENTS
        requirements.write_text("\n".join(watch_requirements()) + "\n", encoding="utf-8")
        uv = environments.uv()
        pinned_python = environments.declared()[WATCHED].python
        steps = [
            [uv, "venv", "--quiet", *(["--python", pinned_python] if pinned_python else []), str(venv)],
            [uv, "pip", "install", "--quiet", "--python", str(python), "--requirement", str(requirements)],
        ]
        for step in steps:  # in the folder: no project of this one is found or changed
            if subprocess.run(step, cwd=folder).returncode:
                print(f"dev.py: watch: `{' '.join(step[:3])}` failed (its message is above)", flush=True)
                return 1
        env = {**activated(python), "PYTHONDONTWRITEBYTECODE": "1"}  # no compiled files left in the project
        code = subprocess.run([python, "-m", "primer.watch", *options.pytest_args], cwd=ROOT, env=env).returncode
    print(f"dev.py: watch: {time.monotonic() - start:.0f} s", flush=True)
    return code


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


def selected(pytest_args: list[str]) -> list[str]:
    """The files and folders the pytest arguments name (`docs/tensors.md::line:12` names docs/tensors.md): those
    that look like paths, so an option's value (`-k usage`) is none."""
    return [
        arg.split("::")[0]
        for arg in pytest_args
        if not arg.startswith("-") and ("/" in arg or "::" in arg or Path(arg).suffix or (ROOT / arg).exists())
    ]


# pytest's exit code when it collected nothing
NO_TESTS = 5


def nothing_collected(pytest_args: list[str]) -> str:
    """Why a run that named files ran no tests: a path that does not exist, or one pytest collects nothing from
    (where none is named, pytest's own summary says what it deselected)."""
    paths = selected(pytest_args)
    if not paths:
        return ""
    if missing := [path for path in paths if not (ROOT / path).exists()]:
        return f"dev.py: no tests ran: {', '.join(missing)} does not exist"
    pytest = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    return (
        f"dev.py: no tests ran: pytest collects no test from {', '.join(paths)} "
        f"(it collects from {', '.join(pytest['testpaths'])}: pyproject.toml's testpaths)"
    )


def workers(pytest_args: list[str]) -> list[str]:
    """xdist's worker count for what the arguments select: none for a single file (starting two workers
    costs more than it saves there), else pyproject.toml's one per core; a count given wins."""
    if any(arg in ("-n", "--numprocesses") or arg.startswith(("-n", "--numprocesses=")) for arg in pytest_args):
        return []
    paths = [ROOT / path for path in selected(pytest_args)]
    return ["-n", "0"] if len(paths) == 1 and paths[0].is_file() else []


def parser() -> argparse.ArgumentParser:
    """The commands, as the module's docstring lists them (its epilog); the ones in COMMANDS take their
    program's own arguments, passed on untouched."""
    summary, _, listing = __doc__.partition("\n\n")
    main = argparse.ArgumentParser(
        prog="dev.py", description=summary, epilog=listing, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = main.add_subparsers(dest="command")
    for name, (_, run) in COMMANDS.items():
        commands.add_parser(name, add_help=False, description=f"Arguments go to {' '.join(run[1:])}.")
    commands.add_parser("lint", description="ruff (lint and format) and zizmor (the workflow)")
    matrix = commands.add_parser(
        "test-matrix",
        description="Run every page, notebook and README block in each environment (all that uv.lock makes, "
        "if none is named); pytest arguments after `--` run a selection instead.",
    )
    matrix.add_argument("names", nargs="*", metavar="ENV", help=f"one of {', '.join(environments.names())}")
    matrix.add_argument("--python", metavar="PATH", help="a given environment's interpreter (default: python3)")
    wheels = commands.add_parser("gpu-wheels", description="Gather the gpu environment's wheels for a GPU machine.")
    wheels.add_argument("--python", required=True, help="the GPU machine's Python version, e.g. 3.12.3")
    wheels.add_argument("--platform", required=True, help="its wheel platform, e.g. manylinux_2_28_x86_64")
    wheels.add_argument("folder", type=Path)
    run = commands.add_parser("gpu-run", description="On the GPU machine, offline: install and run everything.")
    run.add_argument("folder", type=Path, help="the folder gpu-wheels filled")
    check = commands.add_parser(
        "check-machine",
        description="Run every page, notebook and README block on this machine and write its record to "
        "matrix/machines/ (pytest arguments after `--` run a selection, and write none).",
    )
    check.add_argument("--wheels", type=Path, metavar="DIR", help="offline: this Python's torch, and these wheels")
    listed = commands.add_parser("environments", description="The environments CI runs the matrix in.")
    listed.add_argument("--json", action="store_true", help="as JSON, for the workflow's job matrix")
    commands.add_parser(
        "watch",
        description="Install the newest torch release on PyPI into a throwaway environment, outside uv.lock, run "
        "every page, notebook and README block against the latest environment's Output blocks, and list the "
        "blocks that now differ (PAGE:LINE); exit 1 if any do. Writes no record, changes no file of the project; "
        "pytest arguments after `--` run a selection instead.",
    )
    return main


def matrix_command(options: argparse.Namespace) -> int:
    if unknown := [name for name in options.names if name not in environments.names()]:
        options.usage(f"no environment {unknown[0]!r}; one of {', '.join(environments.names())}")
    return test_matrix(options.names, options.python, options.pytest_args)


def list_environments(options: argparse.Namespace) -> int:
    """For .ci/run's command line, or as JSON for the workflow's job matrix."""
    print(json.dumps(ci_matrix()) if options.json else " ".join(ci_matrix()))
    return 0


# The commands dev.py parses itself, each with what runs it; COMMANDS' own programs parse theirs.
HANDLERS = {
    "lint": lambda options: lint(),
    "test-matrix": matrix_command,
    "gpu-wheels": lambda options: gpu_wheels(options),
    "gpu-run": lambda options: gpu_run(options.folder),
    "check-machine": check_machine,
    "environments": list_environments,
    "watch": watch,
}


def main(argv: list[str]) -> int:
    if argv and argv[0] in COMMANDS:  # not parsed here: `test --help` is pytest's help
        return run(argv[0], argv[1:])
    usage = parser()
    # What follows `--` is pytest's, not a name of an environment.
    ours, rest = (argv[: argv.index("--")], argv[argv.index("--") + 1 :]) if "--" in argv else (argv, [])
    options = usage.parse_args(ours)
    if options.command is None:
        usage.error("name a command: `dev.py --help` says what each does")
    if rest and options.command not in ("test-matrix", "check-machine", "watch"):
        usage.error(f"{options.command} takes no arguments after --")
    options.pytest_args = rest
    options.usage = lambda message: usage.error(f"{options.command}: {message}")
    return HANDLERS[options.command](options)


def run(command: str, args: list[str]) -> int:
    """A command of COMMANDS, in its environment, with its program's own arguments."""
    name, command_args = COMMANDS[command]
    python = environment(name)
    # A child process, not exec: on Windows exec starts a new process and returns to the shell at once.
    try:
        if command == "test":
            code = pytest_ran_to_its_end([python, *command_args, *workers(args), *args], activated(python))
            if code == NO_TESTS and (why := nothing_collected(args)):
                print(why, flush=True)
            return code
        return subprocess.run([python, *command_args, *args], cwd=ROOT, env=activated(python)).returncode
    except KeyboardInterrupt:  # the child got Ctrl-C too and reports it
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
