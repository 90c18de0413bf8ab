"""Fixtures shared by the test modules."""

from __future__ import annotations

import json
import shutil
from types import SimpleNamespace

import filelock
import pytest

from primer.paths import ROOT
from tests import browser, dependencies
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
