"""A docs page as sybil sees it (expanded like the site), and the check of each of its blocks."""

from __future__ import annotations

import ast
import marshal
import os
import shlex
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sybil import Document, Example, Region

from primer.pages import blocks, shown
from primer.pages.expand import IncludeError, Origin, expand_page, location

from .compare import Comparison
from .console import run_commands
from .process import Launcher, PageProcess, PageProcessError
from .settings import Settings

CONFIG_NAME = "mkdocs.yml"
# What a code block may need (data-needs) to run, as a reader's command for a GPU machine does.
NEEDS = {None: "", "cuda": "with an NVIDIA GPU", "no-cuda": "without an NVIDIA GPU"}
_PROCESS = "__page_process__"  # where a page's PageProcess is kept in its sybil namespace
_PAGE = "__page__"  # and the page's path, for its teardown
_FILES = "__project_files__"  # and the project's files as the page found them


def _config_for(page: Path) -> Path:
    for folder in page.resolve().parents:
        if (folder / CONFIG_NAME).is_file():
            return folder / CONFIG_NAME
    raise FileNotFoundError(f"no {CONFIG_NAME} above {page}")


@dataclass(frozen=True)
class NotShown:
    """A block the checks read that the site does not show as they read it (`instead`: what it shows)."""

    fence: blocks.Fence
    instead: str


@dataclass(frozen=True)
class ShownOnly:
    """Blocks the site shows that no check reads, each after a fence (None: at the top of the page)."""

    after: list[tuple[blocks.Fence | None, str]]


class RenderedPage(Document):
    """A Markdown page with its includes expanded by the site's own pymdownx.snippets configuration."""

    root: Path
    origins: list[Origin]

    @classmethod
    def parse(cls, path: str, *parsers, encoding: str = "utf-8") -> RenderedPage:
        config_file = _config_for(Path(path))
        root = config_file.parent.resolve()
        try:
            expanded = expand_page(Path(path), config_file)
        except IncludeError as error:
            document = cls("", path)
            document.add(Region(0, 0, parsed=error, evaluator=_report_include_error))
        else:
            document = cls(expanded.text, path)
            document.origins = expanded.origins
        document.root = root
        document.namespace[_PAGE] = (root, Path(path).resolve().relative_to(root).as_posix())
        if document.text:
            for parser in parsers:
                for region in parser(document):
                    document.add(region)
        return document

    def origin(self, line_index: int) -> Origin:
        return self.origins[line_index]

    def examples(self) -> Iterator[Example]:
        # Name each example by the page line a contributor sees, not the line in the expanded text.
        for example in super().examples():
            if self.text:
                example.line = self.origin(self.text.count("\n", 0, example.region.start)).line
            yield example


def _report_include_error(example: Example) -> str:
    return f"{example.parsed}\nThe site build fails the same way: fix the include directive or the snippet section."


