"""Every page of the built site in Chromium: clean loads, nothing from other hosts, no broken links or
orphans, and no serious accessibility problems (axe-core)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests import browser

SAMPLE = ["/", "/training-loop/", "/gpu-training/", "/notebooks/tensors/", "/faq/"]


def serious(page) -> list[str]:
    violations = Axe().run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']} ({len(v['nodes'])} nodes)"
            for v in violations if v["impact"] in ("serious", "critical")]


def test_every_page_loads_cleanly_from_this_machine_only_and_is_accessible(site):
    site_dir, base_url, chromium = site
    pages = browser.site_pages(site_dir)
    assert len(pages) >= 20, pages  # chapters, other pages, notebooks
    third_party, links, inaccessible = [], set(), []
    for path in pages:
        page, events = browser.open_page(chromium, base_url + path)
        assert not events["errors"], f"{path}: console errors {events['errors']}"
        assert not events["failed"], f"{path}: failed requests {events['failed']}"
        third_party += [url for url in events["requests"] if not url.startswith((base_url, "data:", "blob:"))]
        links |= {(path, href.split("#")[0]) for href in page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)")
                  if href.startswith(base_url)}
        inaccessible += [f"{path}: {problem}" for problem in serious(page)]
        page.context.close()
    assert third_party == [], f"requests that leave 127.0.0.1: {sorted(set(third_party))}"
    assert not inaccessible, "\n".join(inaccessible)
    context = chromium.new_context()
    broken = [f"{path} -> {href}" for path, href in sorted(links) if context.request.get(href).status != 200]
    context.close()
    assert not broken, f"links to pages that do not exist: {broken}"
    targets = {href.removeprefix(base_url) for _, href in links}
    orphans = [path for path in pages if path != "/" and path not in targets]
    assert not orphans, f"pages no other page links to: {orphans}"


@pytest.mark.parametrize("path", SAMPLE)
def test_the_dark_scheme_is_accessible_too(site, path):
    _, base_url, chromium = site
    page, _ = browser.open_page(chromium, base_url + path, color_scheme="dark")
    problems = serious(page)
    page.context.close()
    assert not problems, problems
