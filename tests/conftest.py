"""Fixtures shared by the test modules."""

from __future__ import annotations

import pytest

from tests import browser, dependencies
from tests.site_build import build_site


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The site, built once per test process: its folder and how the build went."""
    site_dir = tmp_path_factory.mktemp("site")
    return site_dir, build_site(site_dir)


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
