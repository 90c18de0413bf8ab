"""The watch: every page, notebook and README block against the `latest` environment's Output blocks, run in an
interpreter that has the newest torch release instead of the locked one.

    python -m primer.watch [PYTEST ARGS, instead of every page, notebook and README block]

`uv run dev.py watch` makes that interpreter outside the project (the newest torch and NumPy, and the rest of
the `latest` environment's groups as uv.lock pins them) and runs this in it. It writes no record and changes
no file: it prints which blocks now print otherwise, as PAGE:LINE, and exits 1 when any do.
"""

from __future__ import annotations

import os
import re
import sys

import pytest

from primer import lock, matrix, paths

ENVIRONMENT = "latest"  # the Output blocks the newest torch is held to: its own, or the plain ones
LINE = re.compile(r"\bline[: ](\d+)")  # sybil's `...,line:519,...` and pytest-codeblocks' `line 291`


def block(nodeid: str) -> str:
    """Where a failed test's block is: PAGE:LINE for a page's block or a README block, the notebook for a
    notebook's check, else the test itself."""
    path, _, rest = nodeid.partition("::")
    source = matrix.source(nodeid)
    if source != path:  # a notebook
        return source
    found = LINE.search(rest)
    return f"{path}:{found.group(1)}" if found else nodeid


def reason(where: str, failure: str) -> str:
    """The first line of a failure that names the block (`docs/PAGE.md:LINE: ...`), without the place: whether
    it printed otherwise, raised, or did not finish in time (on a busy machine, no change of torch's)."""
    for line in failure.splitlines():
        if line.startswith(f"{where}: "):
            return line.removeprefix(f"{where}: ")[:160]
    return ""


def summary(torch_version: str, locked: str, blocks: list[str]) -> str:
    """What the watch reports: the torch it ran, and each block that differs, with why where the failure says."""
    head = f"watch: torch {torch_version} (the latest environment locks {locked})"
    if not blocks:
        return f"{head}: every block prints what the {ENVIRONMENT} environment's Output blocks show"
    listed = "\n".join(f"  {where}" for where in blocks)
    return (
        f"{head}: {len(blocks)} block(s) print otherwise than the {ENVIRONMENT} environment's Output blocks:\n{listed}"
    )


class Differing:
    """The blocks whose checks failed, in the order they were reported (with xdist, in the main process)."""

    def __init__(self) -> None:
        self.blocks: list[str] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if not report.failed:
            return
        where = block(report.nodeid)
        why = reason(where, report.longreprtext)
        entry = f"{where}: {why}" if why else where
        if not any(listed == where or listed.startswith(f"{where}: ") for listed in self.blocks):
            self.blocks.append(entry)


def main(argv: list[str]) -> int:
    import torch

    os.chdir(paths.ROOT)
    differing = Differing()
    # Arguments given, as matrix.main does with them: no record is written.
    code = pytest.main(
        ["-p", "no:cacheprovider", f"--environment={ENVIRONMENT}", *(argv or matrix.TARGETS)], plugins=[differing]
    )
    print(summary(torch.__version__, lock.versions(ENVIRONMENT)["torch"], differing.blocks), flush=True)
    if code and not differing.blocks:
        print(f"watch: pytest exited with {int(code)} before any block was checked (its message is above)", flush=True)
    return 1 if code or differing.blocks else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
