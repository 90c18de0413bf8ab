"""Every generated file is committed as its generator makes it now, and nothing else sits among them."""

from pathlib import Path

import pytest

from primer import generate, paths

RENDERED = generate.render()
FIX = "run `uv run dev.py generate` and commit the result"


@pytest.mark.parametrize("path", sorted(RENDERED), ids=lambda p: str(p.relative_to(paths.ROOT)))
def test_committed_file_is_what_its_generator_makes(path: Path) -> None:
    assert path.is_file(), f"{path.relative_to(paths.ROOT)} is missing: {FIX}"
    assert path.read_text(encoding="utf-8") == RENDERED[path], f"{path.relative_to(paths.ROOT)} is stale: {FIX}"


@pytest.mark.parametrize("folder", generate.GENERATED_FOLDERS, ids=lambda p: str(p.relative_to(paths.ROOT)))
def test_generated_folder_holds_only_generated_files(folder: Path) -> None:
    left_over = [str(p.relative_to(paths.ROOT)) for p in folder.iterdir() if p.is_file() and p not in RENDERED]
    assert not left_over, f"no generator makes {left_over}: {FIX}"
