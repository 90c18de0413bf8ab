"""`--update-outputs`: the Output blocks to rewrite from a real run, written into the pages at the end."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from primer.pages import blocks


@dataclass(frozen=True)
class Edit:
    """Replace lines first..last (1-based, inclusive; last = first - 1 inserts) of a page."""

    page: Path
    first: int
    last: int
    lines: list[str]


class OutputRewriter:
    """Collects the edits of a run; the plugin applies them when the run ends."""

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


def edit(document, block: blocks.CodeBlock, fence: blocks.Fence | None, shown: str) -> Edit:
    """Rewrite a shown block with what its stream printed (as_shown text, split only at \\n, as it is compared);
    insert an Output block where none is shown (an Output (stderr) block is never added unasked: it is filled
    in only where the page declares one)."""
    page, code = Path(document.path), block.code
    printed = shown.removesuffix("\n").split("\n") if shown else []
    # A fence longer than any run of backticks that starts a printed line: that line stays output, not a fence.
    ticks = "`" * max([3, *(len(m[0]) + 1 for line in printed if (m := re.match(r"\s*`{3,}", line)))])
    if fence is None:  # a new Output block under the code, indented like it
        after = document.origin(code.last_line).line
        lines = [f'{ticks}text title="{blocks.OUTPUT_TITLE}"', *printed, ticks]
        return Edit(page, after + 1, after, ["", *(code.indent + line if line else line for line in lines)])
    closing = document.origin(fence.last_line).line
    if not shown:  # nothing printed any more: drop the block and the blank line above it
        above = [code, *block.shown][block.shown.index(fence)]  # drop the blank line under the block above
        return Edit(page, document.origin(above.last_line).line + 1, closing, [])
    opening = document.origin(fence.first_line).line
    lines = [fence.indent + line if line else line for line in printed]
    if len(ticks) > 3:  # the block's own fences grow too
        first = page.read_text(encoding="utf-8").split("\n")[opening - 1]
        lines = [re.sub(r"`{3,}", ticks, first, count=1), *lines, fence.indent + ticks]
        return Edit(page, opening, closing, lines)
    return Edit(page, opening + 1, closing - 1, lines)
