"""A docs page as sybil sees it (expanded like the site), and the check that runs each of its Python blocks."""

from __future__ import annotations

import ast
import atexit
import contextlib
import functools
import gc
import io
import os
import shlex
import subprocess
import sys
import tempfile
import traceback
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sybil import Document, Example, Region

from primer import environments

from . import blocks, outputs
from .expand import IncludeError, Origin, expand_page

CONFIG_NAME = "mkdocs.yml"
COMMAND_TIMEOUT = 300  # seconds a console block's command may run before it counts as hung
UPDATE_HINT = "Run `uv run dev.py test --update-outputs` to rewrite Output blocks from a real run."


@dataclass(frozen=True)
class Edit:
    """Replace lines first..last (1-based, inclusive; last = first - 1 inserts) of a page."""

    page: Path
    first: int
    last: int
    lines: list[str]


class OutputRewriter:
    """Collects the Output blocks to rewrite in `--update-outputs` mode; the plugin writes them at the end."""

    def __init__(self) -> None:
        self.edits: list[Edit] = []

    def apply(self) -> dict[Path, int]:
        counts: dict[Path, int] = {}
        for page in {edit.page for edit in self.edits}:
            lines = page.read_text(encoding="utf-8").split("\n")
            for edit in sorted((e for e in self.edits if e.page == page), key=lambda e: e.first, reverse=True):
                lines[edit.first - 1 : edit.last] = edit.lines
                counts[page] = counts.get(page, 0) + 1
            page.write_text("\n".join(lines), encoding="utf-8")
        self.edits.clear()
        return counts


class ScratchDirectories:
    """Runs each page as a reader would: as a script (`__main__`), in an empty directory of its own, and with
    none of the global settings that an earlier page may have changed. The plugin keeps one per session."""

    def __init__(self) -> None:
        self._open: dict[int, tuple[str, tempfile.TemporaryDirectory]] = {}
        # Pages freeze the heap (see enter); before the interpreter exits, its objects go back to the collector,
        # or extensions that check for leaks at exit report them (nanobind, in the CUDA builds' triton).
        atexit.register(gc.unfreeze)

    def enter(self, namespace: dict) -> None:
        namespace["__name__"] = "__main__"
        if torch := sys.modules.get("torch"):
            torch.set_printoptions(profile="default")
            # PyTorch 2.0.1 warns about TypedStorage once per process: let each page warn as a fresh one would.
            if reset := getattr(torch.storage, "_reset_warn_typed_storage_removal", None):
                reset()
        scratch = tempfile.TemporaryDirectory(prefix="docs-page-")
        self._open[id(namespace)] = (os.getcwd(), scratch)
        os.chdir(scratch.name)
        # Freeze what the process holds before the page (torch, pytest, earlier pages): the collection after each
        # block (see _run) then walks the page's own objects only, not the whole heap again (about 0.1 s here).
        gc.collect()
        gc.freeze()

    def leave(self, namespace: dict) -> None:
        previous, scratch = self._open.pop(id(namespace))
        os.chdir(previous)
        scratch.cleanup()


def _config_for(page: Path) -> Path:
    for folder in page.resolve().parents:
        if (folder / CONFIG_NAME).is_file():
            return folder / CONFIG_NAME
    raise FileNotFoundError(f"no {CONFIG_NAME} above {page}")


class RenderedPage(Document):
    """A Markdown page with its includes expanded by the site's own pymdownx.snippets configuration."""

    root: Path
    origins: list[Origin]

    @classmethod
    def parse(cls, path: str, *parsers, encoding: str = "utf-8") -> RenderedPage:
        config_file = _config_for(Path(path))
        try:
            expanded = expand_page(Path(path), config_file)
        except IncludeError as error:
            document = cls("", path)
            document.add(Region(0, 0, parsed=error, evaluator=_report_include_error))
            return document
        document = cls(expanded.text, path)
        document.root, document.origins = config_file.parent.resolve(), expanded.origins
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


def parse_blocks(document: RenderedPage, rewriter: OutputRewriter | None = None) -> Iterator[Region]:
    """The sybil parser: one region per Python block (with its Output block), one per orphan Output block.

    With a rewriter (`--update-outputs`), differing Output blocks are queued for rewriting instead of failing.
    """
    return blocks.regions(document, functools.partial(check_block, rewriter=rewriter))


