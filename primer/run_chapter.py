"""Run one chapter's code on its own, as a script, in a scratch folder: `uv run dev.py run CHAPTER`.

The examples write files (a saved model, say) where they run; here that is `.scratch/CHAPTER/`, which
git ignores, never the project's root.
"""

from __future__ import annotations

import os
import runpy
import sys

from primer import paths


def main(argv: list[str]) -> None:
    modules = sorted(path.stem for path in paths.SNIPPETS.glob("*.py") if path.stem != "__init__")
    if len(argv) != 1 or argv[0].replace("-", "_") not in modules:
        sys.exit(f"usage: uv run dev.py run CHAPTER, one of: {', '.join(modules)}")
    module = argv[0].replace("-", "_")
    scratch = paths.ROOT / ".scratch" / module
    scratch.mkdir(parents=True, exist_ok=True)
    os.chdir(scratch)
    runpy.run_module(f"snippets.{module}", run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])
