"""pytest plugin: sybil runs the docs pages, pytest-codeblocks runs the README.

- every page under `docs/` (`*.md`, and the other Markdown extensions MkDocs builds) is expanded like the site
  and each of its blocks is run in page order, each page
  in a process of its own, its printed output compared with the Output block under it;
- `README.md` goes to pytest-codeblocks (its blocks are inline, and it is not part of the site);
- `--update-outputs` rewrites Output blocks from the real run instead of failing on a difference;
- `--environment` names the environment the run is in (`uv run dev.py test-matrix` passes it);
- `--perturb` runs the pages with another hash seed and torch seed, in scratch directories on another file
  system: output that depends on chance passes one run and fails the other;
- `--summary-file` writes, when the run ends, how many tests ran and how they went: `dev.py` checks it, so
  that a run that ended early can never look green.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from pathlib import Path

import pytest
from mkdocs.utils import markdown_extensions as PAGE_EXTENSIONS
from pytest_codeblocks.plugin import MarkdownFile
from sybil import Sybil

from primer import environments

from . import page
from .rewrite import OutputRewriter
from .settings import BLOCK_TIMEOUT, Settings
from .target import Target

_COLLECT = pytest.StashKey()
_SETTINGS = pytest.StashKey[Settings]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("primer", "the docs pages' checks")
    group.addoption(
        "--update-outputs",
        action="store_true",
        help="rewrite the Output blocks of the docs pages from what their code prints, instead of comparing",
    )
    group.addoption(
        "--environment",
        default=environments.REFERENCE,
        choices=environments.names(),
        help="the environment this interpreter is (default: %(default)s); each compares its own Output blocks",
    )
    group.addoption("--block-timeout", type=float, default=BLOCK_TIMEOUT, help="seconds a block may run")
    group.addoption(
        "--perturb",
        nargs="?",
        type=int,
        const=-1,
        metavar="SEED",
        help="the second run: another seed (random, or SEED to replay a run), another file system",
    )
    group.addoption("--summary-file", help="write the run's counts to this JSON file when it ends")


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    if config.getoption("update_outputs"):  # rewrites are collected in this process: no worker processes
        config.option.numprocesses = 0
        config.option.dist = "no"


def _settings(config: pytest.Config) -> Settings:
    if config.getoption("perturb") == -1:  # chosen once, here, before xdist hands the options to its workers
        config.option.perturb = secrets.randbelow(2**32)
    perturb = config.getoption("perturb")
    return Settings(
        environment=config.getoption("environment"),
        rewriter=OutputRewriter() if config.getoption("update_outputs") else None,
        timeout=config.getoption("block_timeout"),
        perturb=perturb,
        scratch_in=_other_file_system() if perturb is not None else None,
    )


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Said once, at the top of the run: the perturbed run's seed."""
    seed = config.stash[_SETTINGS].perturb
    return [f"perturbed run: seed {seed} (replay it with --perturb={seed})"] if seed is not None else []


def _other_file_system() -> str:
    """A folder on another file system than the system's temp folder: /dev/shm (tmpfs) where the temp folder is
    on disk, else the project's .scratch (on disk). Directory listings come out in another order there."""
    temp = tempfile.gettempdir()
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK) and os.stat(shm).st_dev != os.stat(temp).st_dev:
        return str(shm)
    folder = Path.cwd() / ".scratch" / "perturbed"
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder)


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_SETTINGS] = settings = _settings(config)
    checks = page.PageChecks(settings)
    docs = Sybil(
        parsers=[checks.parse],
        patterns=[f"*{extension}" for extension in PAGE_EXTENSIONS],  # every page the site builds
        path=str(config.rootpath / "docs"),
        document_types=dict.fromkeys(PAGE_EXTENSIONS, page.RenderedPage),
        setup=checks.setup,
        teardown=checks.teardown,
        name="docs",
    )
    config.stash[_COLLECT] = docs.pytest()


@pytest.fixture(scope="session")
def target(pytestconfig: pytest.Config) -> Target:
    """Where this run's pages run: the environment and the machine (for the tests that compare outputs too)."""
    return pytestconfig.stash[_SETTINGS].target


def pytest_collect_file(file_path, parent: pytest.Collector):
    if file_path == parent.config.rootpath / "README.md":
        return MarkdownFile.from_parent(parent, path=file_path)
    return parent.config.stash[_COLLECT](file_path, parent)


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    rewriter = config.stash[_SETTINGS].rewriter
    if rewriter is None:
        return
    counts = rewriter.apply()
    for path, count in sorted(counts.items()):
        terminalreporter.write_line(f"rewrote {count} Output block(s) in {path.relative_to(config.rootpath)}")
    if not counts and not terminalreporter.stats.get("failed"):
        terminalreporter.write_line("every Output block already matches its code")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    path = session.config.getoption("summary_file")
    if not path or hasattr(session.config, "workerinput"):  # the main process writes it, once
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    counts = {key: len(reports) for key, reports in reporter.stats.items() if key}
    Path(path).write_text(
        json.dumps({"collected": session.testscollected, "exitstatus": int(exitstatus), "counts": counts}),
        encoding="utf-8",
    )