class PageChecks:
    """The sybil parser, evaluator, setup and teardown of the docs pages, all configured by one Settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.launcher = Launcher.shared(settings.hash_seed)

    def parse(self, document: RenderedPage) -> Iterator[Region]:
        """The page's blocks as the checks read them, each held to the site's reading of the page."""
        self.launcher.prestart(document.root)  # the zygote imports torch while pytest collects the rest
        fences = list(blocks.Fences()(document))
        site = shown.site_blocks(Path(document.path), document.root / CONFIG_NAME)
        not_shown, extra = shown.differences(fences, site)
        instead = {fences[index].start: what for index, what in not_shown.items()}
        for region in blocks.regions(document, self.check):
            block = region.parsed
            for fence in [block.code, *block.shown] if isinstance(block, blocks.CodeBlock) else [block.fence]:
                if fence.start in instead:
                    region = Region(region.start, region.end, NotShown(fence, instead[fence.start]), self.check)
                    break
            yield region
        if extra:
            after = [(fences[index] if index >= 0 else None, what) for index, what in extra]
            yield Region(len(document.text), len(document.text), ShownOnly(after), self.check)

    def setup(self, namespace: dict) -> None:
        namespace[_FILES] = project_files(namespace[_PAGE][0])
        namespace[_PROCESS] = PageProcess(self.launcher, self.settings)

    def teardown(self, namespace: dict) -> None:
        page = namespace[_PAGE][1]
        late = namespace.pop(_PROCESS).close()
        before, after = namespace.pop(_FILES), project_files(namespace[_PAGE][0])
        if changed := sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path)):
            raise AssertionError(
                f"{page}: while this page ran, these files of the project changed: {', '.join(changed[:20])}. Page "
                "code works in its own scratch folder (the current directory), as a reader's does."
            )
        if late:
            raise AssertionError(f"{page}: printed after its last block, where no Output block shows it:\n{late}")

    def check(self, example: Example) -> str | None:
        document: RenderedPage = example.document
        block = example.parsed
        process: PageProcess = example.namespace[_PROCESS]
        if isinstance(block, NotShown):
            return (
                f"{document.origin(block.fence.first_line)}: the site does not show this block as the checks read "
                f"it; it shows {block.instead} here. A fence inside an HTML comment, one the site does not take "
                'for a fence (an option it cannot read: write { .text title="..." data-x="..." }), or text the '
                "two read otherwise: make the page say one thing to both."
            )
        if isinstance(block, ShownOnly):
            return "\n".join(
                f"{document.origin(fence.last_line) if fence else document.origin(0)}: after this line the site shows "
                f"{what}, which no check reads"
                for fence, what in block.after
            )
        if isinstance(block, blocks.Refused):
            return f"{document.origin(block.fence.first_line)}: {block.why}"
        if block.code.needs not in NEEDS:
            return f"{document.origin(block.code.first_line)}: data-needs must be cuda or no-cuda"
        if not self.settings.target.runs(block.code.needs):
            pytest.skip(f"needs {block.code.needs}: it runs on a machine {NEEDS[block.code.needs]}")
        if isinstance(block, blocks.ConsoleBlock):
            return self._check_console(document, block, process)
        if not block.code.source.strip():
            return f"{document.origin(block.code.first_line)}: an empty code block (an include that selects nothing?)"
        try:
            codes, origins = _compile(document, block.code)
        except SyntaxError as error:
            return f"{document.origin(block.code.first_line)}: {error}"
        where = location(document.origin(block.code.first_line), origins)
        if block.filename:
            return _save_file(document, block, where, process.scratch)
        try:
            run = process.run(marshal.dumps(codes), document.root, block.alternative)
        except PageProcessError as error:
            return f"{where}: {error}"
        if run.displayed:
            return (
                f"{where}: the block ends with a bare expression whose value a notebook displays, and the page "
                f"does not show it:\n{run.displayed}\nAssign the value, or print it and show what it prints."
            )
        return Comparison(document, block, where, self.settings)(run)

    def _check_console(self, document: RenderedPage, block: blocks.ConsoleBlock, process: PageProcess) -> str | None:
        where = str(document.origin(block.code.first_line))
        if block.stray_lines:
            return (
                f"{where}: a console block holds only `$ ` commands (and their `\\` continuations); "
                f"{block.stray_lines[0]!r} is another prompt, which the checks would not run, or output, which "
                "belongs in the Output block under it, where it is compared"
            )
        commands = run_commands(block.commands, process.scratch, process.environ, timeout=self.settings.timeout)
        if commands.failure:
            return f"{where}: {commands.failure}"
        unrun = [
            name
            for name in _files_named(block)
            if (process.scratch / name).is_file() and str((process.scratch / name).resolve()) not in commands.ran
        ]
        if unrun:
            return f"{where}: names the file block(s) {', '.join(unrun)}, but no Python process ran them"
        return Comparison(document, block, where, self.settings)(commands.run)


def git_files(root: Path) -> list[str]:
    """The project's files as git lists them: tracked, and untracked but not ignored (deleted ones too), relative to
    `root`; none outside a git checkout."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root,
            capture_output=True,
            timeout=60,
        ).stdout.decode(errors="replace")
    except OSError:
        return []
    return [path for path in listed.split("\0") if path]


