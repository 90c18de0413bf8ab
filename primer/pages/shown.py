"""The site's reading of a page: the code blocks its HTML shows, in order, with their language, title, data
attributes and text. The checks run the harness's reading of the Markdown (blocks.py); `differences` holds the two
to each other for every page, so that a block the site shows and no check reads (or one the checks run and no
reader sees: inside an HTML comment, a fence the site does not take for one) fails with its page line."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from .blocks import Fence
from .expand import read_page, site_markdown


@dataclass(frozen=True)
class Shown:
    """A code block as the site shows it, reduced to what the checks read of a fence."""

    language: str
    title: str
    data: tuple[tuple[str, str], ...]  # its data-* attributes, sorted
    text: str  # its code, leading and trailing line breaks aside (the highlighter strips them)

    def describe(self) -> str:
        first = self.text.split("\n", 1)[0][:60]
        return (
            f"a {self.language or 'plain'} block" + (f" titled {self.title!r}" if self.title else "") + f" ({first!r})"
        )


def of_fence(fence: Fence) -> Shown:
    data = tuple(sorted((key, value) for key, value in fence.attributes.items() if key.startswith("data-")))
    return Shown(fence.language, fence.title, data, fence.source.strip("\n"))


class _Blocks(HTMLParser):
    """Collects each `div.highlight` outside comments (which the parser skips as the browser does)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Shown] = []
        self._block: dict | None = None
        self._depth = 0  # divs open inside the current block
        self._into: str | None = None  # "title" or "text": where character data goes

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        classes = attributes.get("class", "").split()
        if self._block is None:
            if tag == "div" and "highlight" in classes:
                language = next((c.removeprefix("language-") for c in classes if c.startswith("language-")), "")
                data = tuple(sorted((k, v) for k, v in attributes.items() if k.startswith("data-")))
                self._block, self._depth = {"language": language.lower(), "data": data, "title": "", "text": ""}, 1
            return
        if tag == "div":
            self._depth += 1
        elif tag == "span" and "filename" in classes:
            self._into = "title"
        elif tag == "code":
            self._into = "text"

    def handle_endtag(self, tag: str) -> None:
        if self._block is None:
            return
        if (tag == "span" and self._into == "title") or (tag == "code" and self._into == "text"):
            self._into = None
        elif tag == "div":
            self._depth -= 1
            if not self._depth:
                block = self._block
                self.blocks.append(Shown(block["language"], block["title"], block["data"], block["text"].strip("\n")))
                self._block = None

    def handle_data(self, data: str) -> None:
        if self._block is not None and self._into:
            self._block[self._into] += data


def site_blocks(page: Path, config_file: Path) -> list[Shown]:
    parser = _Blocks()
    parser.feed(site_markdown(config_file).convert(read_page(page)))
    parser.close()
    return parser.blocks


def differences(fences: list[Fence], shown: list[Shown]) -> tuple[dict[int, str], list[tuple[int, str]]]:
    """Where the two readings part: {index of a fence: what the site shows instead}, and [(index of the fence the
    site's extra block follows, or -1; that block)]."""
    read = [of_fence(fence) for fence in fences]
    not_shown: dict[int, str] = {}
    extra: list[tuple[int, str]] = []
    matcher = difflib.SequenceMatcher(a=read, b=shown, autojunk=False)
    for kind, first, last, other_first, other_last in matcher.get_opcodes():
        if kind == "equal":
            continue
        instead = shown[other_first:other_last]
        for offset, index in enumerate(range(first, last)):
            not_shown[index] = instead[offset].describe() if offset < len(instead) else "nothing"
        for block in instead[last - first :]:
            extra.append((last - 1, block.describe()))
    return not_shown, extra
