"""Time the project's own work on this machine: `python -m benchmarks [--runs N] [--json PATH]`.

Each task runs N times in a fresh process; the table shows the median and the spread. Goals for a 2-core
CPU machine: documented examples at most 20 s and at most twice the plain run of the same snippets,
strict build at most 10 s, whole suite at most 120 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from primer import environments, torchrun
from primer.machine import describe
from primer.paths import RESULTS, ROOT, SCRIPTS

PYTHON = sys.executable
PLAIN_SNIPPETS = (
    "import runpy, pathlib, os, tempfile\n"
    "os.chdir(tempfile.mkdtemp())\n"
    "for path in sorted(pathlib.Path({root!r}, 'snippets').glob('*.py')):\n"
    "    if path.stem not in ('__init__', *{scripts!r}):\n"
    "        runpy.run_module('snippets.' + path.stem, run_name='__main__')\n"
)
DDP_LAUNCH = torchrun.on_this_machine(2, "-m", "snippets.ddp_training")


def tasks(site_dir: str) -> dict[str, list[list[str]]]:
    """Each task is a list of commands run one after the other."""
    pytest = [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    return {
        "strict site build": [[PYTHON, "-m", "mkdocs", "build", "--strict", "-q", "--site-dir", site_dir]],
        "documented examples (sybil + pytest-codeblocks)": [[*pytest, "docs", "README.md"]],
        "same snippets, plain (one process + one torchrun)": [
            [PYTHON, "-c", PLAIN_SNIPPETS.format(root=str(ROOT), scripts=SCRIPTS)],
            DDP_LAUNCH,
        ],
        "DDP tests": [[*pytest, "tests/test_ddp_training.py"]],
        "notebooks (each in a fresh kernel)": [[*pytest, "tests/test_notebooks.py"]],
        "browser tests": [
            [*pytest, "tests/test_browser_pages.py", "tests/test_browser_copy_paste.py", "tests/test_browser_ui.py"]
        ],
        "whole suite": [pytest],
    }


def time_task(commands: list[list[str]], runs: int) -> list[float]:
    env = {**environments.DEFAULT_VARIABLES, **os.environ, "PYTHONPATH": str(ROOT)}
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        for command in commands:
            # Examples write files (model.pth) where they run: run scripts in a scratch directory.
            with tempfile.TemporaryDirectory() as scratch:
                cwd = scratch if command is DDP_LAUNCH else ROOT
                result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
            if result.returncode != 0:
                raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
        timings.append(time.perf_counter() - start)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, default=RESULTS / "project.json")
    parser.add_argument("--only", help="run only the tasks whose name contains this text")
    args = parser.parse_args()

    results = []
    with tempfile.TemporaryDirectory() as site_dir:
        for name, commands in tasks(site_dir).items():
            if args.only and args.only not in name:
                continue
            timings = time_task(commands, args.runs)
            results.append({"task": name, "median_s": statistics.median(timings), "runs_s": timings})
            print(
                f"{name:<52} median {statistics.median(timings):7.2f} s   "
                f"(min {min(timings):.2f}, max {max(timings):.2f}, {len(timings)} runs)",
                flush=True,
            )

    by_name = {r["task"]: r["median_s"] for r in results}
    docs, plain = (
        by_name.get("documented examples (sybil + pytest-codeblocks)"),
        by_name.get("same snippets, plain (one process + one torchrun)"),
    )
    if docs and plain:
        print(f"{'documented examples / plain run':<52} {docs / plain:7.2f} ×")
    machine = describe()
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"machine": machine, "results": results}, indent=2) + "\n")
    print(f"wrote {args.json.relative_to(ROOT) if args.json.is_relative_to(ROOT) else args.json}")


if __name__ == "__main__":
    main()
