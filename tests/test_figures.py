"""The committed figures are exactly what figures.py draws, and each is accessible."""

import re
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


# The appendix's figures, by their number in the book, and the file that shows each on the site.
BOOK_FIGURES = {
    1: "three-components",
    2: "ai-ml-dl",
    3: "supervised-learning",
    4: "install-selector",
    5: "colab-gpu",
    6: "tensor-ranks",
    7: "computation-graph",
    8: "backpropagation",
    9: "multilayer-perceptron",
    10: "dataset-dataloader",
    11: "data-loader-workers",
    12: "ddp-model-data",
    13: "ddp-gradient-sync",
}
FIGURE = re.compile(
    r'^ *<figure markdown="span">\n *!\[[^\]]+\]\(figures/(?P<name>[\w-]+)\.svg\)\{ \.figure \}\n'
    r" *<figcaption>(?P<caption>.*?)</figcaption>\n *</figure>$",
    re.MULTILINE | re.DOTALL,
)


def test_every_figure_on_a_page_has_a_caption_and_the_book_figures_their_numbers() -> None:
    numbered, uncaptioned = {}, []
    for page in sorted((ROOT / "docs").glob("*.md")):
        text = page.read_text()
        captioned = FIGURE.findall(text)
        uncaptioned += [
            f"{page.name}: {name}"
            for name in re.findall(r"\]\(figures/([\w-]+)\.svg\)", text)
            if name not in {n for n, _ in captioned}
        ]
        for name, caption in captioned:
            if number := re.match(r"Figure A\.(\d+) ", caption):
                assert int(number[1]) not in numbered, f"Figure A.{number[1]} is captioned twice"
                numbered[int(number[1])] = name
    assert not uncaptioned, f"figures shown without a <figure> and <figcaption>: {uncaptioned}"
    assert numbered == BOOK_FIGURES
    assert set(BOOK_FIGURES.values()) == {name.removesuffix(".svg") for name in RENDERED}
