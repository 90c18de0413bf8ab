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


@functools.cache
def nav_pages(config: Path = CONFIG) -> tuple[Path, ...]:
    """The Markdown pages of the site's navigation, in reading order."""
    from mkdocs.utils.yaml import yaml_load

    def walk(entries) -> list[str]:
        pages = []
        for entry in entries:
            value = next(iter(entry.values())) if isinstance(entry, dict) else entry
            pages.extend(walk(value) if isinstance(value, list) else [value])
        return pages

    nav = yaml_load(config.read_text(encoding="utf-8"))["nav"]
    return tuple(config.parent / "docs" / page for page in walk(nav))
