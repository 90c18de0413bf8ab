"""Every page of the built site in Chromium, the notebook pages included: clean loads, nothing from other
hosts, and no serious accessibility problems (axe-core). Links and orphans are checked on the built files
(tests/test_site.py)."""

from __future__ import annotations

import pytest

from primer import paths
from primer.chapters import chapters
from tests import browser

# Every page the site has: one per page of the navigation, and one per chapter's notebook.
PAGES = ["/" if page.stem == "index" else f"/{page.stem}/" for page in paths.nav()] + [
    f"/notebooks/{chapter}/" for chapter in chapters()
]
SAMPLE = ["/", "/gpu-training/", "/notebooks/tensors/"]  # a page of prose, of code, and a notebook


def test_the_pages_checked_are_the_pages_built(built_site):
    site_dir, _ = built_site
    assert sorted(PAGES) == sorted(browser.site_pages(site_dir))


@pytest.mark.parametrize("path", PAGES)
def test_the_page_loads_cleanly_from_this_machine_only_and_is_accessible(site, path):
    browser.check_page(site, path)


def test_a_stale_link_gets_the_sites_404_page_whole(site):
    """Pages answers a missing path with the site's 404 page, whatever the path's depth: it must find its
    stylesheets and scripts under the sub-path the site is served from (mkdocs.yml's site_url)."""
    browser.check_page(site, "/no/such/page/", missing=True)


@pytest.mark.parametrize("path", SAMPLE)
def test_the_dark_scheme_is_accessible_too(site, path):
    with browser.visit(site, path, color_scheme="dark") as (page, _):
        problems = browser.serious_accessibility_problems(page, browser.COLOR_RULES)
    assert not problems, problems


def html_page(title: str, body: str = "") -> str:
    head = f'<title>{title}</title><link rel="icon" href="data:,">'
    return f'<!doctype html><html lang="en"><head>{head}</head><body><main><h1>{title}</h1>{body}</main>'


FAULTS = {
    "/errors/": (html_page("Errors", '<script>console.error("broken")</script>'), r"console errors \['broken'\]"),
    "/leaks/": (html_page("Leaks", '<img src="https://example.com/t.png" alt="">'), "requests outside the site"),
    # What a 404 page built without site_url does under a sub-path: it asks the host's root for its assets.
    "/rooted/": (html_page("Rooted", '<img src="/assets/t.png" alt="">'), r"failed requests .*/assets/t\.png \(404\)"),
    "/inaccessible/": (html_page("Inaccessible", '<img src="data:,">'), "image-alt"),
}


def test_a_broken_page_fails_its_check_and_leaves_nothing_to_the_next_on_the_shared_tab(site, tmp_path):
    for path, (html, _) in {**FAULTS, "/clean/": (html_page("Clean"), "")}.items():
        (tmp_path / path.strip("/")).mkdir()
        (tmp_path / path.strip("/") / "index.html").write_text(html)
    with browser.serve(tmp_path) as url:
        pages = browser.Site(tmp_path, url, site.chromium, site.tab)
        for path, (_, message) in FAULTS.items():
            with pytest.raises(AssertionError, match=f"{path}: {message}"):
                browser.check_page(pages, path)
        browser.check_page(pages, "/clean/")
