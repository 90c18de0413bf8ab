"""Fixtures shared by the test modules."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import filelock
import pytest

from primer.paths import ROOT
from tests import browser, dependencies, forked_python
from tests.site_build import EDIT_URL, build_site

# The files whose tests take longest, in seconds on this 2-core machine (`uv run dev.py test --durations=0`,
# summed per file; a file's first browser test or site check also waits for the site's build). The processes take
# them first, the longest first, so that no process starts a long file when the other is nearly done: the
# short files, and the per-test units of the root conftest.py's SPREAD, even out the ends. A file missing here
# keeps its place after them; a stale figure costs only balance.
SLOWEST = {
    "docs/gpu-training.md": 20,  # A.9's mp.spawn and torchrun blocks: one page, one process
    "tests/test_browser_ui.py": 14,
    "tests/test_isolation.py": 12,
    "tests/test_harness.py": 8,
    "tests/test_scheduling.py": 6,
    "tests/test_site.py": 6,
    "tests/test_mutations.py": 6,
    "tests/test_adding_a_chapter.py": 5,
    "tests/test_ddp_training.py": 5,
    "tests/test_data_loaders.py": 4,
    "tests/test_forked_python.py": 4,
    "docs/saving-and-loading.md": 3,
    "docs/setting-up.md": 3,
    "docs/common-errors.md": 3,
    "docs/training-loop.md": 3,
    "docs/data-loaders.md": 3,
    "docs/exercises.md": 2,
}


@pytest.hookimpl(trylast=True)  # after the root conftest.py's order, which this keeps among equals
def pytest_collection_modifyitems(items):
    """The slowest files first (SLOWEST); a stable sort, so each file's tests keep their order."""
    items.sort(key=lambda item: -SLOWEST.get(item.nodeid.split("::", 1)[0], 0))


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, worker_id):
    """The site, built once per test run: its folder and how the build went (the return code and stderr)."""
    # The test processes of one run share the parent of their temporary folders; the first to get here builds.
    shared = tmp_path_factory.getbasetemp() if worker_id == "master" else tmp_path_factory.getbasetemp().parent
    site_dir, outcome = shared / "site", shared / "site-build.json"
    with filelock.FileLock(shared / "site.lock"):
        if not outcome.exists():
            # As the deploy job builds it: with a repository address, served under a sub-path.
            result = build_site(site_dir, edit_url=EDIT_URL, site_url=browser.SITE_URL)
            outcome.write_text(json.dumps({"returncode": result.returncode, "stderr": result.stderr}))
    return site_dir, SimpleNamespace(**json.loads(outcome.read_text()))


@pytest.fixture(scope="session")
def site(built_site):
    """The built site served on 127.0.0.1, with Chromium to look at it (tests/browser.py)."""
    playwright = dependencies.module("playwright.sync_api", "the browser tests need playwright")
    executable = browser.chromium()
    site_dir, result = built_site
    assert result.returncode == 0, result.stderr
    with browser.serve(site_dir) as base_url, playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=browser.CHROMIUM_FLAGS)
        tab = chromium.new_context(permissions=["clipboard-read", "clipboard-write"]).new_page()
        yield browser.Site(site_dir, base_url, chromium, tab)
        chromium.close()


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A small project of the harness's own tests (tests/small_project.py), imported here, not at the top: it
    imports torch, which a run that needs no small project should not pay for."""
    from tests.small_project import SNIPPET

    shutil.copy(ROOT / "mkdocs.yml", pytester.path / "mkdocs.yml")
    (pytester.path / "code").mkdir()
    (pytester.path / "code" / "example.py").write_text(SNIPPET)
    (pytester.path / "docs").mkdir()
    pytester.makeconftest('pytest_plugins = ["primer.verify.plugin"]')
    return pytester


@pytest.fixture(scope="session")
def python_forks() -> Callable[[], str]:
    """python_forks(): a `python` command whose processes are forks of a zygote that has imported torch
    (tests/forked_python.py), started on first use, one per test process; sys.executable where processes do
    not fork. The zygote has this process's environment, which what it loads reads its settings from: what a
    process's own environment changes of them (OMP_NUM_THREADS) the process applies again."""
    if sys.platform != "linux":
        yield lambda: sys.executable
        return
    started: list[tuple[subprocess.Popen, str]] = []
    folder = tempfile.mkdtemp(prefix="primer-python-")  # short: a socket's path has at most 107 bytes
    address = str(Path(folder) / "zygote")

    def python() -> str:
        if not started:
            zygote = subprocess.Popen(
                [sys.executable, forked_python.__file__, "zygote", address],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            started.append((zygote, forked_python.write_command(folder, address)))
            assert zygote.stdout.readline() == "ready\n", "the zygote of tests/forked_python.py did not start"
        return started[0][1]

    yield python
    for zygote, _ in started:
        zygote.stdin.close()  # a zygote ends when its stdin does, and its forks with it
        zygote.wait(timeout=30)
    shutil.rmtree(folder, ignore_errors=True)
