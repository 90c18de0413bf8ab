"""pytest plugin: sybil runs the docs pages, pytest-codeblocks runs the README.

- every `*.md` under `docs/` is expanded like the site and each Python block is run in page order, in
  one namespace per page, its printed output compared with the Output block under it;
- `README.md` goes to pytest-codeblocks (its blocks are inline, and it is not part of the site);
- `--update-outputs` rewrites Output blocks from the real run instead of failing on a difference.
"""

from __future__ import annotations

import functools

import pytest
from pytest_codeblocks.plugin import MarkdownFile
from sybil import Sybil

from . import page

_COLLECT = pytest.StashKey()
_REWRITER = pytest.StashKey[page.OutputRewriter]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-outputs",
        action="store_true",
        help="rewrite the Output blocks of the docs pages from what their code prints, instead of comparing",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    if config.getoption("update_outputs"):  # rewrites are collected in this process: no worker processes
        config.option.numprocesses = 0
        config.option.dist = "no"


def pytest_configure(config: pytest.Config) -> None:
    rewriter = page.OutputRewriter() if config.getoption("update_outputs") else None
    if rewriter:
        config.stash[_REWRITER] = rewriter
    scratch = page.ScratchDirectories()
    docs = Sybil(
        parsers=[functools.partial(page.parse_blocks, rewriter=rewriter)],
        patterns=["*.md"],
        path=str(config.rootpath / "docs"),
        document_types={".md": page.RenderedPage},
        setup=scratch.enter,
        teardown=scratch.leave,
        name="docs",
    )
    config.stash[_COLLECT] = docs.pytest()


def pytest_collect_file(file_path, parent: pytest.Collector):
    if file_path == parent.config.rootpath / "README.md":
        return MarkdownFile.from_parent(parent, path=file_path)
    return parent.config.stash[_COLLECT](file_path, parent)


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    if _REWRITER not in config.stash:
        return
    counts = config.stash[_REWRITER].apply()
    for path, count in sorted(counts.items()):
        terminalreporter.write_line(f"rewrote {count} Output block(s) in {path.relative_to(config.rootpath)}")
    if not counts:
        terminalreporter.write_line("every Output block already matches its code")
