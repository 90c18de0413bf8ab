"""Helpers for the browser tests: serve the built site on 127.0.0.1 as GitHub Pages does, drive Debian's Chromium."""

from __future__ import annotations

import functools
import http.server
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests import dependencies

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NOT_FOUND = "Failed to load resource: the server responded with a status of 404 (Not Found)"  # Chromium's console
# What a color scheme changes: the colors, not the page's structure, so the dark scheme needs only these rules.
COLOR_RULES = ["color-contrast", "link-in-text-block"]


def chromium() -> str:
    """The system Chromium; the test set-up (.ci/run) installs Debian's package. No browser download."""
    dependencies.only_on(
        "linux", "the browser checks look at the built site, which is the same whichever system built it"
    )
    return dependencies.program(
        ("chromium", "chromium-browser"), "Chromium is not installed (Debian: apt-get install chromium)"
    )


# GitHub Pages serves a project site under the repository's name, and its 404 page for any missing path.
PREFIX = "/pytorch-primer"
SITE_URL = f"http://127.0.0.1{PREFIX}/"  # what the site is built with, as the deploy job sets its own


@contextmanager
def serve(site_dir: Path) -> Iterator[str]:
    """The site under PREFIX, as Pages serves it; the URL of its root, without the final slash."""
    handler = functools.partial(_PagesHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    finally:
        server.shutdown()
        server.server_close()


class _PagesHandler(http.server.SimpleHTTPRequestHandler):
    def send_head(self):
        """Only what is under PREFIX is the site; anything else is missing."""
        if self.path == PREFIX or self.path.startswith((f"{PREFIX}/", f"{PREFIX}?")):
            return super().send_head()
        self.send_error(404)
        return None

    def translate_path(self, path: str) -> str:
        return super().translate_path(path[len(PREFIX) :])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """A missing path gets the site's 404 page, with status 404."""
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.exists():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format, *args) -> None:
        pass


@dataclass
class Site:
    """The built site, served, and Chromium with one tab open on it.

    The checks that only look at a page share that tab: opening a page starts a renderer process, which costs
    this 2-core machine about a CPU-second, twice what a navigation on the open tab costs. The tests that change
    what a page remembers (the palette toggle) or how it is shown (the screenshots) open their own.
    """

    directory: Path
    url: str
    chromium: object  # playwright's Browser
    tab: object  # playwright's Page, in a context allowed to use the clipboard


def site_pages(site_dir: Path) -> list[str]:
    """Every HTML page of the built site, as a path under the site root."""
    pages = []
    for index in sorted(site_dir.rglob("index.html")):
        relative = index.parent.relative_to(site_dir).as_posix()
        pages.append("/" if relative == "." else f"/{relative}/")
    return pages


def _recorder(page) -> tuple[dict[str, list[str]], dict]:
    """Lists of what goes wrong and what is requested while a page loads, and the listeners filling them."""
    events = {"errors": [], "failed": [], "requests": []}
    listeners = {
        "console": lambda m: m.type == "error" and events["errors"].append(m.text),
        "pageerror": lambda e: events["errors"].append(str(e)),
        "requestfailed": lambda r: events["failed"].append(f"{r.url} ({r.failure})"),
        "response": lambda r: r.status >= 400 and events["failed"].append(f"{r.url} ({r.status})"),
        "request": lambda r: events["requests"].append(r.url),
    }
    for event, listener in listeners.items():
        page.on(event, listener)
    return events, listeners


def open_page(chromium, url: str, **context_options):
    """A page in a context of its own, for a test that changes what the page remembers or how it is shown."""
    page = chromium.new_context(**context_options).new_page()
    events, _ = _recorder(page)
    page.goto(url)
    return page, events


@contextmanager
def visit(site: Site, path: str, color_scheme: str = "no-override") -> Iterator[tuple[object, dict]]:
    """The shared tab on `path`, with what went wrong while it loaded; left as a fresh tab would be."""
    page = site.tab
    page.emulate_media(color_scheme=color_scheme)
    events, listeners = _recorder(page)
    try:
        page.goto(site.url + path)
        yield page, events
    finally:
        for event, listener in listeners.items():
            page.remove_listener(event, listener)
        if page.url.startswith(site.url):  # not on an error page
            page.evaluate("localStorage.clear(); sessionStorage.clear()")
        page.goto("about:blank")  # so nothing this page does late is taken for the next page's
        page.emulate_media(color_scheme="no-override")


def serious_accessibility_problems(page, rules: list[str] | None = None) -> list[str]:
    """axe-core's serious and critical findings: all its default rules, or only `rules`."""
    from axe_playwright_python.sync_playwright import DEFAULT_OPTIONS, Axe

    options = {**DEFAULT_OPTIONS, "runOnly": rules} if rules else DEFAULT_OPTIONS
    violations = Axe().run(page, options=options).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} ({len(v['nodes'])} nodes)"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def check_page(site: Site, path: str, missing: bool = False, also=None) -> None:
    """Everything wrong with a page at once: console errors, failed requests, requests outside the site (to
    another host, or on this one outside the sub-path the site is served under), and axe-core's serious
    findings; and what `also(page)` finds, on the same visit. A `missing` path must get the site's 404 page,
    with status 404, as whole as any page."""
    with visit(site, path) as (page, events):
        inaccessible = serious_accessibility_problems(page)  # a second or more: requests made late are seen too
        inaccessible += also(page) if also else []
    if missing:  # the one failure expected: the page itself, and the console error Chromium reports for it
        assert f"{site.url}{path} (404)" in events["failed"], f"{path}: not answered with status 404"
        events["failed"].remove(f"{site.url}{path} (404)")
        events["errors"].remove(NOT_FOUND)
    outside = sorted({url for url in events["requests"] if not url.startswith((f"{site.url}/", "data:", "blob:"))})
    problems = [
        *([f"console errors {events['errors']}"] if events["errors"] else []),
        *([f"failed requests {events['failed']}"] if events["failed"] else []),
        *([f"requests outside the site: {outside}"] if outside else []),
        *inaccessible,
    ]
    assert not problems, f"{path}: " + f"\n{path}: ".join(problems)


