"""Every figure is accessible and shown on a page."""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from primer import paths
from primer.generate import figures

DRAWN = figures.render()
PAGES = {page: page.read_text(encoding="utf-8") for page in paths.DOCS.rglob("*.md")}


@pytest.mark.parametrize("path", sorted(DRAWN), ids=lambda p: p.name)
def test_figure_is_well_formed_with_a_title(path: Path) -> None:
    root = ET.fromstring(DRAWN[path])
    assert root.get("role") == "img"
    title = root.find("{http://www.w3.org/2000/svg}title")
    assert title is not None and title.text


@pytest.mark.parametrize("path", sorted(paths.FIGURES.glob("*.svg")), ids=lambda p: p.name)
def test_figure_is_shown_on_a_page(path: Path) -> None:
    assert any(f"figures/{path.name}" in text for text in PAGES.values()), f"no page shows figures/{path.name}"


def test_every_figure_on_a_page_has_alt_text() -> None:
    images = [(page.name, alt) for page, text in PAGES.items() for alt in re.findall(r"!\[([^\]]*)\]\(figures/", text)]
    assert images, "no figures found on any page"
    assert all(alt.strip() for _, alt in images), [name for name, alt in images if not alt.strip()]