def project_files(root: Path) -> dict[str, tuple[int, int] | None]:
    """The project's files (git_files) and what of `.git` decides what git does (HEAD, config, hooks; not what git
    itself and other worktrees write all the time), each with its size and time of change: one cheap look, not a
    walk of the environments."""
    paths = [*git_files(root), ".git/HEAD", ".git/config"]
    for folder in (root / ".git" / "hooks", root / ".git" / "info"):
        paths += [f".git/{folder.name}/{name}" for name in sorted(os.listdir(folder))] if folder.is_dir() else []
    state = {}
    for path in paths:
        try:
            status = os.lstat(root / path)
            state[path] = (status.st_size, status.st_mtime_ns)
        except OSError:  # listed, and gone (deleted, not yet staged), or not a git checkout
            state[path] = None
    return state


def _files_named(block: blocks.ConsoleBlock) -> list[str]:
    """The `.py` files a console block's commands name."""
    names = []
    for command in block.commands:
        try:
            words = shlex.split(command)
        except ValueError:
            words = command.split()
        names += [word for word in words if word.endswith(".py")]
    return names


def _save_file(document: RenderedPage, block: blocks.PythonBlock, where: str, scratch: Path) -> str | None:
    """A file block is saved for the console blocks below it to run, as the reader would save it."""
    if block.shown:
        return f"{where}: a file block ({block.filename}) runs in a console block, so it has no Output block"
    later = [
        other
        for other in blocks.example_blocks(document)
        if isinstance(other, blocks.ConsoleBlock) and other.code.start > block.code.start
    ]
    if not any(block.filename in _files_named(other) for other in later):
        return (
            f"{where}: the file block {block.filename} is saved but no console block below it runs it "
            f"(a `$ ` command naming {block.filename}), so nothing checks it"
        )
    (scratch / block.filename).write_text(block.code.source, encoding="utf-8")
    return None


def _compile(document: RenderedPage, fence: blocks.Fence) -> tuple[list, list[Origin]]:
    """Compile a block so that tracebacks point at the file and line each part was written in.

    A block may join several includes; each run of lines from one file is compiled on its own. A block
    that ends with a bare expression ends, as a notebook cell runs it, with that expression compiled as
    interactive input, so its value goes to sys.displayhook.
    """
    lines = fence.source.splitlines(keepends=True)
    origins = [document.origin(fence.source_line + i) for i in range(len(lines))]
    runs: list[tuple[int, int]] = []
    for index, origin in enumerate(origins):
        if runs and origins[runs[-1][0]].path == origin.path:
            runs[-1] = (runs[-1][0], index + 1)
        else:
            runs.append((index, index + 1))
    codes = []
    for first, last in runs:
        part, part_origins = "".join(lines[first:last]), origins[first:last]
        filename = str(document.root / part_origins[0].path)
        try:
            tree = ast.parse(part, filename)
        except SyntaxError as error:
            raise SyntaxError(f"{error.msg} at {part_origins[(error.lineno or 1) - 1]}") from None
        for node in ast.walk(tree):
            if hasattr(node, "lineno"):
                node.lineno = part_origins[node.lineno - 1].line
                node.end_lineno = part_origins[node.end_lineno - 1].line if node.end_lineno else None
        codes.append(compile(tree, filename, "exec", dont_inherit=True))
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        codes[-1:] = [
            compile(ast.Module(tree.body[:-1], []), filename, "exec", dont_inherit=True),
            compile(ast.Interactive(tree.body[-1:]), filename, "single", dont_inherit=True),
        ]
    return codes, origins
