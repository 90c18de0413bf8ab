"""Run one chapter's code on its own, in a scratch folder: `uv run dev.py run CHAPTER` (the page's name).

The chapter's code is the snippet modules its page includes in the code a reader runs in a session, each run
as a script (`__main__`), in the order the page first shows it; each module still runs on its own, errors the
page shows included. A file the page saves and starts from a console block (`ddp_training.py`) is saved, with
the command the page starts it with. The examples write files (a saved model, say) where they run; here that is
`.scratch/CHAPTER/`, which git ignores, never the project's root.
"""

from __future__ import annotations

import os
import runpy
import sys
from pathlib import PurePosixPath

from sybil import Document

from primer import paths
from primer.chapters import chapters
from primer.pages.blocks import ConsoleBlock, PythonBlock, example_blocks
from primer.pages.expand import expand_page


def code_of(chapter: str) -> tuple[list[str], dict[str, str], list[str]]:
    """The snippet modules the chapter's session code comes from, in page order; the files it saves (name:
    code); the console commands it runs."""
    page = paths.DOCS / f"{chapter}.md"
    expanded = expand_page(page, paths.CONFIG)
    modules: dict[str, None] = {}
    files, commands = {}, []
    for block in example_blocks(Document(expanded.text, str(page))):
        if isinstance(block, ConsoleBlock):
            commands += block.commands
        elif isinstance(block, PythonBlock) and block.filename:
            files[block.filename] = block.code.source
        elif isinstance(block, PythonBlock):
            for origin in expanded.origins[block.code.source_line : block.code.last_line]:
                path = PurePosixPath(origin.path)
                if path.parent.name == paths.SNIPPETS.name and path.suffix == ".py":
                    modules.setdefault(path.stem)
    return list(modules), files, commands


def main(argv: list[str]) -> None:
    names = chapters()
    if len(argv) != 1 or argv[0] not in names:
        given = f"{argv[0]!r} is no chapter" if len(argv) == 1 else "name one chapter"
        sys.exit(
            f"dev.py run: {given}; it runs one of (the pages of mkdocs.yml's nav that run Python): {', '.join(names)}"
        )
    chapter = argv[0]
    modules, files, commands = code_of(chapter)
    scratch = paths.ROOT / ".scratch" / chapter
    scratch.mkdir(parents=True, exist_ok=True)
    os.chdir(scratch)
    for module in modules:
        print(f"dev.py run: snippets/{module}.py", flush=True)
        runpy.run_module(f"snippets.{module}", run_name="__main__", alter_sys=True)  # as `python -m`: mp.spawn finds it
    for name, code in files.items():
        (scratch / name).write_text(code, encoding="utf-8")
        started = " or ".join(f"`{command}`" for command in commands if name in command)
        print(f"dev.py run: saved {scratch.relative_to(paths.ROOT) / name}, which the page runs with {started}")


if __name__ == "__main__":
    main(sys.argv[1:])
