"""The notebook pages of the built site in Chromium, checked like every other page (tests/test_browser_pages.py)."""

from tests import browser


def test_every_notebook_page_loads_cleanly_from_this_machine_only_and_is_accessible(site):
    browser.check_pages(site, notebooks=True)