def _report_include_error(example: Example) -> str:
    return f"{example.parsed}\nThe site build fails the same way: fix the include directive or the snippet section."


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


@dataclass
class Run:
    """What a block did: printed (stdout), wrote to stderr (warnings included), displayed, raised."""

    stdout: str = ""
    stderr: str = ""
    displayed: str = ""  # `file:line: value` of a final bare expression whose value is not None
    error: BaseException | None = None


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    # Shown the way the page shows errors, `Name: message`: the file and line Python adds differ by machine.
    sys.stderr.write(f"{category.__name__}: {message}\n")


def _run(codes: list, namespace: dict, root: Path) -> Run:
    """Run a block's code as a reader running it as a notebook cell would see it: every warning shown (also
    those Python hides by default), and the value of a final bare expression displayed (see _compile)."""
    run, stdout, stderr = Run(), io.StringIO(), io.StringIO()

    def display(value) -> None:
        if value is not None:
            frame = sys._getframe(1)  # the block's code, which evaluated the expression
            where = Origin(Path(os.path.relpath(frame.f_code.co_filename, root)).as_posix(), frame.f_lineno)
            run.displayed = f"{where}: {value!r}"

    hook = sys.displayhook
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr), warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = _show_warning
        sys.displayhook = display
        try:
            for code in codes:
                exec(code, namespace)
        except Exception as error:
            run.error = error
        finally:
            sys.displayhook = hook
            gc.collect()  # what this block left to the collector warns now (ResourceWarning), not in a later block
    run.stdout, run.stderr = stdout.getvalue(), stderr.getvalue()
    return run


def _run_commands(block: blocks.ConsoleBlock) -> tuple[Run, str | None]:
    """Run a console block's commands in the page's directory, as a reader with the project's
    environment activated would: its scripts (torchrun, ...) on the PATH. Every warning is shown."""
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONWARNINGS": "always",
    }
    run = Run()
    for command in block.commands:
        try:
            result = subprocess.run(
                ["bash", "-c", command], capture_output=True, text=True, env=env, timeout=COMMAND_TIMEOUT
            )
        except subprocess.TimeoutExpired:
            return run, f"`{command}` did not finish within {COMMAND_TIMEOUT} s"
        run.stdout += result.stdout
        run.stderr += result.stderr
        if result.returncode != 0:
            return run, f"`{command}` exited with {result.returncode}:\n{result.stderr[-3000:]}"
    return run, None


def _runs_file(document: RenderedPage, block: blocks.PythonBlock) -> bool:
    """Whether a console block below the file block names the file in one of its commands."""
    for other in blocks.example_blocks(document):
        if isinstance(other, blocks.ConsoleBlock) and other.code.start > block.code.start:
            for command in other.commands:
                try:
                    words = shlex.split(command)
                except ValueError:
                    words = command.split()
                if any(word == block.filename or word.endswith("/" + block.filename) for word in words):
                    return True
    return False


def check_block(example: Example, rewriter: OutputRewriter | None = None) -> str | None:
    document: RenderedPage = example.document
    block = example.parsed
    if isinstance(block, blocks.OrphanOutput):
        return (
            f"{document.origin(block.fence.first_line)}: an Output block must sit directly under the Python "
            "block that prints it; nothing printed this one."
        )
    if isinstance(block, blocks.ConsoleBlock):
        where = str(document.origin(block.code.first_line))
        run, failure = _run_commands(block)
        if failure:
            return f"{where}: {failure}"
        return _compare(document, block, where, run, rewriter)
    try:
        codes, origins = _compile(document, block.code)
    except SyntaxError as error:
        return f"{document.origin(block.code.first_line)}: {error}"
    where = location(document.origin(block.code.first_line), origins)
    if block.filename:  # saved for the console blocks below it to run, as the reader would save it
        if block.shown:
            return f"{where}: a file block ({block.filename}) runs in a console block, so it has no Output block"
        if not _runs_file(document, block):
            return (
                f"{where}: the file block {block.filename} is saved but no console block below it runs it "
                f"(a `$ ` command naming {block.filename}), so nothing checks it"
            )
        Path(block.filename).write_text(block.code.source, encoding="utf-8")
        return None

    run = _run(codes, example.namespace, document.root)
    example.namespace.pop("__builtins__", None)
    if run.displayed:
        return (
            f"{where}: the block ends with a bare expression whose value a notebook displays, and the page "
            f"does not show it:\n{run.displayed}\nAssign the value, or print it and "
            "show what it prints."
        )
    return _compare(document, block, where, run, rewriter)


