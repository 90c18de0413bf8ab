"""Outputs only a GPU run can check, pinned to the run that checked them.

An Output block for the `gpu` environment (`data-environment="gpu"`), and each Output block under a block that
needs an NVIDIA GPU (`data-needs="cuda"`), is compared only on a machine with one, which CI never has. A GPU run's
record (matrix/gpu.json, `pinned`) holds the text of each such block of every page that passed there, keyed by its
page, its code and its title; tests/test_pinned.py fails when a page shows other text than its record (a GPU output
edited by hand), and the Tested-with page lists every such block with the run that checked it, or "not run yet".
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sybil import Document

from primer import environments, paths
from primer.pages import blocks
from primer.pages.expand import expand_page


@dataclass(frozen=True)
class Pinned:
    page: str  # docs/PAGE.md
    line: int  # of the Output block's opening fence, on the page
    title: str
    key: str  # its page, the code it is shown under and its own attributes: what a record entry is for
    text: str


def on_page(page: Path) -> list[Pinned]:
    expanded = expand_page(page, paths.CONFIG)
    name = page.relative_to(paths.ROOT).as_posix()
    found = []
    for block in blocks.example_blocks(Document(expanded.text, str(page))):
        if not isinstance(block, blocks.CodeBlock):
            continue
        for fence in block.shown:
            if block.code.needs == "cuda" or environments.GPU in fence.environments:
                identity = "\0".join([name, block.code.source, repr(sorted(fence.attributes.items()))])
                key = hashlib.sha256(identity.encode()).hexdigest()[:16]
                origin = expanded.origins[fence.first_line]
                found.append(Pinned(name, origin.line, fence.title, key, fence.source))
    return found


def everywhere() -> list[Pinned]:
    return [pinned for page in sorted(paths.DOCS.rglob("*.md")) for pinned in on_page(page)]


def entries(results: dict[str, dict]) -> dict[str, dict]:
    """What a GPU run's record pins: each such block of every page that passed in the run, as the page shows it
    (which the run has just compared with what the GPU printed)."""
    passed = {file for file, result in results.items() if result["passed"] and not result["failed"]}
    return {
        pinned.key: {"page": pinned.page, "title": pinned.title, "text": pinned.text}
        for pinned in everywhere()
        if pinned.page in passed
    }


def differing(found: list[Pinned], record: dict) -> list[str]:
    """`page:line` and the recorded text of each block that shows other text than the run that checked it."""
    pinned = record.get("pinned", {})
    return [
        f"{block.page}:{block.line} ({block.title!r}) shows other text than the GPU run of {record['date']} "
        f"printed:\n{pinned[block.key]['text']}"
        for block in found
        if block.key in pinned and pinned[block.key]["text"] != block.text
    ]


def checked_by(block: Pinned, record: dict | None) -> str:
    """The run that checked a block, for the Tested-with page."""
    if record and block.key in record.get("pinned", {}):
        return f"{record['machine']['gpu']}, {record['date']}"
    return "not run yet"
