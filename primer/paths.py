"""Where the project's parts live, and which pages are chapters: each stated once, here."""

from __future__ import annotations

import functools
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "mkdocs.yml"
DOCS = ROOT / "docs"
SNIPPETS = ROOT / "snippets"
FIGURES = DOCS / "figures"
NOTEBOOKS = DOCS / "notebooks"
DOWNLOADS = DOCS / "downloads"
RESULTS = ROOT / "benchmarks" / "results"
MATRIX = ROOT / "matrix"  # the record of each environment's last matrix run
# Snippet modules that start processes of their own: the pages run them as scripts, never in a session.
SCRIPTS = ("ddp_training", "ddp_spawn", "ddp_accuracy")


@functools.cache
def nav(config: Path = CONFIG) -> dict[Path, str]:
    """The Markdown pages of the site's navigation, in reading order, with their titles there."""
    from mkdocs.utils.yaml import yaml_load

    def walk(entries) -> dict[str, str]:
        pages = {}
        for entry in entries:
            title, value = next(iter(entry.items())) if isinstance(entry, dict) else (entry, entry)
            pages.update(walk(value) if isinstance(value, list) else {value: title})
        return pages

    entries = yaml_load(config.read_text(encoding="utf-8"))["nav"]
    return {config.parent / "docs" / page: title for page, title in walk(entries).items()}
