"""Every chapter's code as one script, `docs/notebooks/CHAPTER.py`, offered for download beside its notebook.

The script is the chapter's Python blocks in page order, each starting with a `# %%` line (the cell marker
editors run one cell at a time by), under the page's title in a docstring. A block that raises an error on
purpose, as its Output block shows (in any environment), sits inside a visible `try`/`except` that prints the
error as the page shows it, so that the script runs on. What the page only shows or runs outside a Python
session (a script saved as a file, shell commands) is a comment. tests/test_chapter_scripts.py runs each script
in a fresh interpreter and compares what each cell prints with the page's Output blocks.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from sybil import Document

from primer.chapters import chapters
from primer.errors import ERROR_LINE
from primer.pages.blocks import ConsoleBlock, PythonBlock, example_blocks
from primer.pages.expand import expand_page
from primer.pages.expand import title as page_title
from primer.paths import CONFIG, DOCS, NOTEBOOKS

CELL = "# %%"  # starts each of the page's Python blocks; what comes before the first is the script's preamble
HEADING = re.compile(r"^#{2,6} (?P<title>.+?)(?: \{[^}]*\})?$", re.MULTILINE)


def raises(block: PythonBlock) -> bool:
    """Whether the block raises an error on purpose: an Output block under it, any environment's, ends with one."""
    for fence in block.shown:
        if fence.is_stderr or not fence.source.strip():
            continue
        if any(ERROR_LINE.match(line) for line in fence.source.rstrip("\n").split("\n")):
            return True
    return False


def _comment(text: str) -> str:
    return "\n".join(f"# {line}".rstrip() for line in text.rstrip("\n").split("\n"))


def _cell(block: PythonBlock, heading: str | None) -> str:
    code = block.code.source.rstrip("\n")
    if raises(block):
        body = textwrap.indent(code, "    ", lambda line: True)
        code = (
            "try:\n"
            f"{body}\n"
            "except Exception as error:  # raised on purpose: the page shows this error; print it and go on\n"
            '    print("".join(traceback.format_exception_only(error)), end="")'
        )
    marker = f"{CELL} {heading}" if heading else CELL
    return f"{marker}\n{code}\n"


def in_session(block) -> bool:
    """A Python block a reader runs in the chapter's one session: not a file it saves, not one for a machine with
    (or without) an NVIDIA GPU only, which the script shows as a comment."""
    return isinstance(block, PythonBlock) and not block.filename and not block.code.needs


def _not_run(block: PythonBlock | ConsoleBlock) -> str:
    """What the page shows outside a Python session, as a comment."""
    if isinstance(block, PythonBlock) and block.code.needs:
        machine = "with" if block.code.needs == "cuda" else "without"
        return _comment(f"The page runs this on a machine {machine} an NVIDIA GPU only:\n{block.code.source}")
    if isinstance(block, PythonBlock):
        return _comment(f"The page saves a script as {block.filename} (download it from the page) and starts it below.")
    return _comment("The page runs, in a shell:\n" + "\n".join(f"  {line}" for line in block.commands))


def script(chapter: str) -> str:
    page = DOCS / f"{chapter}.md"
    expanded = expand_page(page, CONFIG)
    title = page_title(page)
    blocks = [
        b for b in example_blocks(Document(expanded.text, str(page))) if isinstance(b, (PythonBlock, ConsoleBlock))
    ]
    session = {id(b) for b in blocks if in_session(b)}
    preamble = (
        f'"""{title}: the code of this chapter of PyTorch Primer, as one script.\n\n'
        "Generated from the chapter's page: each `# %%` line starts one of its code blocks, in page order. Run it\n"
        f'with `python {chapter}.py`; it prints what the page shows under each block.\n"""\n'
    )
    if any(raises(block) for block in blocks if id(block) in session):
        preamble += "\nimport traceback  # to print, as the page shows it, each error a block raises on purpose\n"
    parts, position, heading = [preamble], 0, None
    for block in blocks:
        headings = HEADING.findall(expanded.text[position : block.code.start])
        heading = headings[-1] if headings else None
        if id(block) in session:
            parts.append(_cell(block, heading))
        else:
            parts.append(_not_run(block) + "\n")
        position = block.end
    return "\n\n".join(part.rstrip("\n") for part in parts) + "\n"


def cells(text: str) -> tuple[str, list[str]]:
    """A script's preamble and its cells (each with its `# %%` line), as the test runs them."""
    pieces = re.split(rf"^(?={re.escape(CELL)}(?: |$))", text, flags=re.MULTILINE)
    return pieces[0], pieces[1:]


def render() -> dict[Path, str]:
    return {NOTEBOOKS / f"{chapter}.py": script(chapter) for chapter in chapters()}
