"""Fixtures shared by the test modules."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from types import SimpleNamespace

import filelock
import pytest

from primer.paths import ROOT
from tests import browser, dependencies, forked_python
from tests.site_build import EDIT_URL, build_site


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
def python_forks() -> Callable[[Mapping[str, str] | None], str]:
    """python_forks(env): a `python` command whose processes are forks of a zygote that has imported torch, in
    the environment env (os.environ by default) at its start, where most of what it loads reads its settings
    (tests/forked_python.py); sys.executable where processes do not fork. One zygote per environment, started
    on first use."""
    if sys.platform != "linux":
        yield lambda env=None: sys.executable
        return
    zygotes: dict[str, tuple[subprocess.Popen, str]] = {}
    folders = []

    def python(env: Mapping[str, str] | None = None) -> str:
        env = dict(os.environ if env is None else env)
        key = json.dumps(sorted(env.items()))
        if key not in zygotes:
            folders.append(folder := tempfile.mkdtemp(prefix="primer-python-"))  # short: a socket path is <108 bytes
            address = str(Path(folder) / "zygote")
            zygote = subprocess.Popen(
                [sys.executable, forked_python.__file__, "zygote", address],
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            zygotes[key] = zygote, forked_python.write_command(folder, address)
            assert zygote.stdout.readline() == "ready\n", "the zygote of tests/forked_python.py did not start"
        return zygotes[key][1]

    yield python
    for zygote, _ in zygotes.values():
        zygote.stdin.close()  # a zygote ends when its stdin does, and its forks with it
        zygote.wait(timeout=30)
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
