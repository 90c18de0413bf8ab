"""Every snippets module runs on its own, and every section it defines is shown on some page."""

import re
import runpy
import sys
from pathlib import Path

import pytest

from primer import paths
from primer.paths import ROOT

MODULES = sorted(p for p in (ROOT / "snippets").glob("*.py") if p.stem != "__init__")
SECTION = re.compile(r"--8<-- \[start:([\w-]+)\]")


@pytest.mark.parametrize("module", [m for m in MODULES if m.stem not in paths.SCRIPTS], ids=lambda p: p.stem)
def test_module_runs_on_its_own(module: Path, monkeypatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)  # some examples write files, as a reader's would
    name = f"snippets.{module.stem}"
    monkeypatch.delitem(sys.modules, name, raising=False)  # run it afresh, not as the copy others imported
    runpy.run_module(name, run_name="__main__")


def test_every_section_is_included_by_a_page() -> None:
    pages = "\n".join(page.read_text() for page in (ROOT / "docs").rglob("*.md"))
    unused = [
        f"snippets/{module.name}:{name}"
        for module in MODULES
        for name in SECTION.findall(module.read_text())
        if f'"snippets/{module.name}:{name}"' not in pages
    ]
    assert not unused, f"sections no page shows (dead code): {unused}"
