"""Every page of the built site in Chromium: clean loads, nothing from other hosts, no serious accessibility
problems (axe-core); at a laptop's and a phone's size, its layout (Previous and Next, nothing wider than the
window, Output blocks joined to their code, figures legible); a chapter's buttons and what they download; a
console block's copy without its prompts. Links and orphans are checked on the built files (tests/test_site.py)."""

from __future__ import annotations

import pytest

from primer import paths, site_hooks
from primer.chapters import chapters
from tests import browser
from tests.site_build import EDIT_URL

NAV = ["/" if page.stem == "index" else f"/{page.stem}/" for page in paths.nav()]
# Every page the site has: one per page of the navigation, then those outside it (Tested with).
PAGES = NAV + sorted(f"/{page.stem}/" for page in paths.DOCS.glob("*.md") if page not in paths.nav())
SAMPLE = ["/", "/tensors/", "/gpu-training/"]  # a page of prose, a chapter, and the longest chapter


def test_the_pages_checked_are_the_pages_built(built_site):
    site_dir, _ = built_site
    assert sorted(PAGES) == sorted(browser.site_pages(site_dir))


def neighbours(site, path: str) -> tuple[str | None, str | None] | None:
    """The URLs the page's Previous and Next lead to: the pages before and after it in the navigation."""
    if path not in NAV:
        return None
    index = NAV.index(path)
    return tuple(site.url + NAV[i] if 0 <= i < len(NAV) else None for i in (index - 1, index + 1))


def reader_problems(site, path: str, page) -> list[str]:
    """What a reader meets on the page beyond a clean load: its layout at both sizes, a chapter's buttons and what
    they download, a console block's copy."""
    problems = browser.layout_problems(page, site, neighbours(site, path))
    chapter = path.strip("/")
    buttons = page.eval_on_selector_all(
        "article a.md-button", "links => links.map(a => [a.innerText.trim(), a.href, a.getAttribute('download')])"
    )
    if chapter in chapters():
        notebook = f"notebooks/{chapter}.ipynb"
        expected = [
            ["Open in Colab", site_hooks.colab_url(EDIT_URL, notebook), None],
            ["Download notebook (.ipynb)", f"{site.url}/{notebook}", f"{chapter}.ipynb"],
            ["Download code (.py)", f"{site.url}/notebooks/{chapter}.py", f"{chapter}.py"],
        ]
        if buttons != expected:
            problems.append(f"the chapter's buttons are {buttons}, not {expected}")
        for _, url, name in expected[1:]:
            served = page.evaluate(
                "async url => { const r = await fetch(url); return [r.status, await r.text()] }", url
            )
            if served != [200, (paths.NOTEBOOKS / name).read_text(encoding="utf-8")]:
                problems.append(f"{url} does not serve the current docs/notebooks/{name} (status {served[0]})")
    for shown, copied in browser.console_copies(page):
        commands = "\n".join(line.removeprefix("$ ") for line in shown.rstrip("\n").split("\n"))
        if copied != commands:
            problems.append(f"a console block's copy button copies {copied!r}, not its commands {commands!r}")
    return problems


@pytest.mark.parametrize("path", PAGES)
def test_the_page_loads_cleanly_is_accessible_and_reads_well_at_both_sizes(site, path):
    browser.check_page(site, path, also=lambda page: reader_problems(site, path, page))


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
