"""Every snippets module runs on its own, and every section it defines is shown on some page."""

import re
import runpy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODULES = sorted(p for p in (ROOT / "snippets").glob("*.py") if p.stem != "__init__")
SECTION = re.compile(r"--8<-- \[start:([\w-]+)\]")


@pytest.mark.parametrize("module", [m for m in MODULES if SECTION.search(m.read_text())], ids=lambda p: p.stem)
def test_module_runs_on_its_own(module: Path, capsys) -> None:
    runpy.run_module(f"snippets.{module.stem}", run_name="__main__")
    assert capsys.readouterr().out, f"python -m snippets.{module.stem} printed nothing"


def test_every_section_is_included_by_a_page() -> None:
    pages = "\n".join(page.read_text() for page in (ROOT / "docs").rglob("*.md"))
    unused = [
        f"snippets/{module.name}:{name}"
        for module in MODULES
        for name in SECTION.findall(module.read_text())
        if f'"snippets/{module.name}:{name}"' not in pages
    ]
    assert not unused, f"sections no page shows (dead code): {unused}"
