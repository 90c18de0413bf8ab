"""The records `uv run dev.py test-matrix` writes: how each page fared in each environment."""

from __future__ import annotations

import json

from primer import environments, paths


def load() -> dict[str, dict]:
    """The committed record of every declared environment that has one, in declaration order."""
    found = {}
    for name in environments.names():
        path = paths.MATRIX / f"{name}.json"
        if path.exists():
            found[name] = json.loads(path.read_text(encoding="utf-8"))
    return found


def label(record: dict) -> str:
    """e.g. `torch 2.15.0+cu132, CUDA 13.2 build, no GPU` or `..., on NVIDIA H200 (driver 580.159.04)`."""
    gpu = f"on {record['machine']['gpu']}" if record["machine"]["gpu"] else "no GPU"
    if record.get("driver"):
        gpu += f" (driver {record['driver']})"
    build = "CPU build" if record["build"] == "CPU only" else f"{record['build']} build"
    return f"torch {record['machine']['torch']}, {build}, {gpu}"


def verified(record: dict, page: str) -> bool:
    """Whether every check of a docs page (`tensors.md`) and of its notebook passed in that environment."""
    stem = page.removesuffix(".md")
    entries = [record["results"].get(f"docs/{page}"), record["results"].get(f"docs/notebooks/{stem}.ipynb")]
    ran = [entry for entry in entries if entry]
    return bool(ran) and not any(entry["failed"] for entry in ran)
