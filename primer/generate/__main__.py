"""Write every generated file: `python -m primer.generate [GENERATOR ...]` (what `uv run dev.py generate` runs)."""

from __future__ import annotations

import argparse

from primer import paths
from primer.generate import GENERATED_FOLDERS, GENERATORS, render


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("generators", nargs="*", metavar="GENERATOR", help=f"one of {', '.join(GENERATORS)}")
    requested = parser.parse_args().generators
    if unknown := set(requested) - set(GENERATORS):
        parser.error(f"unknown generator(s): {', '.join(sorted(unknown))}")
    names = tuple(name for name in GENERATORS if name in requested) or GENERATORS
    files = {}
    for name in names:  # each written before the next reads the pages: one run makes everything current
        made = render((name,))
        for path, text in made.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
                print(f"wrote {path.relative_to(paths.ROOT)}")
        files |= made
    if names == GENERATORS:  # only a full run knows every file that should exist
        for folder in GENERATED_FOLDERS:
            for path in sorted(folder.iterdir()):
                if path.is_file() and path not in files:
                    path.unlink()
                    print(f"removed {path.relative_to(paths.ROOT)} (no generator makes it)")
    print(f"{len(files)} generated files up to date")


if __name__ == "__main__":
    main()
