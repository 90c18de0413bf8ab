"""Expand a docs page the way the site does, remembering where every line came from.

The site expands `--8<--` includes with pymdownx.snippets, configured in mkdocs.yml. We run that very
preprocessor with that very configuration, so the tests see the page the reader sees. To know where each
expanded line came from, every line entering the preprocessor carries an invisible origin tag
(``\\x1e<path>\\x1f<line>\\x1e``) placed after its indentation, so the preprocessor's own section
extraction and dedenting work unchanged; the tags are stripped afterwards.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path

import markdown
from mkdocs.config import load_config
from mkdocs.utils.meta import YAML_RE
from pymdownx.snippets import SnippetExtension, SnippetMissingError, SnippetPreprocessor

# Python-Markdown expands tabs to this many columns before it reads a page (mkdocs.yml keeps its default): the site
# shows every tab, in code and in output, as spaces to the next multiple of it.
TAB_LENGTH = markdown.Markdown().tab_length
TAG = re.compile(r"^([ \t]*)\x1e([^\x1f]*)\x1f(\d+)\x1e")


class IncludeError(Exception):
    """A page includes a file or section that does not exist."""


@dataclass(frozen=True)
class Origin:
    """Where a line of an expanded page was written: a file (relative to the project) and a 1-based line."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


def location(page: Origin, origins: list[Origin]) -> str:
    """Where a block is: its page line, and the file lines its code came from."""
    spans: list[list] = []
    for origin in origins:
        if spans and spans[-1][0] == origin.path and spans[-1][2] + 1 == origin.line:
            spans[-1][2] = origin.line
        else:
            spans.append([origin.path, origin.line, origin.line])
    code = ", ".join(f"{path}:{first}-{last}" for path, first, last in spans) or "empty block"
    return f"{page} (code: {code})"


@dataclass(frozen=True)
class ExpandedPage:
    text: str
    origins: list[Origin]  # one per line of `text`


def _tag(line: str, path: str, number: int) -> str:
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    return f"{indent}\x1e{path}\x1f{number}\x1e{line[len(indent) :]}"


class IncludesStayInside(SnippetPreprocessor):
    """pymdownx.snippets, refusing a file reached through a symbolic link: an include shows the project's own
    files, never one a committed link points to (`snippets/x.txt -> /etc/passwd`)."""

    def get_snippet_path(self, path):
        found = super().get_snippet_path(path)
        if found:
            for base, _ in self.get_bases():
                inside = os.path.join(os.path.realpath(base), os.path.relpath(found, base))
                if not os.path.relpath(found, base).startswith(os.pardir) and os.path.realpath(found) != inside:
                    raise SnippetMissingError(f"Snippet at path '{path}' is reached through a symbolic link: refused")
        return found


class SnippetsInside(SnippetExtension):
    """The pymdownx.snippets extension with IncludesStayInside; the MkDocs hook builds the site with it."""

    def extendMarkdown(self, md):
        super().extendMarkdown(md)
        md.preprocessors.register(IncludesStayInside(self.getConfigs(), md), "snippet", 32)


class _TracingSnippets(IncludesStayInside):
    """pymdownx.snippets as the site runs it, except that included lines are tagged with their origin."""

    def __init__(self, config: dict, md: markdown.Markdown, root: Path) -> None:
        super().__init__(config, md)
        self.root = root
        self.read: list[tuple[str, list[str], list[int]]] = []  # each file's lines, for an include's error

    def relative(self, path: str) -> str:
        return Path(path).resolve().relative_to(self.root).as_posix()

    def tag_notation_free(self, lines: list[str], numbers: list[int], path: str, is_section: bool) -> list[str]:
        # Include directives must stay untagged or the preprocessor would no longer see them; blank
        # lines stay untagged so that dedenting ignores them, as it does for the site.
        mask = self.get_syntax_mask(lines, is_section=is_section)
        self.read.append((path, lines, numbers))
        return [
            line if notation or not line.strip() else _tag(line, path, number)
            for line, number, notation in zip(lines, numbers, mask)
        ]

    def process_snippet_lines(self, lines: list[str], target: dict) -> list[str]:
        # Number the file's lines, let the real selection logic pick the same lines, and read the numbers back.
        numbered = [f"\x1d{n}\x1d{line}" for n, line in enumerate(self.read_lines(target["snippet"]), 1)]
        picked = self.select_snippet_lines(numbered, target)
        numbers = [int(line.lstrip(" \t").split("\x1d")[1]) for line in picked]
        if len(numbers) != len(lines):  # pragma: no cover - would mean pymdownx changed how it selects
            raise RuntimeError(f"cannot trace the lines included from {target['snippet']}")
        is_section = target["section"] is not None
        return self.tag_notation_free(lines, numbers, self.relative(target["snippet"]), is_section)


