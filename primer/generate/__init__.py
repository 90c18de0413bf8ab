"""Everything the site shows that is made rather than written: `uv run dev.py generate` writes it all.

Each generator is a module with `render() -> {path: text}`; `tests/test_generated.py` proves every
committed file is what its generator makes now, and that the generated folders hold nothing else.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from primer import paths

# In the order they are written: the notebooks and scripts last, as the chapters they are made from include
# generated tables.
GENERATORS = ("figures", "benchmark_report", "tested_with", "notebooks", "chapter_code")
# Folders whose every file comes from a generator: a file left over there fails the freshness test.
GENERATED_FOLDERS = (paths.FIGURES, paths.NOTEBOOKS, paths.DOWNLOADS)


def render(names: tuple[str, ...] = GENERATORS) -> dict[Path, str]:
    files: dict[Path, str] = {}
    for name in names:
        files.update(importlib.import_module(f"primer.generate.{name}").render())
    return files
