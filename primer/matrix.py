"""Run every docs page, notebook and README block in one environment, and record how each went.

    python -m primer.matrix ENV [PYTEST ARGS, instead of every page, notebook and README block]

`uv run dev.py test-matrix` runs this in each environment's own interpreter. It writes matrix/ENV.json:
the environment (torch version and build, Python, platform, GPU and its driver, date) and, for each page,
notebook and the README, whether it passed or the first difference found, which names the page and line.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
from pathlib import Path

import pytest

from primer import environments, machine, paths, records

TARGETS = ["docs", "README.md", "tests/test_notebooks.py"]


def source(nodeid: str) -> str:
    """The file a test checks: a docs page or the README, or a chapter's notebook."""
    path, _, rest = nodeid.partition("::")
    if path.endswith("test_notebooks.py"):
        return f"docs/notebooks/{rest.partition('[')[2].rstrip(']')}.ipynb"
    return path


class Outcomes:
    """Collects each test's outcome by the file it checks (with xdist, reports reach the main process)."""

    def __init__(self) -> None:
        self.by_source: dict[str, dict] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "call" and not report.failed:
            return
        entry = self.by_source.setdefault(source(report.nodeid), {"passed": 0, "failed": 0, "first_failure": None})
        if report.failed:
            entry["failed"] += 1
            if entry["first_failure"] is None:
                text = report.longreprtext.strip()
                entry["first_failure"] = "\n".join(text.splitlines()[:20])
        elif report.passed:
            entry["passed"] += 1


def environment_record(name: str) -> dict:
    """What a record says of the environment it was made in (its results aside)."""
    import torch

    record = {
        "environment": name,
        "build": f"CUDA {torch.version.cuda}" if torch.version.cuda else "CPU only",
        "driver": machine.nvidia_driver(),  # with the GPU (in machine), what a GPU's outputs depend on
        "date": datetime.date.today().isoformat(),
        "machine": machine.describe(),  # the schema every record shares
    }
    if environments.declared()[name].given:  # made on a machine elsewhere: say which, and from which commit
        described = record["machine"]["gpu"] or record["machine"]["cpu"]
        record["source"] = f"a run of this project on {described} on {record['date']}, at commit {machine.commit()}"
    return record


def record(name: str, results: dict[str, dict]) -> dict:
    """The record of a run in an environment, as matrix/ENV.json holds it."""
    return records.validate({**environment_record(name), "results": dict(sorted(results.items()))}, f"{name} run")


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in environments.names():
        sys.exit(f"usage: python -m primer.matrix ENV [PYTEST ARGS]; ENV one of {', '.join(environments.names())}")
    name, pytest_args = argv[0], argv[1:]
    os.chdir(paths.ROOT)
    outcomes = Outcomes()
    # Arguments replace the whole selection; such a partial run's outcomes describe it, not the environment.
    code = pytest.main(
        ["-p", "no:cacheprovider", f"--environment={name}", *(pytest_args or TARGETS)], plugins=[outcomes]
    )
    if pytest_args:
        return int(code)
    paths.MATRIX.mkdir(exist_ok=True)
    written = record(name, outcomes.by_source)
    path = paths.MATRIX / f"{name}.json"
    path.write_text(json.dumps(written, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    failed = [file for file, entry in written["results"].items() if entry["failed"]]
    print(
        f"{name}: {len(written['results']) - len(failed)} of {len(written['results'])} files passed; wrote "
        f"{Path(path).relative_to(paths.ROOT)}",
        flush=True,
    )
    return int(code)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
