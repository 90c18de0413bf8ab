"""What readers do with the site's controls: search, switch the color scheme; and screenshots to look at."""

from __future__ import annotations

import pytest

from primer.paths import ROOT
from tests import browser

SCREENSHOTS = ROOT / "test-output" / "screenshots"


def test_search_finds_the_data_loader_chapter(site):
    with browser.visit(site, "/") as (page, _):
        page.keyboard.press("/")  # Material's shortcut to the search box
        page.keyboard.type("DataLoader")
        page.wait_for_selector(".md-search-result__item a", state="attached", timeout=15000)
        links = page.eval_on_selector_all(".md-search-result__item a", "links => links.map(a => a.href)")
    assert "/data-loaders/" in links[0], links  # the best match is the data-loader chapter


def test_the_palette_toggle_switches_between_light_and_dark(site):
    page, _ = browser.open_page(site.chromium, site.url + "/tensors/", color_scheme="light")
    schemes = []
    for _ in range(3):
        schemes.append(page.evaluate("document.body.dataset.mdColorScheme"))
        page.click("form[data-md-component=palette] label:not([hidden])")
    assert {"default", "slate"} <= set(schemes), schemes
    page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots(site, scheme):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, path in (("home", "/"), ("training-loop", "/training-loop/")):
        page, _ = browser.open_page(
            site.chromium, site.url + path, color_scheme=scheme, viewport={"width": 1280, "height": 900}
        )
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{scheme}.png"), full_page=False)
        page.context.close()
        assert (SCREENSHOTS / f"{name}-{scheme}.png").stat().st_size > 10_000
