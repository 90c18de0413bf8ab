"""Every page of the built site in Chromium: clean loads, nothing from other hosts, and no serious
accessibility problems (axe-core). Links and orphans are checked on the built files (tests/test_site.py)."""

from __future__ import annotations

import pytest

from tests import browser

SAMPLE = ["/", "/gpu-training/", "/notebooks/tensors/"]  # a page of prose, of code, and a notebook


def test_every_page_loads_cleanly_from_this_machine_only_and_is_accessible(site):
    browser.check_pages(site, notebooks=False)


@pytest.mark.parametrize("path", SAMPLE)
def test_the_dark_scheme_is_accessible_too(site, path):
    _, base_url, chromium = site
    page, _ = browser.open_page(chromium, base_url + path, color_scheme="dark")
    problems = browser.serious_accessibility_problems(page)
    page.context.close()
    assert not problems, problems
