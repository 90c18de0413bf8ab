"""What the site shows that the checks could miss beyond its code blocks (which each page's check holds to the
site's reading, shown.py): markup that could hide text the checks compare or draw text they never see, and the
README's Python blocks, which pytest-codeblocks runs."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from pytest_codeblocks.main import extract_from_file
from sybil import Document

from primer.pages import blocks
from primer.pages.expand import expand_page

# The raw HTML the pages may hold, with the attributes each may have: a figure with its caption (Material's way to
# caption an image). Anything else (a <style>, a <script>, a <div> that hides or draws text) is refused.
ALLOWED_HTML = {"figure": {"markdown"}, "figcaption": set()}
_TAG = re.compile(r"<(?P<name>[A-Za-z][\w-]*)(?P<attributes>(?:\s[^<>]*)?)/?>")
_HTML_ATTRIBUTE = re.compile(r"(?P<key>[\w:-]+)\s*(?:=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?")
# attr_list's `{ ... }` after an element: it may set a class or an id, not a style, `hidden` or an event handler.
_ATTR_LIST = re.compile(r"\{:?[^{}\n]*?(?<![\w-])(?P<key>style|hidden|on\w+)\s*=?[^{}\n]*\}")
_INLINE_CODE = re.compile(r"(`+)[^`]*?\1")


def unchecked_readme_blocks(markdown_file: Path) -> list[str]:
    """`file:line: what` of the README's blocks that would pass unchecked: Python that pytest-codeblocks does not
    run (a fence other than ```python, a block a marker skips or lets fail), and output shown right under a Python
    block without the marker that has pytest-codeblocks compare it."""
    name, text = markdown_file.name, markdown_file.read_text(encoding="utf-8")
    problems = [f"{name}: skipfile skips every block"] if "pytest-codeblocks:skipfile" in text else []
    for block in extract_from_file(markdown_file):
        if block.syntax == "python" and (block.marks or block.importorskip):
            problems.append(f"{name}:{block.lineno}: a marker skips this Python block, or lets it fail: it must run")
    fences = blocks.Fences()(Document(text, str(markdown_file)))
    for fence in fences:
        if fence.language != "python" and (
            fence.language in blocks.PYTHON_LANGUAGES or blocks.unrunnable(fence.language)
        ):
            problems.append(
                f"{name}:{fence.first_line + 1}: a {fence.language} block, which pytest-codeblocks does not run"
            )
    for code, shown in itertools.pairwise(fences):
        if code.language in blocks.PYTHON_LANGUAGES and shown.language in blocks.TEXT_LANGUAGES:
            if not text[code.end : shown.start].strip():
                problems.append(
                    f"{name}:{shown.first_line + 1}: output shown under a Python block without "
                    "<!--pytest-codeblocks:expected-output--> above it, so nothing compares it"
                )
    return problems


def hidden_markup(markdown_file: Path, config_file: Path) -> list[str]:
    """`page:line: what` of the raw HTML and attributes outside ALLOWED_HTML on a page, as the site expands it."""
    expanded = expand_page(markdown_file, config_file)
    text = list(expanded.text)
    for fence in blocks.Fences()(Document(expanded.text, str(markdown_file))):
        text[fence.start : fence.end] = [c if c == "\n" else " " for c in expanded.text[fence.start : fence.end]]
    problems = []
    for index, line in enumerate("".join(text).split("\n")):
        line = _INLINE_CODE.sub("", line)
        where = expanded.origins[index]
        for tag in _TAG.finditer(line):
            name = tag["name"].lower()
            keys = {attribute["key"].lower() for attribute in _HTML_ATTRIBUTE.finditer(tag["attributes"])}
            if name not in ALLOWED_HTML:
                problems.append(f"{where}: raw HTML <{name}>, which the pages may not hold")
            elif unexpected := keys - ALLOWED_HTML[name]:
                problems.append(f"{where}: <{name}> with {', '.join(sorted(unexpected))}, which it may not have")
        problems += [f"{where}: an attribute list sets {m['key']}" for m in _ATTR_LIST.finditer(line)]
    return problems
