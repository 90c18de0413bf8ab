"""The records `uv run dev.py test-matrix` writes: how each page fared in each environment."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from primer import environments, paths
from primer.pages.expand import expand_page


class Malformed(ValueError):
    """A record that is not what `dev.py test-matrix` writes: the message names the file and what is wrong."""


# Each key of a record, with what its value must be. A record is data: it is read with json, never run.
_TEXT, _COUNT, _MAYBE_TEXT = (str,), (int,), (str, type(None))
FIELDS = {"environment": _TEXT, "build": _TEXT, "driver": _MAYBE_TEXT, "date": _TEXT, "machine": (dict,)}
MACHINE = {"cpu": _TEXT, "cpu_cores": _COUNT, "gpu": _MAYBE_TEXT, "torch": _TEXT, "python": _TEXT, "platform": _TEXT}
RESULT = {"passed": _COUNT, "failed": _COUNT, "first_failure": _MAYBE_TEXT}


def _check(where: str, table: object, fields: dict[str, tuple[type, ...]]) -> None:
    if not isinstance(table, dict):
        raise Malformed(f"{where} is {type(table).__name__}, not an object")
    for key, types in fields.items():
        if key not in table:
            raise Malformed(f"{where} has no {key!r}")
        if not isinstance(table[key], types) or isinstance(table[key], bool):
            raise Malformed(f"{where}: {key!r} is {table[key]!r}, not {' or '.join(t.__name__ for t in types)}")


def validate(record: object, where: str) -> dict:
    """The record, if it has every field a run writes, each of its type; else Malformed, saying what is wrong.
    A given environment's record (`gpu`, from a machine elsewhere) says where it was made (`source`)."""
    _check(where, record, FIELDS)
    assert isinstance(record, dict)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", record["date"]):
        raise Malformed(f"{where}: date {record['date']!r} is not YYYY-MM-DD")
    _check(f"{where}: machine", record["machine"], MACHINE)
    declared = environments.declared().get(record["environment"])
    if declared and declared.given:
        _check(where, record, {"source": _TEXT})
    _check(where, record, {"results": (dict,)})
    for file, result in record["results"].items():
        _check(f"{where}: results[{file!r}]", result, RESULT)
    return record


def read(path: Path) -> dict:
    """One record file, validated."""
    where = path.relative_to(paths.ROOT).as_posix() if path.is_relative_to(paths.ROOT) else str(path)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise Malformed(f"{where} is not JSON: {error}") from None
    return validate(record, where)


MACHINES = paths.MATRIX / "machines"  # the records of `dev.py check-machine`, one file per machine and run
# What a machine record adds to an environment's: what it ran on (machine.system_facts) and at which pages.
MACHINE_FIELDS = {"system": _TEXT, "accelerator": _TEXT, "commit": _MAYBE_TEXT, "digests": (dict,)}


def digest(page: Path, config: Path = paths.CONFIG) -> str:
    """A page's fingerprint: what it shows, its includes expanded as the site expands them (a snippet module of
    any name, or one several pages share), and its notebook, with line endings as git checks them in (a Windows
    checkout has CRLF)."""
    parts = [expand_page(page, config).text]
    notebook = page.parent / "notebooks" / f"{page.stem}.ipynb"
    if notebook.is_file():
        parts.append(notebook.read_text(encoding="utf-8"))
    return hashlib.sha256("\0".join(parts).replace("\r\n", "\n").encode()).hexdigest()[:16]


def digests() -> dict[str, str]:
    """Each page's fingerprint. A machine record keeps them, so a later page tells it is stale."""
    return {
        f"docs/{page.name}": digest(page)
        for page in sorted(paths.DOCS.glob("*.md"))
        if page.name != "tested-with.md"  # made from the records themselves
    }


def changed_since(record: dict) -> list[str]:
    """The pages a machine record covers that have changed since it was made (or were added)."""
    now = digests()
    return [page for page, digest in now.items() if record["digests"].get(page) != digest]


def passed_pages(record: dict) -> tuple[int, int]:
    """How many pages (and the README) of a run passed, of how many ran."""
    pages = [entry for file, entry in record["results"].items() if file.endswith(".md")]
    return sum(not entry["failed"] for entry in pages), len(pages)


def machines() -> list[tuple[str, dict]]:
    """Every machine record, validated, newest first."""
    found = [(path.stem, read(path)) for path in sorted(MACHINES.glob("*.json"))]
    for name, record in found:
        _check(f"matrix/machines/{name}.json", record, MACHINE_FIELDS)
    return sorted(found, key=lambda item: item[1]["date"], reverse=True)


def load() -> dict[str, dict]:
    """The committed record of every declared environment that has one, in declaration order."""
    found = {}
    for name in environments.names():
        path = paths.MATRIX / f"{name}.json"
        if path.exists():
            found[name] = read(path)
    return found


def label(record: dict) -> str:
    """e.g. `torch 2.15.0+cu132, CUDA 13.2 build, no GPU` or `..., on NVIDIA H200 (driver 580.159.04)`."""
    gpu = f"on {record['machine']['gpu']}" if record["machine"]["gpu"] else "no GPU"
    if record.get("driver"):
        gpu += f" (driver {record['driver']})"
    build = "CPU build" if record["build"] == "CPU only" else f"{record['build']} build"
    return f"torch {record['machine']['torch']}, {build}, {gpu}"


def _entries(record: dict, page: str) -> list[dict]:
    stem = page.removesuffix(".md")
    keys = (f"docs/{page}", f"docs/notebooks/{stem}.ipynb", f"docs/notebooks/{stem}.py")
    return [entry for key in keys if (entry := record["results"].get(key))]


def ran(record: dict, page: str) -> bool:
    """Whether the run in that environment checked a docs page (`tensors.md`), its notebook or its script at all."""
    return bool(_entries(record, page))


def verified(record: dict, page: str) -> bool:
    """Whether every check of a docs page (`tensors.md`), of its notebook and of its script passed there."""
    entries = _entries(record, page)
    return bool(entries) and not any(entry["failed"] for entry in entries)
