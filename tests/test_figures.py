"""The committed figures are exactly what figures.py draws, and each is accessible."""

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import figures

ROOT = Path(__file__).resolve().parent.parent
RENDERED = figures.render()


def test_no_figure_is_missing_or_left_over() -> None:
    from benchmarks import report

    committed = {p.name for p in (ROOT / "docs" / "figures").glob("*.svg")}
    plots = {path.name for path in report.render() if path.suffix == ".svg"}
    assert committed == set(RENDERED) | plots, "run `.venv/bin/python figures.py` and commit docs/figures/"


@pytest.mark.parametrize("name", sorted(RENDERED))
def test_committed_figure_is_up_to_date(name: str) -> None:
    committed = (ROOT / "docs" / "figures" / name).read_text(encoding="utf-8")
    assert committed == RENDERED[name], f"docs/figures/{name} is stale: run `.venv/bin/python figures.py`"


@pytest.mark.parametrize("name", sorted(RENDERED))
def test_figure_is_well_formed_with_a_title(name: str) -> None:
    root = ET.fromstring(RENDERED[name])
    assert root.get("role") == "img"
    title = root.find("{http://www.w3.org/2000/svg}title")
    assert title is not None and title.text


def test_every_figure_on_a_page_has_alt_text() -> None:
    import re

    pages = {page.name: page.read_text() for page in (ROOT / "docs").rglob("*.md")}
    images = [(name, alt) for name, text in pages.items() for alt in re.findall(r"!\[([^\]]*)\]\(figures/", text)]
    assert images, "no figures found on any page"
    assert all(alt.strip() for _, alt in images), [name for name, alt in images if not alt.strip()]
