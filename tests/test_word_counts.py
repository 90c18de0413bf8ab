"""No chapter of the appendix, and not Setting up, is longer than a reader takes in at one sitting.

A chapter is a page of the navigation's "Appendix A" section (A.1 to A.9, and the page that takes A.9's
platform depth); Setting up is the other page every reader goes through. Reference pages a reader scans with
their table of contents (Common errors, the Glossary, the FAQ) have no limit. What is counted is the prose
as the site renders it: the page with its includes, without its code and Output blocks; inline code, tables
and figure captions count.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from mkdocs.utils.yaml import yaml_load

from primer import paths
from primer.pages.expand import read_page, site_markdown

LIMIT = 2000  # words of prose per page
SECTION = "Appendix A"
ALSO = ("setting-up.md",)
WORD = re.compile(r"\w")  # a token counts as a word when it holds a letter or a digit ("|" and "→" do not)


def limited_pages(config: Path = paths.CONFIG) -> list[Path]:
    """The pages under the limit: the navigation's "Appendix A" section, and Setting up."""
    nav = yaml_load(config.read_text(encoding="utf-8"))["nav"]
    section = next(entry[SECTION] for entry in nav if isinstance(entry, dict) and SECTION in entry)
    pages = [next(iter(entry.values())) if isinstance(entry, dict) else entry for entry in section]
    return [paths.DOCS / page for page in (*pages, *ALSO)]


class _Prose(HTMLParser):
    """The text of a rendered page outside its code blocks (`div.highlight`) and heading anchors (the ¶)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self._skipping: list[str] = []  # the tags of the skipped elements now open, outermost first

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if self._skipping:
            self._skipping.append(tag)
        elif ("highlight" in classes and tag == "div") or tag == "pre" or "headerlink" in classes:
            self._skipping.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass  # <img>, <br>: no text of their own (an image's alt text is read by a screen reader, not counted)

    def handle_endtag(self, tag: str) -> None:
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()
        self.text.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.text.append(data)


def prose_words(markdown_text: str, config: Path = paths.CONFIG) -> int:
    """How many words of prose the page renders, code and Output blocks left out."""
    parser = _Prose()
    parser.feed(site_markdown(config).convert(markdown_text))
    parser.close()
    return sum(1 for token in "".join(parser.text).split() if WORD.search(token))


def test_the_limited_pages_are_the_appendix_chapters_and_setting_up() -> None:
    names = [page.name for page in limited_pages()]
    assert names[:9] == [
        "what-is-pytorch.md",
        "tensors.md",
        "computation-graphs.md",
        "autograd.md",
        "multilayer-networks.md",
        "data-loaders.md",
        "training-loop.md",
        "saving-and-loading.md",
        "gpu-training.md",
    ], names
    assert "setting-up.md" in names and "common-errors.md" not in names


def test_code_and_outputs_are_not_counted_and_prose_is() -> None:
    page = (
        "Two words.\n\n```python\nprint('many words in code here')\n```\n\n```text title=\"Output\"\nmany words\n```\n"
    )
    assert prose_words(page) == 2
    assert prose_words("Some `inline code`.\n\n| a | b |\n| --- | --- |\n| c | → |\n") == 6


@pytest.mark.parametrize("page", limited_pages(), ids=lambda page: page.name)
def test_the_page_is_at_most_the_limit_in_words_of_prose(page: Path) -> None:
    words = prose_words(read_page(page))
    assert words <= LIMIT, (
        f"docs/{page.name} has {words} words of prose, more than {LIMIT}: split it, or move reference material "
        "to a page of its own"
    )
