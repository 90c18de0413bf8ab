"""What readers do with the site's controls: search, switch the color scheme; and screenshots to look at."""

from __future__ import annotations

import pytest
from PIL import Image

from primer import paths
from primer.errors import ERROR_LINE
from primer.paths import ROOT
from tests import browser

SCREENSHOTS = ROOT / "test-output" / "screenshots"


def first_error_message(page: str) -> str:
    """The first error message a page shows, as PyTorch prints it (after `Name: `), its first words."""
    text = (paths.DOCS / page).read_text(encoding="utf-8")
    message = next(match["value"] for line in text.splitlines() if (match := ERROR_LINE.match(line)))
    return " ".join(message.split()[:6])


@pytest.mark.parametrize(
    ("query", "first"),
    [("DataLoader", "/data-loaders/"), (first_error_message("common-errors.md"), "/common-errors/")],
    ids=["DataLoader", "an error message"],
)
def test_search_finds_the_page_about_it_first_and_no_notebook_copy(site, query, first):
    with browser.visit(site, "/") as (page, _):
        page.keyboard.press("/")  # Material's shortcut to the search box
        page.keyboard.type(query)
        page.wait_for_selector(".md-search-result__item a", state="attached", timeout=15000)
        links = page.eval_on_selector_all(".md-search-result__item a", "links => links.map(a => a.href)")
    assert first in links[0], links  # the best match is the page about it
    assert not [link for link in links if "/notebooks/" in link], links


def test_the_palette_toggle_switches_between_light_and_dark(site):
    page, _ = browser.open_page(site.chromium, site.url + "/tensors/", color_scheme="light")
    schemes = []
    for _ in range(3):
        schemes.append(page.evaluate("document.body.dataset.mdColorScheme"))
        page.click("form[data-md-component=palette] label:not([hidden])")
    assert {"default", "slate"} <= set(schemes), schemes
    page.context.close()


# A screenshot shows the page, in its color scheme: most of what is under the header is the scheme's background,
# and text covers a share of it (2 % and more here). A blank page, an unstyled one or the wrong scheme fails.
BACKGROUND = {"light": range(200, 256), "dark": range(80)}  # gray levels, 0 black to 255 white
VIEWPORT = {"width": 1280, "height": 900}
UNDER_THE_HEADER = (0, 150, VIEWPORT["width"], VIEWPORT["height"])


def background_and_ink(histogram: list[int]) -> tuple[int, float]:
    """The gray level of most pixels, and the share of pixels far from it."""
    half, seen = sum(histogram) / 2, 0
    background = next(level for level, count in enumerate(histogram) if (seen := seen + count) >= half)
    ink = sum(count for level, count in enumerate(histogram) if abs(level - background) > 100)
    return background, ink / sum(histogram)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_show_the_page_in_its_color_scheme(site, scheme):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, path in (("home", "/"), ("training-loop", "/training-loop/")):
        page, _ = browser.open_page(site.chromium, site.url + path, color_scheme=scheme, viewport=VIEWPORT)
        file = SCREENSHOTS / f"{name}-{scheme}.png"
        page.screenshot(path=str(file), full_page=False)
        page.context.close()
        with Image.open(file) as image:
            assert image.size == (VIEWPORT["width"], VIEWPORT["height"]), file.name
            background, ink = background_and_ink(image.convert("L").crop(UNDER_THE_HEADER).histogram())
        assert background in BACKGROUND[scheme], f"{file.name}: the background is gray {background}"
        assert ink > 0.01, f"{file.name}: only {ink:.1%} of it stands out from the background: is the page shown?"


# Each group of variant outputs at each size: whether its labels overflow their row (some hidden behind the
# scroll arrows), and for each tab, opened in turn, whether it shows an error raised on purpose and the color of
# the group's rule and of the rule an error's block has on its own.
OUTPUT_TABS_JS = """
() => [...document.querySelectorAll('article .highlight + .tabbed-set')]
  .filter(set => set.querySelector('.primer-output'))
  .map(set => {
    const row = set.querySelector(':scope > .tabbed-labels');
    const tabs = [...row.querySelectorAll(':scope > label')].map((label, index) => {
      set.querySelectorAll(':scope > input')[index].checked = true;
      const block = set.querySelectorAll(':scope > .tabbed-content > .tabbed-block')[index];
      return {label: label.innerText, raises: !!block.querySelector('.primer-raises'),
              rule: getComputedStyle(set).borderLeftColor};
    });
    set.querySelector(':scope > input').checked = true;
    return {overflow: row.scrollWidth - row.clientWidth, tabs};
  })
"""


@pytest.mark.parametrize("path", ["/setting-up/", "/gpu-platforms/"])
def test_variant_output_tabs_show_every_label_and_an_errors_rule(site, path):
    """Every tab of a group of variant outputs is in sight at both sizes (its labels wrap rather than scroll), and
    the group's rule is red while the open tab shows an error raised on purpose, as a single block's is."""
    problems = []
    with browser.visit(site, path) as (page, _):
        raises_color = page.evaluate("getComputedStyle(document.body).getPropertyValue('--primer-raises-color').trim()")
        red = page.evaluate(
            "color => { const e = document.createElement('i'); e.style.color = color; document.body.append(e);"
            " const c = getComputedStyle(e).color; e.remove(); return c; }",
            raises_color,
        )
        original = page.viewport_size
        try:
            for size, viewport in browser.SIZES.items():
                page.set_viewport_size(viewport)
                groups = page.evaluate(OUTPUT_TABS_JS)
                assert groups, f"{path}: no group of variant outputs"
                for group in groups:
                    labels = [tab["label"] for tab in group["tabs"]]
                    if group["overflow"] > 1:
                        problems.append(f"{size}: the tabs {labels} do not fit their row ({group['overflow']} px more)")
                    problems += [
                        f"{size}: the tab {tab['label']!r} is drawn with the rule {tab['rule']} (an error's is {red})"
                        for tab in group["tabs"]
                        if (tab["rule"] == red) != tab["raises"]
                    ]
        finally:
            page.set_viewport_size(original)
    assert not problems, f"{path}: " + f"\n{path}: ".join(problems)
