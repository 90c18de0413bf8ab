"""Finding the code blocks of a page and the Output blocks shown under each.

A fence's language and attributes are read by pymdownx.superfences' own expressions, in both of its forms
(``python title="x"`` and ``{ .python title="x" }``), and its language is classified by the highlighter the site
uses (Pygments): Python and shell sessions are run, other Python-like or session languages are refused. That
this reading is the site's, block for block, is checked against the rendered page (shown.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from markdown.extensions.attr_list import get_attrs
from pygments.lexers import get_lexer_by_name
from pygments.lexers.python import Python2Lexer, PythonConsoleLexer, PythonLexer
from pygments.lexers.shell import BashSessionLexer, ShellSessionBaseLexer
from pygments.util import ClassNotFound
from pymdownx.superfences import RE_NESTED_FENCE_START, RE_OPTIONS
from sybil import Document, Region
from sybil.parsers.markdown.lexers import RawFencedCodeBlockLexer

from primer import lock
from primer.environments import names as environment_names

PYTHON_LANGUAGES = frozenset({"python", "py", "python3", "py3"})
CONSOLE_LANGUAGES = frozenset(BashSessionLexer.aliases)  # shell sessions whose `$ ` commands are run
PLATFORMS = tuple(dict.fromkeys(platform.sys_platform for platform in lock.PLATFORMS))  # what uv.lock is locked for
RECORDED_ON = "linux"  # the platform the reference outputs are recorded on, which the generated notebooks show
OUTPUT_TITLE = "Output"
STDERR_TITLE = "Output (stderr)"  # what the code writes to stderr, warnings included, under its Output block

_INFO = re.compile(r"(?P<info>[^\n]*)$\n", re.MULTILINE)
# Read as the same word by a reader: case aside, and the ASCII look-alikes (the digits 0 and 1, the bar).
_LOOK_ALIKES = str.maketrans({"0": "o", "1": "l", "|": "l", "!": "l"})


def parse_info(info: str) -> tuple[str, dict[str, str]]:
    """A fence's language and attributes, as pymdownx.superfences reads its opening line."""
    match = RE_NESTED_FENCE_START.match("```" + info)
    if match is None or match["unrecognized"]:  # not a fence the site reads: the check against the site refuses it
        return (match["lang"] or "" if match else ""), {}
    language, attributes = match["lang"] or "", {}
    if match["attrs"] is not None:
        classes = []
        for key, value in get_attrs(match["attrs"]):
            if key == ".":
                classes.append(value)
            else:
                attributes[key] = value
        language = language or (classes[0] if classes else "")
    elif match["options"]:
        attributes = {
            m["key"]: m["value"] if m["value"] is not None else m["key"] for m in RE_OPTIONS.finditer(match["options"])
        }
    return language.lower(), attributes


def unrunnable(language: str) -> str | None:
    """Why a block in this language, which a reader takes for Python or a shell session, cannot be run; None
    where it runs or is only shown (`shell`, `text`)."""
    if language in PYTHON_LANGUAGES | CONSOLE_LANGUAGES:
        return None
    try:
        lexer = get_lexer_by_name(language)
    except ClassNotFound:
        return None
    if isinstance(lexer, PythonConsoleLexer):
        return "a Python console session (>>>), which the checks do not run: show it as a python block"
    if isinstance(lexer, (PythonLexer, Python2Lexer)):
        return f"Python the checks do not run: write the fence as python, not {language}"
    if isinstance(lexer, ShellSessionBaseLexer):
        return f"a {language} session, which the checks do not run: show commands as a console block ($ )"
    return None


@dataclass(frozen=True)
class Tab:
    """A content tab: its group (numbered in page order), its place in the group, its label."""

    group: int
    index: int
    label: str


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
    tab: Tab | None = None  # the content tab it is in (pymdownx.tabbed), the innermost

    @property
    def source_line(self) -> int:
        """0-based line, in the expanded page, of the first line inside the fence."""
        return self.first_line + 1

    @property
    def title(self) -> str:
        return self.attributes.get("title", "")

    @property
    def is_output(self) -> bool:
        return self.title == OUTPUT_TITLE or self.title.startswith(OUTPUT_TITLE + " ")

    @property
    def is_stderr(self) -> bool:
        return self.title.startswith(STDERR_TITLE)

    @property
    def misnamed(self) -> bool:
        """A title the checks would pass by: one outside printable ASCII (an invisible character, a letter of
        another script that looks like a Latin one, which no normalization catches), or one a reader reads as
        "Output" that is not exactly an Output title."""
        if not (self.title.isascii() and self.title.isprintable()):
            return True
        read_as = "".join(self.title.casefold().translate(_LOOK_ALIKES).split())
        return read_as.startswith(OUTPUT_TITLE.casefold()) and not self.is_output

    @property
    def varies(self) -> list[str]:
        return self.attributes.get("data-varies", "").split()

    @property
    def needs(self) -> str | None:
        """What a code block needs to run (`data-needs="cuda"`: an NVIDIA GPU; `"no-cuda"`: none)."""
        return self.attributes.get("data-needs")

    @property
    def environments(self) -> list[str]:
        """The environments an Output block is for (`data-environment="book"`); none: every other one."""
        return self.attributes.get("data-environment", "").split()

    @property
    def platforms(self) -> list[str]:
        """The platforms (sys.platform: `darwin`, `win32`, `linux`) an Output block is for; none: every other."""
        return self.attributes.get("data-platform", "").split()


