"""Finding the Python blocks of a page and the Output block shown under each.

sybil's own Markdown parser only runs fences whose info string is exactly ``python``; a ``py`` fence or a
``python title="x.py"`` fence would be skipped and "pass". This parser reads the whole info string, in
either of the forms pymdownx.superfences accepts (``python title="x"`` and ``{ .python title="x" }``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from sybil import Document, Region
from sybil.parsers.markdown.lexers import RawFencedCodeBlockLexer

PYTHON_LANGUAGES = frozenset({"python", "py", "python3", "py3"})
CONSOLE_LANGUAGES = frozenset({"console"})  # shell sessions whose `$ ` commands are run; `shell` is only shown
OUTPUT_TITLE = "Output"
STDERR_TITLE = "Output (stderr)"  # what the code writes to stderr, warnings included, under its Output block

_INFO = re.compile(r"(?P<info>[^\n]*)$\n", re.MULTILINE)
_LANGUAGE = re.compile(r"^\s*(?:\{\s*)?\.?(?P<language>[\w+-]*)")
_ATTRIBUTE = re.compile(r'(?P<key>[\w-]+)="(?P<value>[^"]*)"')


@dataclass(frozen=True)
class Fence:
    language: str
    attributes: dict[str, str]
    source: str
    start: int  # character offsets of the whole fence in the expanded page
    end: int
    first_line: int  # 0-based lines of the opening and the closing fence in the expanded page
    last_line: int
    indent: str  # what the fence is indented by (inside a tab or an admonition)

    @property
    def source_line(self) -> int:
        """0-based line, in the expanded page, of the first line inside the fence."""
        return self.first_line + 1

    @property
    def is_output(self) -> bool:
        return self.attributes.get("title") == OUTPUT_TITLE

    @property
    def is_stderr(self) -> bool:
        return self.attributes.get("title") == STDERR_TITLE

    @property
    def varies(self) -> list[str]:
        return self.attributes.get("data-varies", "").split()


@dataclass(frozen=True)
class Example:
    """A block that is run, with the Output block (stdout) and the Output (stderr) block shown under it."""

    code: Fence
    output: Fence | None
    stderr: Fence | None = None

    @property
    def end(self) -> int:
        return (self.stderr or self.output or self.code).end


@dataclass(frozen=True)
class PythonBlock(Example):
    @property
    def filename(self) -> str | None:
        """A block titled with a file name (`title="train.py"`) is a file the reader saves, not session code."""
        title = self.code.attributes.get("title", "")
        return title if title.endswith(".py") else None


@dataclass(frozen=True)
class ConsoleBlock(Example):
    @property
    def commands(self) -> list[str]:
        commands: list[str] = []
        for line in self.code.source.splitlines():
            if line.startswith("$ "):
                commands.append(line[2:])
            elif commands and commands[-1].endswith("\\"):
                commands[-1] += "\n" + line
        return commands


@dataclass(frozen=True)
class OrphanOutput:
    """An Output (or Output (stderr)) block that does not sit right under a Python block: nothing printed it."""

    fence: Fence


@dataclass
class Fences:
    lexer: RawFencedCodeBlockLexer = field(default_factory=lambda: RawFencedCodeBlockLexer(info_pattern=_INFO))

    def __call__(self, document: Document) -> Iterator[Fence]:
        for region in self.lexer(document):
            info = region.lexemes["info"]
            attributes = {m["key"]: m["value"] for m in _ATTRIBUTE.finditer(info)}
            language = _LANGUAGE.match(info)["language"].lower()
            source = region.lexemes["source"]
            first_line = document.text.count("\n", 0, region.start)
            last_line = document.text.count("\n", 0, region.end - 1)
            opening = document.text[region.start : document.text.find("\n", region.start)]  # starts at its line
            indent = opening[: len(opening) - len(opening.lstrip(" \t"))]
            yield Fence(language, attributes, str(source), region.start, region.end, first_line, last_line, indent)


def example_blocks(document: Document) -> Iterable[PythonBlock | ConsoleBlock | OrphanOutput]:
    """Pair each Python or console fence with the Output fence directly under it, then the Output (stderr)
    fence directly under that (only blank lines between); either may be absent."""
    fences = list(Fences()(document))
    paired: set[int] = set()
    for index, fence in enumerate(fences):
        if fence.language not in PYTHON_LANGUAGES | CONSOLE_LANGUAGES:
            if (fence.is_output or fence.is_stderr) and index not in paired:
                yield OrphanOutput(fence)
            continue
        shown: dict[str, Fence] = {}
        above, following = fence, index + 1
        for name, wanted in (("output", Fence.is_output), ("stderr", Fence.is_stderr)):
            candidate = fences[following] if following < len(fences) else None
            if candidate and wanted.fget(candidate) and not document.text[above.end : candidate.start].strip():
                paired.add(following)
                shown[name] = above = candidate
                following += 1
        kind = PythonBlock if fence.language in PYTHON_LANGUAGES else ConsoleBlock
        yield kind(fence, shown.get("output"), shown.get("stderr"))


def regions(document: Document, evaluator) -> Iterator[Region]:
    for block in example_blocks(document):
        if isinstance(block, (PythonBlock, ConsoleBlock)):
            yield Region(block.code.start, block.end, parsed=block, evaluator=evaluator)
        else:
            yield Region(block.fence.start, block.fence.end, parsed=block, evaluator=evaluator)
