"""The "Tested with" page: each chapter in each environment, from the records of `dev.py test-matrix`."""

from __future__ import annotations

from pathlib import Path

from primer import environments, paths, pinned, records
from primer.chapters import chapters

PAGE = paths.DOCS / "tested-with.md"
INTRO = """\
# Tested with

Every example on this site runs in each of the environments below, and what it prints is compared with
the page. The outputs on the pages come from the reference environment; elsewhere only a value that truly
differs there (a version number, say) may differ, and where an output changed between versions of
PyTorch the page shows each one. This page is generated from the records of the last run
(`uv run dev.py test-matrix`).
"""
MACHINES = """\
## Readers' machines

Each row is a record of every page run on a reader's or contributor's own machine: `uv run dev.py check-machine`
writes it into `matrix/machines/`, and a pull request adding that file brings it here (see the README, *Verified
on your machine*). Where a page has changed since, the record no longer covers what it shows.\
"""
PINNED = """\
## Outputs from a GPU

A few Output blocks show what a machine with an NVIDIA GPU prints. The machines that run the checks on every
change have no GPU, so these outputs were copied from a run of this project on a GPU machine, and only a run
on such a machine can compare them again. A test fails if a page shows other text than that run printed. Each
row says which run printed the block as the page shows it now, or, where the page has changed since, that a GPU
run has yet to check it."""
PENDING = "recorded, run pending"  # a record with a source and no results of its own: the page's cell
NOT_RUN = "not run yet"  # a page the environment's last run did not have (a chapter added since): reported, not failed


def _first_line(failure: str) -> str:
    line = next((line for line in failure.splitlines() if line.strip()), "failed")
    return line.strip().replace("|", "\\|")


def gpu_provenance(block: pinned.Pinned, gpu: dict | None) -> str:
    """Where a GPU output comes from, in words: the run that checked it as shown, or the run it was copied from
    and that no GPU run has checked the page since."""
    checked = pinned.checked_by(block, gpu)
    if gpu and checked != pinned.checked_by(block, None):
        return f"checked on an {checked}"
    if gpu and "source" in gpu:
        return f"copied from {gpu['source']}; not yet checked again by a GPU run since the page changed"
    return "no GPU run has checked it yet"


def sourced(found: dict[str, dict]) -> list[tuple[str, dict]]:
    """The records that say where their outputs come from (the `gpu` one, written from a run elsewhere)."""
    return [(name, record) for name, record in found.items() if "source" in record]


def render() -> dict[Path, str]:
    found = records.load()
    lines = [INTRO, "| Environment | PyTorch | Python | Platform | Run on |", "| --- | --- | --- | --- | --- |"]
    for name, record in found.items():
        machine = record["machine"]
        lines.append(
            f"| `{name}` | {records.label(record)} | {machine['python']} | {machine['platform']} | {record['date']} |"
        )
    for name, record in sourced(found):
        pending = " The run of the current pages there is pending." if not record["results"] else ""
        lines.append(f"\nThe `{name}` outputs on the pages were recorded in {record['source']}.{pending}")
    lines += ["", "| Chapter | " + " | ".join(f"`{name}`" for name in found) + " |"]
    lines.append("| --- |" + " :---: |" * len(found))
    reasons: list[str] = []
    for page, title in paths.nav().items():
        page_name = page.relative_to(paths.DOCS).as_posix()
        ran = [record for record in found.values() if f"docs/{page_name}" in record["results"]]
        if page == PAGE or not (ran or page.stem in chapters()):
            continue
        cells = []
        for name, record in found.items():
            if "source" in record and not record["results"]:
                cells.append(PENDING)
                continue
            if not records.ran(record, page_name):
                cells.append(NOT_RUN)
                continue
            if records.verified(record, page_name):
                cells.append("✔")
                continue
            failures = [
                entry["first_failure"]
                for key, entry in record["results"].items()
                if entry["failed"] and key.startswith((f"docs/{page_name}", f"docs/notebooks/{page.stem}."))
            ]
            reasons.append(f"`{name}`, {title}: {_first_line(failures[0]) if failures else 'not run'}")
            cells.append(f"✗ [{len(reasons)}](#failure-{len(reasons)})")
        lines.append(f"| [{title}]({page_name}) | " + " | ".join(cells) + " |")
    if reasons:
        lines += ["", "Failures:", ""]
        lines += [f'{number}. <span id="failure-{number}"></span>{reason}' for number, reason in enumerate(reasons, 1)]
    lines += ["", MACHINES, "", "| Machine | Date | Pages passed | Pages changed since |", "| --- | --- | --- | --- |"]
    for _, record in records.machines():
        passed, ran = records.passed_pages(record)
        changed = ", ".join(
            f"[{page.removeprefix('docs/')}]({page.removeprefix('docs/')})" for page in records.changed_since(record)
        )
        facts = (record["system"], record["machine"]["cpu"], record["accelerator"])
        described = ", ".join(facts) + f", torch {record['machine']['torch']}, Python {record['machine']['python']}"
        lines.append(f"| {described} | {record['date']} | {passed} of {ran} | {changed or 'none'} |")
    lines += ["", PINNED, "", "| Output block | Page | Printed by |", "| --- | --- | --- |"]
    gpu = found.get(environments.GPU)
    for block in pinned.everywhere():
        page_name = block.page.removeprefix("docs/")
        lines.append(
            f"| {block.title} | [{page_name}]({page_name}), line {block.line} | {gpu_provenance(block, gpu)} |"
        )
    return {PAGE: "\n".join(lines) + "\n"}
