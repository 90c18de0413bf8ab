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
# Figures of our own, not in the book: captioned, without a number.
OWN_FIGURES = {"toy-data", "training-loss"}
FIGURE = re.compile(
    r'^ *<figure markdown="span">\n *!\[[^\]]+\]\(figures/(?P<name>[\w-]+)\.svg\)\{ \.figure \}\n'
    r" *<figcaption>(?P<caption>.*?)</figcaption>\n *</figure>$",
    re.MULTILINE | re.DOTALL,
)


def test_every_figure_on_a_page_has_a_caption_and_the_book_figures_their_numbers() -> None:
    numbered, uncaptioned = {}, []
    for page in sorted(paths.DOCS.glob("*.md")):
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
    assert set(BOOK_FIGURES.values()) | OWN_FIGURES == {path.stem for path in DRAWN}
    assert not OWN_FIGURES & set(numbered.values()), "a figure of our own is numbered as one of the book's"


# A figure is scaled down to the width of the text on a phone: 390 px less Material's margins of 16 px either side.
PHONE_TEXT_WIDTH = 358
LEGIBLE = 10  # px: the smallest text, as rendered there


def rendered_text_sizes(svg: str) -> list[float]:
    """The size of each text of a figure, in px, as a phone renders it: font size x rendered width / viewBox width."""
    root = ET.fromstring(svg)
    width = float(root.get("viewBox").split()[2])
    scale = min(width, PHONE_TEXT_WIDTH) / width
    return [float(text.get("font-size")) * scale for text in root.iter("{http://www.w3.org/2000/svg}text")]


@pytest.mark.parametrize("name", sorted(OWN_FIGURES))
def test_our_figures_are_legible_on_a_phone(name: str) -> None:
    sizes = rendered_text_sizes(DRAWN[paths.FIGURES / f"{name}.svg"])
    assert sizes and min(sizes) >= LEGIBLE, f"{name}.svg: its smallest text renders at {min(sizes):.1f} px on a phone"


def test_the_loss_curve_is_drawn_from_the_training_loops_output_block() -> None:
    page = (paths.DOCS / "training-loop.md").read_text(encoding="utf-8")
    shown = re.findall(r"Train Loss: ([\d.]+)", page)
    assert [f"{loss:.2f}" for *_, loss in figures.training_losses()] == shown
    drawn = ET.fromstring(DRAWN[paths.FIGURES / "training-loss.svg"])
    labels = [text.text for text in drawn.iter("{http://www.w3.org/2000/svg}text")]
    assert all(loss in labels for loss in shown), labels


def test_the_toy_data_plot_shows_every_example_of_the_data_set() -> None:
    data = figures.toy_data_set()
    drawn = ET.fromstring(DRAWN[paths.FIGURES / "toy-data.svg"])
    marks = [e for e in drawn if e.tag.endswith(("circle", "rect")) and e.get("stroke-width") in ("1.5", "2.5")]
    examples = len(data["X_train"]) + len(data["X_test"])
    assert len(marks) == examples + 4  # and the legend's four
