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

from primer import environments, machine, paths, pinned, records

TARGETS = ["docs", "README.md", "tests/test_notebooks.py", "tests/test_chapter_scripts.py"]


def source(nodeid: str) -> str:
    """The file a test checks: a docs page or the README, or a chapter's notebook or script."""
    path, _, rest = nodeid.partition("::")
    if path.endswith(("test_notebooks.py", "test_chapter_scripts.py")):
        suffix = "ipynb" if path.endswith("test_notebooks.py") else "py"
        return f"docs/notebooks/{rest.partition('[')[2].rstrip(']')}.{suffix}"
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
    """The record of a run in an environment, as matrix/ENV.json holds it; a run on a GPU pins the outputs only
    it can check (primer/pinned.py)."""
    written = {**environment_record(name), "results": dict(sorted(results.items()))}
    if written["machine"]["gpu"]:
        written["pinned"] = pinned.entries(written["results"])
    return records.validate(written, f"{name} run")


def machine_record(name: str, results: dict[str, dict]) -> tuple[str, dict]:
    """The record of a run on a reader's machine, and its file name: the environment's record, with what
    the machine is and the pages' fingerprints at the time."""
    written = {**record(name, results), **machine.system_facts(), "commit": machine.commit(), "digests": {}}
    written["digests"] = records.digests()
    return machine.record_name({**written["machine"], **written}), written


MACHINE = "--machine"  # write the record of this machine (`dev.py check-machine`), not the environment's


def write_machine_record(name: str, results: dict[str, dict]) -> Path:
    file_name, written = machine_record(name, results)
    records.MACHINES.mkdir(parents=True, exist_ok=True)
    path = records.MACHINES / f"{file_name}.json"
    path.write_text(json.dumps(written, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    passed, ran = records.passed_pages(written)
    where = path.relative_to(paths.ROOT).as_posix()
    print(
        f"\n{passed} of {ran} pages pass on this machine ({written['system']}, {written['accelerator']}, torch "
        f"{written['machine']['torch']}, Python {written['machine']['python']}).\nThe record is {where}: "
        "send it to the project as a pull request adding that file (README: Verified on your machine).",
        flush=True,
    )
    return path


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in environments.names():
        known = ", ".join(environments.names())
        sys.exit(f"usage: python -m primer.matrix ENV [{MACHINE}] [PYTEST ARGS]; ENV one of {known}")
    name, pytest_args = argv[0], argv[1:]
    on_machine = MACHINE in pytest_args
    pytest_args = [arg for arg in pytest_args if arg != MACHINE]
    os.chdir(paths.ROOT)
    outcomes = Outcomes()
    # Arguments replace the whole selection; such a partial run's outcomes describe it, not the environment.
    code = pytest.main(
        ["-p", "no:cacheprovider", f"--environment={name}", *(pytest_args or TARGETS)], plugins=[outcomes]
    )
    if pytest_args:
        return int(code)
    if on_machine:
        write_machine_record(name, outcomes.by_source)
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
