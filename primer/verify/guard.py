"""Counting Python blocks as the site renders them, to prove that none escapes the checks."""

from __future__ import annotations

import re
from pathlib import Path

from pygments.lexers import PythonConsoleLexer, PythonLexer, get_lexer_by_name
from pygments.util import ClassNotFound
from pytest_codeblocks.main import extract_from_file
from sybil import Document

from . import blocks, page
from .expand import expand_page, site_markdown

_HIGHLIGHTED = re.compile(r'<div class="language-([^\s"]+)')


def _is_python(language: str) -> bool:
    try:
        return isinstance(get_lexer_by_name(language), (PythonLexer, PythonConsoleLexer))
    except ClassNotFound:
        return False


def rendered_python_blocks(markdown_file: Path, config_file: Path) -> list[str]:
    """The language of every Python-highlighted block in the HTML the site makes of this file."""
    html = site_markdown(config_file).convert(markdown_file.read_text(encoding="utf-8"))
    return [language for language in _HIGHLIGHTED.findall(html) if _is_python(language)]


def unexecuted_fences(markdown_file: Path, config_file: Path) -> list[str]:
    """`page:line (language)` of each fence the site highlights as Python that the checks do not run."""
    expanded = expand_page(markdown_file, config_file)
    fences = blocks.Fences()(Document(expanded.text, str(markdown_file)))
    return [
        f"{expanded.origins[fence.first_line]} ({fence.language})"
        for fence in fences
        if _is_python(fence.language) and fence.language not in blocks.PYTHON_LANGUAGES
    ]


def executed_docs_blocks(markdown_file: Path) -> int:
    """How many Python blocks sybil runs on this docs page."""
    document = page.RenderedPage.parse(str(markdown_file), lambda document: blocks.regions(document, None))
    return sum(isinstance(region.parsed, blocks.PythonBlock) for _, region in document.regions)


def executed_codeblocks(markdown_file: Path) -> int:
    """How many Python blocks pytest-codeblocks runs in this file."""
    return sum(block.syntax == "python" for block in extract_from_file(markdown_file))
