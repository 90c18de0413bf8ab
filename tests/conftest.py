"""Fixtures shared by the test modules."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import filelock
import pytest

from primer.paths import ROOT
from tests import browser, dependencies, forked_python
from tests.site_build import EDIT_URL, build_site


def pytest_runtest_setup(item):
    """A test marked `gpu` (pyproject.toml declares the marker) needs a CUDA GPU: skipped, saying so, without one."""
    if item.get_closest_marker("gpu"):
        import torch  # here: a run with no such test should not pay for importing it

        if not torch.cuda.is_available():
            dependencies.not_here("it needs a CUDA GPU, which CI never has")


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


# Files whose tests start processes with python_forks: in a run with worker processes, the controller starts
# one zygote for all of them when a worker has collected one of these (it starts while the workers run other
# files), and the workers use it, rather than each importing torch into a zygote of its own.
FORKING = (
    "tests/test_adding_a_chapter.py",
    "tests/test_notebooks.py",
    "tests/test_chapter_scripts.py",
    "tests/test_ddp_training.py",
    "tests/test_data_loaders.py",
    "tests/test_forked_python.py",
)
SHARED_ZYGOTE = "PRIMER_SHARED_ZYGOTE"  # "PID:ADDRESS": the zygote of the controller PID, for its workers


def pytest_configure(config):
    if sys.platform == "linux" and not hasattr(config, "workerinput") and config.getoption("dist", "no") != "no":
        config.primer_zygote_folder = tempfile.mkdtemp(prefix="primer-python-")
        config.primer_zygote = None
        os.environ[SHARED_ZYGOTE] = f"{os.getpid()}:{Path(config.primer_zygote_folder) / 'zygote'}"


def pytest_xdist_node_collection_finished(node, ids):
    config = node.config
    if getattr(config, "primer_zygote", True) is None and any(id.split("::")[0] in FORKING for id in ids):
        address = os.environ[SHARED_ZYGOTE].split(":", 1)[1]
        config.primer_zygote = start_zygote(address)


def pytest_unconfigure(config):
    if getattr(config, "primer_zygote", None) is not None:
        stop_zygote(config.primer_zygote)
    if hasattr(config, "primer_zygote_folder"):
        shutil.rmtree(config.primer_zygote_folder, ignore_errors=True)


def start_zygote(address: str) -> subprocess.Popen:
    """The zygote of tests/forked_python.py, serving at address once it has imported what it preloads."""
    return subprocess.Popen(
        [sys.executable, forked_python.__file__, "zygote", address],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
    )


def stop_zygote(zygote: subprocess.Popen) -> None:
    zygote.stdin.close()  # a zygote ends when its stdin does, and its forks with it
    zygote.wait(timeout=30)


@pytest.fixture(scope="session")
def python_forks(request) -> Callable[[], str]:
    """python_forks(): a `python` command whose processes are forks of a zygote that has imported torch
    (tests/forked_python.py): the controller's (pytest_configure), or one of this process's, started on first
    use; sys.executable where processes do not fork. The zygote has the environment of the test run, which what
    it loads reads its settings from: what a process's own environment changes of them (OMP_NUM_THREADS) the
    process applies again."""
    if sys.platform != "linux":
        yield lambda: sys.executable
        return
    folder = tempfile.mkdtemp(prefix="primer-python-")  # short: a socket's path has at most 107 bytes
    controller, _, shared = os.environ.get(SHARED_ZYGOTE, "").partition(":")
    # The controller's zygote where it started one: for this run's workers, if they collected a FORKING file.
    forking = any(item.nodeid.split("::", 1)[0] in FORKING for item in request.session.items)
    address = shared if controller == str(os.getppid()) and forking else str(Path(folder) / "zygote")
    command = forked_python.write_command(folder, address)
    own: list[subprocess.Popen] = []

    def python() -> str:
        if not own and address != shared:
            own.append(start_zygote(address))
        deadline = time.monotonic() + 180
        while not Path(address).exists():  # the zygote creates it once it takes connections
            assert time.monotonic() < deadline, "the zygote of tests/forked_python.py did not start"
            if own and own[0].poll() is not None:
                break
            time.sleep(0.05)
        if not forked_python.serving(address):
            # Every later test that starts a process with it would fail too, or wait on what it never starts.
            message = f"{forked_python.GONE} ({address}): see its error above; the run stops here"
            request.session.shouldstop = message
            pytest.fail(message, pytrace=False)
        return command

    yield python
    for zygote in own:
        stop_zygote(zygote)
    shutil.rmtree(folder, ignore_errors=True)
