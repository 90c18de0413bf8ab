"""Fixtures shared by the test modules."""

from __future__ import annotations

import pytest

from tests import browser


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The site, built once per test process, served on 127.0.0.1, with Chromium to look at it."""
    playwright = pytest.importorskip("playwright.sync_api", reason="the browser tests need playwright")
    executable = browser.chromium()
    site_dir = tmp_path_factory.mktemp("site")
    browser.build_site(site_dir)
    with browser.serve(site_dir) as base_url, playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=browser.CHROMIUM_FLAGS)
        yield site_dir, base_url, chromium
        chromium.close()