@functools.cache
def _site_markdown(config_file: Path) -> tuple[markdown.Markdown, dict]:
    # Only the Markdown configuration matters here. Plugins, hooks, the theme's custom templates and the watched
    # folders play no part in it (and loading plugins twice in one process fails).
    config = load_config(str(config_file), plugins=[], hooks=[], theme={"name": "material"}, watch=[])
    configs = dict(config["mdx_configs"])
    snippets = SnippetExtension(**configs.pop("pymdownx.snippets", {})).getConfigs()
    # mkdocs resolves base paths against the folder it runs in: the project root.
    snippets["base_path"] = [str(config_file.parent / base) for base in snippets["base_path"]]
    # As the site hook builds the site: its include reader, which refuses symbolic links.
    extensions = [
        SnippetsInside(**snippets) if name == "pymdownx.snippets" else name for name in config["markdown_extensions"]
    ]
    md = markdown.Markdown(extensions=extensions, extension_configs=configs)
    return md, snippets


def read_page(page: Path) -> str:
    """A page's Markdown as MkDocs reads it: its front matter (`---` YAML `---`, such as a search boost) is not
    text, and becomes blank lines, so that every other line keeps its number."""
    text = page.read_text(encoding="utf-8")
    if match := YAML_RE.match(text):
        return "\n" * match[0].count("\n") + text[match.end() :]
    return text


def title(page: Path) -> str:
    """The page's title: its first `# ` heading."""
    return next(line[2:] for line in read_page(page).split("\n") if line.startswith("# "))


def expand_page(page: Path, config_file: Path) -> ExpandedPage:
    """Return the page as the site reads it (includes expanded, tabs as spaces), with the origin of every line."""
    root = config_file.parent.resolve()
    md, snippet_config = _site_markdown(config_file)
    preprocessor = _TracingSnippets(snippet_config, md, root)
    lines = read_page(page).split("\n")
    page_path = preprocessor.relative(str(page))
    tagged = preprocessor.tag_notation_free(lines, list(range(1, len(lines) + 1)), page_path, is_section=False)
    try:
        expanded = preprocessor.run(tagged)
    except SnippetMissingError as error:
        raise IncludeError(f"{_directive(preprocessor.read, str(error))}: {error}") from None

    text_lines: list[str] = []
    origins: list[Origin] = []
    for line in expanded:
        match = TAG.match(line)
        if match:
            origins.append(Origin(match[2], int(match[3])))
            line = match[1] + line[match.end() :]
        else:  # a blank line: it follows the line before it
            previous = origins[-1] if origins else Origin(page_path, 0)
            origins.append(Origin(previous.path, previous.line + 1))
        text_lines.append(line.expandtabs(TAB_LENGTH))  # as the site reads it
    return ExpandedPage("\n".join(text_lines), origins)


def _directive(read: list[tuple[str, list[str], list[int]]], message: str) -> str:
    """`file:line` of the include directive that a pymdownx.snippets error message quotes, in the page or in a
    file it includes."""
    quoted = re.search(r"'([^']+)'", message)
    for path, lines, numbers in read:
        for line, number in zip(lines, numbers):
            if quoted and "--8<--" in line and quoted[1] in line:
                return f"{path}:{number}"
    return read[0][0]


def include(target: str, config_file: Path) -> str:
    """The text a page gets from `--8<-- "target"`, e.g. to run exactly the code a page shows."""
    md, snippet_config = _site_markdown(config_file)
    preprocessor = SnippetPreprocessor(snippet_config, md)
    try:
        return "\n".join(preprocessor.run([f'--8<-- "{target}"']))
    except SnippetMissingError as error:
        raise IncludeError(str(error)) from None


def site_markdown(config_file: Path) -> markdown.Markdown:
    """The Markdown converter configured exactly as the site's."""
    md, _ = _site_markdown(config_file)
    md.reset()
    return md