# The sizes a reader's window has: a laptop's, and a phone's (an iPhone's, in CSS pixels).
SIZES = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
SMALLEST_TEXT = 10  # px: the smallest text a figure may draw as rendered, unless it opens full size on a tap

# What a reader sees of the page's layout, at the window's size: whether it is wider than the window, the
# Previous and Next links of its footer, each Output block with the gap between it and the block above it and
# its left rule, each figure with its rendered width and the link around it.
LAYOUT_JS = """
() => {
  const visible = element => element.checkVisibility({opacityProperty: true, visibilityProperty: true});
  const footer = kind => {
    const link = document.querySelector(`.md-footer__link--${kind}`);
    return link && visible(link) ? link.href : null;
  };
  const outputs = [];
  for (const block of document.querySelectorAll('article div.highlight')) {
    const title = block.querySelector(':scope > .filename')?.innerText ?? '';
    if (!/^Output( |$)/.test(title) || !visible(block)) continue;
    let box = block, above = block.previousElementSibling;
    if (!above && block.closest('.tabbed-set')) {  // the first in a tab: the tabs sit right under the code
      box = block.closest('.tabbed-set');
      above = box.previousElementSibling;
    }
    const abovePre = above?.matches('div.highlight') ? above.querySelector('pre') : null;
    outputs.push({
      title,
      gap: abovePre ? box.getBoundingClientRect().top - abovePre.getBoundingClientRect().bottom : null,
      rule: parseFloat(getComputedStyle(box).borderLeftWidth),
    });
  }
  const figures = [...document.querySelectorAll('article img')]
    .filter(img => img.src.endsWith('.svg') && visible(img))
    .map(img => ({src: img.src, width: img.getBoundingClientRect().width,
                  link: img.closest('a')?.href ?? null}));
  return {width: document.documentElement.scrollWidth, window: window.innerWidth,
          previous: footer('prev'), next: footer('next'), outputs, figures};
}
"""


def svg_text_sizes(svg: Path) -> tuple[float, float, float]:
    """A figure's smallest font size, its viewBox's width and the width it is drawn at on its own (in px)."""
    text = svg.read_text(encoding="utf-8")
    head = text[: text.index(">", text.index("<svg"))]
    view_box = float(re.search(r'viewBox="[\d.]+ [\d.]+ ([\d.]+)', head)[1])
    width = re.search(r'width="([\d.]+)(pt|px)?"', head)
    natural = float(width[1]) * (4 / 3 if width[2] == "pt" else 1) if width else view_box
    sizes = [float(size) for size in re.findall(r'font-size(?:="|:\s*)([\d.]+)', text)]
    assert sizes, f"{svg.name}: no font size found for its text"
    return min(sizes), view_box, natural


def layout_problems(page, site: Site, neighbours: tuple[str | None, str | None] | None) -> list[str]:
    """What is wrong with the page's layout at each size of SIZES: a page wider than the window, Previous and
    Next missing or leading elsewhere than `neighbours` (their URLs; None: the page has no footer links), an
    Output block with a gap between it and the code above it or without its left rule, a figure whose text is
    smaller than SMALLEST_TEXT px that does not open full size where it is at least that."""
    problems = []
    original = page.viewport_size
    try:
        for size, viewport in SIZES.items():
            page.set_viewport_size(viewport)
            layout = page.evaluate(LAYOUT_JS)
            if layout["width"] > layout["window"]:
                problems.append(f"{size}: the page is {layout['width']} px wide in a {layout['window']} px window")
            expected = neighbours or (None, None)
            if (layout["previous"], layout["next"]) != expected:
                problems.append(
                    f"{size}: Previous and Next lead to {layout['previous']}, {layout['next']}, not {expected}"
                )
            for output in layout["outputs"]:
                if output["gap"] is None or abs(output["gap"]) > 1 or output["rule"] < 1:
                    problems.append(
                        f"{size}: the {output['title']!r} block is not joined to the code above it ({output})"
                    )
            for figure in layout["figures"]:
                font, view_box, natural = svg_text_sizes(site.directory / figure["src"].removeprefix(site.url + "/"))
                drawn = font * figure["width"] / view_box
                if drawn < SMALLEST_TEXT and (
                    figure["link"] != figure["src"] or font * natural / view_box < SMALLEST_TEXT
                ):
                    problems.append(f"{size}: {figure['src']} draws text {drawn:.1f} px high and opens no larger")
    finally:
        page.set_viewport_size(original)
    return problems


def console_copies(page) -> list[tuple[str, str]]:
    """Each console block's text as shown, and what its copy button copied, with collapsed blocks and every
    tab shown as a reader opens them."""
    if not page.query_selector("article div.language-console"):
        return []
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    page.add_style_tag(content=".tabbed-set > .tabbed-content > .tabbed-block { display: block !important }")
    copies = []
    for block in page.query_selector_all("article div.language-console"):
        page.evaluate("navigator.clipboard.writeText('')")
        block.query_selector('button[data-md-type="copy"]').click()
        copies.append((block.query_selector("code").inner_text(), page.evaluate("navigator.clipboard.readText()")))
    return copies
