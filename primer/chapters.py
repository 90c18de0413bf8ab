"""The site's chapters: the pages of the navigation, after the home page, that run Python code.

Each chapter gets a notebook (`dev.py generate` writes it; the site offers it, primer/site_hooks.py) and a
copy-paste check; this is the only list of them.
"""

from __future__ import annotations

import functools
from pathlib import Path

from sybil import Document

from primer import paths
from primer.pages.blocks import PythonBlock, example_blocks
from primer.pages.expand import expand_page


def runs_python(page: Path, config: Path = paths.CONFIG) -> bool:
    """Whether the page has a Python block a reader runs in a session (not a file saved for a script)."""
    document = Document(expand_page(page, config).text, str(page))
    return any(isinstance(block, PythonBlock) and not block.filename for block in example_blocks(document))


@functools.cache
def chapters(config: Path = paths.CONFIG) -> tuple[str, ...]:
    """The chapters' names (`tensors` for docs/tensors.md), in the order the navigation gives them."""
    return tuple(page.stem for page in list(paths.nav(config))[1:] if runs_python(page, config))