class OutputVariantError(ValueError):
    """The Output blocks under a block do not say unambiguously which one each environment shows."""


@dataclass(frozen=True)
class CodeBlock:
    """A Python or console block and the blocks shown right under it: its Output block (stdout, and an
    error), then its Output (stderr) block. Where an environment's output truly differs, each may come once
    more per group of environments (`data-environment`); each environment is compared with its own."""

    code: Fence
    shown: tuple[Fence, ...]
    alternative: Tab | None = None  # the tab it is in, where the tabs hold alternative code (CUDA, MPS, CPU)

    def output(self, environment: str, platform: str = RECORDED_ON) -> Fence | None:
        """The Output block an environment's stdout (and error) is compared with, on a platform."""
        fences = [fence for fence in self.shown if not fence.is_stderr]
        return _for_environment(environment, fences, OUTPUT_TITLE, platform)

    def stderr(self, environment: str, platform: str = RECORDED_ON) -> Fence | None:
        """The Output (stderr) block an environment's stderr and warnings are compared with, on a platform."""
        return _for_environment(environment, [fence for fence in self.shown if fence.is_stderr], STDERR_TITLE, platform)

    @property
    def end(self) -> int:
        return (self.shown[-1] if self.shown else self.code).end


def _for_environment(environment: str, fences: list[Fence], title: str, platform: str) -> Fence | None:
    """The block an environment on a platform is compared with: the one naming both, else the one naming
    either (the environment's first), else the plain one."""
    declared = environment_names()
    for fence in fences:
        if unknown := set(fence.environments) - set(declared):
            raise OutputVariantError(f"unknown environment(s) {', '.join(sorted(unknown))} in data-environment")
        if unknown := set(fence.platforms) - set(PLATFORMS):
            raise OutputVariantError(f"unknown platform(s) {', '.join(sorted(unknown))} in data-platform")
    default = [fence for fence in fences if not fence.environments and not fence.platforms]
    if len(default) > 1:
        raise OutputVariantError(f"more than one {title} block without data-environment under one block")
    ranked = {(True, True): [], (True, False): [], (False, True): []}
    for fence in fences:
        for_environment, for_platform = environment in fence.environments, platform in fence.platforms
        if (
            (for_environment or not fence.environments)
            and (for_platform or not fence.platforms)
            and fence not in default
        ):
            ranked[(for_environment, for_platform)].append(fence)
    chosen = next((found for found in ranked.values() if found), default)
    if len(chosen) > 1:
        raise OutputVariantError(f"more than one {title} block for the {environment} environment on {platform}")
    return chosen[0] if chosen else None


class PythonBlock(CodeBlock):
    @property
    def filename(self) -> str | None:
        """A block titled with a file name (`title="train.py"`) is a file the reader saves, not session code."""
        title = self.code.attributes.get("title", "")
        return title if title.endswith(".py") else None


class ConsoleBlock(CodeBlock):
    @property
    def commands(self) -> list[str]:
        return self._read()[0]

    @property
    def stray_lines(self) -> list[str]:
        """Lines that are neither a `$ ` command nor its continuation: another prompt, which the checks would not
        run, or output, which belongs in the Output block under the block, where it is compared."""
        return self._read()[1]

    def _read(self) -> tuple[list[str], list[str]]:
        commands: list[str] = []
        stray: list[str] = []
        for line in self.code.source.splitlines():
            if line.startswith("$ "):
                commands.append(line[2:])
            elif commands and commands[-1].endswith("\\"):
                commands[-1] += "\n" + line
            elif line.strip():
                stray.append(line)
        return commands, stray


@dataclass(frozen=True)
class Refused:
    """A block that fails whatever runs, and why: an Output block nothing printed, one that is misnamed, a block
    that reads as output and is not compared, code in a language the checks cannot run."""

    fence: Fence
    why: str


_TAB = re.compile(
    r'^(?P<indent>[ ]*)===(?P<flags>\+|\+!|!\+|!)?[ ]+"(?P<label>.*?)"[ ]*$'
)  # as pymdownx.tabbed's START
_FOLD = re.compile(r"^[ ]*\?\?\?\+?[ ]")  # pymdownx.details: a folded block
# Languages a reader takes for printed text: a block in one of them right under code reads as its output.
TEXT_LANGUAGES = frozenset({"", "text", "txt", "plain", "plaintext", "output", "pytb", "py3tb"})