def _compare(
    document: RenderedPage, block: blocks.Example, where: str, run: Run, rewriter: OutputRewriter | None
) -> str | None:
    actual = run.stdout + ("".join(traceback.format_exception_only(run.error)) if run.error else "")
    problems = [
        _compare_stream(document, block, "output", where, actual, run.error, rewriter),
        _compare_stream(document, block, "stderr", where, run.stderr, None, rewriter),
    ]
    return "\n".join(problem for problem in problems if problem) or None


def _compare_stream(
    document: RenderedPage,
    block: blocks.Example,
    stream: str,
    where: str,
    actual: str,
    error: BaseException | None,
    rewriter: OutputRewriter | None,
) -> str | None:
    """Compare one stream with the block shown for it: `output` (stdout and errors) or `stderr`."""
    try:
        fence: blocks.Fence | None = getattr(block, stream)
    except blocks.OutputVariantError as problem:
        return f"{where}: {problem}"
    if actual and not actual.endswith("\n"):
        actual += "\n"
    expected = fence.source if fence else ""
    rules = fence.varies if fence else []

    try:
        same = outputs.matches(expected, actual, rules)
    except outputs.UselessRuleError as problem:
        if rewriter is None:  # when rewriting, the new output is checked against the rule on the next run
            return f"{where}: {problem}"
        same = False
    except outputs.RuleError as problem:
        return f"{where}: {problem}"
    if same:
        return None
    if error and not _shows(expected, error):
        frames = traceback.format_exception(type(error), error, error.__traceback__.tb_next)
        return f"{where} raised an error the page does not show:\n{''.join(frames)}"
    if stream == "stderr" and fence is None:  # like an error, what goes to stderr is shown only when declared
        return (
            f"{where} wrote to stderr (or warned), which the page does not show:\n{actual}"
            f'Show it in a ```text title="{blocks.STDERR_TITLE}"``` block under the Output block '
            "(`--update-outputs` fills in an empty one), or change the code so that it does not."
        )
    if rewriter is not None:
        environment = environments.current()
        if environment != environments.REFERENCE and not (fence and environment in fence.environments):
            title = blocks.OUTPUT_TITLE if stream == "output" else blocks.STDERR_TITLE
            return (
                f"{where}: the {environment} environment prints something else than the reference; to show it, "
                f'add an empty {title} block with data-environment="{environment}" under the others and run again'
            )
        rewriter.edits.append(_edit(document, block, fence, actual))
        return None
    shown = "Output block" if stream == "output" else f"{blocks.STDERR_TITLE} block"
    return f"{where}: the {shown} differs from what the code printed\n{outputs.diff(expected, actual)}\n{UPDATE_HINT}"


def _shows(expected: str, error: BaseException) -> bool:
    """Whether the page shows this error the way Python reports it (`Name: message`), message aside."""
    name = traceback.format_exception_only(error)[0].split(":", 1)[0].strip()
    return any(line == name or line.startswith(name + ":") for line in expected.splitlines())


def _edit(document: RenderedPage, block: blocks.Example, fence: blocks.Fence | None, actual: str) -> Edit:
    """Rewrite a shown block with what its stream printed; insert an Output block where none is shown
    (an Output (stderr) block is never added unasked: it is filled in only where the page declares one)."""
    page, code = Path(document.path), block.code
    if fence is None:  # a new Output block under the code, indented like it
        after = document.origin(code.last_line).line
        lines = [f'```text title="{blocks.OUTPUT_TITLE}"', *actual.splitlines(), "```"]
        return Edit(page, after + 1, after, ["", *(code.indent + line if line else line for line in lines)])
    closing = document.origin(fence.last_line).line
    if not actual:  # nothing printed any more: drop the block and the blank line above it
        above = [code, *block.shown][block.shown.index(fence)]  # drop the blank line under the block above
        return Edit(page, document.origin(above.last_line).line + 1, closing, [])
    opening = document.origin(fence.first_line).line
    return Edit(page, opening + 1, closing - 1, [fence.indent + line if line else line for line in actual.splitlines()])