@dataclass
class Fences:
    lexer: RawFencedCodeBlockLexer = field(default_factory=lambda: RawFencedCodeBlockLexer(info_pattern=_INFO))

    def __call__(self, document: Document) -> list[Fence]:
        fences = []
        for region in self.lexer(document):
            language, attributes = parse_info(region.lexemes["info"])
            source = region.lexemes["source"]
            first_line = document.text.count("\n", 0, region.start)
            last_line = document.text.count("\n", 0, region.end - 1)
            opening = document.text[region.start : document.text.find("\n", region.start)]  # starts at its line
            indent = opening[: len(opening) - len(opening.lstrip(" \t"))]
            fences.append(
                Fence(language, attributes, str(source), region.start, region.end, first_line, last_line, indent)
            )
        return _in_tabs(document.text.split("\n"), fences)


def _in_tabs(lines: list[str], fences: list[Fence]) -> list[Fence]:
    """Each fence with the innermost content tab it is in: a tab holds the lines indented under its `=== "label"`
    line; tabs one right after another at one indent are one group, unless `===!` starts a new one."""
    at = {fence.first_line: fence for fence in fences}
    open_tabs: list[tuple[int, Tab]] = []  # (indent, tab), innermost last
    groups, placed, number = 0, [], 0
    while number < len(lines):
        line, fence = lines[number], at.get(number)
        if line.strip():
            indent = len(line) - len(line.lstrip(" "))
            marker = _TAB.match(line)
            closed = None
            while open_tabs and indent < open_tabs[-1][0] + 4:  # a tab holds the lines indented 4 more than it
                closed = open_tabs.pop()
            if marker:
                sibling = closed and closed[0] == indent and "!" not in (marker["flags"] or "")
                tab = Tab(closed[1].group, closed[1].index + 1, marker["label"]) if sibling else Tab(groups, 0, "")
                groups += not sibling
                open_tabs.append((indent, Tab(tab.group, tab.index, marker["label"])))
        if fence:
            placed.append(replace(fence, tab=open_tabs[-1][1] if open_tabs else None))
            number = fence.last_line
        number += 1
    return placed


def _between(text: str, end: int, start: int) -> bool:
    """Whether only blank lines, and lines that open content tabs or folded blocks, lie between two fences."""
    lines = text[end:start].split("\n")
    return not lines[0].strip() and all(not line.strip() or _TAB.match(line) or _FOLD.match(line) for line in lines[1:])


Block = PythonBlock | ConsoleBlock | Refused


def example_blocks(document: Document) -> Iterable[Block]:
    """Pair each Python or console fence with the Output fences shown right under it (only blank lines, or lines
    that open content tabs or folded blocks, between). Tabs that hold only Output blocks are variants of one
    output, each labelled with its block's title; tabs that hold code are alternatives (CodeBlock.alternative)."""
    fences = Fences()(document)
    variants = {fence.tab.group for fence in fences if fence.tab} - {
        fence.tab.group for fence in fences if fence.tab and not fence.is_output
    }
    paired: set[int] = set()
    for index, fence in enumerate(fences):
        if index in paired:
            continue
        if fence.misnamed:
            yield Refused(
                fence,
                f"a block titled {fence.title!r} reads as an Output block, and is not one: title it exactly "
                f'"{OUTPUT_TITLE}" (or "{STDERR_TITLE}", "{OUTPUT_TITLE} with ..."), without invisible characters',
            )
        elif why := unrunnable(fence.language):
            yield Refused(fence, why)
        elif fence.language in PYTHON_LANGUAGES | CONSOLE_LANGUAGES:
            alternative = fence.tab if fence.tab and fence.tab.group not in variants else None
            shown, end = [], fence.end
            for following in fences[index + 1 :]:
                # Under the code: outside tabs, in its own tab, or in a group of output variants.
                under = following.tab in (None, fence.tab) or following.tab.group in variants
                if not (under and _between(document.text, end, following.start)):
                    break
                paired.add(fences.index(following))
                if following.misnamed or following.language not in TEXT_LANGUAGES:
                    paired.discard(fences.index(following))
                    break
                if not following.is_output:
                    yield Refused(
                        following,
                        f'a text block right under code reads as its output, but only a block titled "{OUTPUT_TITLE}" '
                        "is compared: title it so (`--update-outputs` fills it in), or put a sentence between",
                    )
                    break
                opens_tab = (
                    following.tab and following.tab.group in variants and (not shown or shown[-1].tab != following.tab)
                )
                if opens_tab and following.tab.label != following.title:
                    yield Refused(
                        following,
                        f"the tab labelled {following.tab.label!r} holds a block titled {following.title!r}: label "
                        "each tab of output variants with its first block's title",
                    )
                    break
                shown.append(following)
                end = following.end
            kind = PythonBlock if fence.language in PYTHON_LANGUAGES else ConsoleBlock
            yield kind(fence, tuple(shown), alternative)
        elif fence.is_output:
            yield Refused(
                fence, "an Output block must sit directly under the block that prints it; nothing printed this one"
            )


def regions(document: Document, evaluator) -> Iterator[Region]:
    for block in example_blocks(document):
        if isinstance(block, (PythonBlock, ConsoleBlock)):
            yield Region(block.code.start, block.end, parsed=block, evaluator=evaluator)
        else:  # a block that fails whatever runs
            yield Region(block.fence.start, block.fence.end, parsed=block, evaluator=evaluator)
