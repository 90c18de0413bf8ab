"""Helpers for the browser tests: serve the built site on 127.0.0.1, drive Debian's Chromium."""

from __future__ import annotations

import functools
import http.server
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
# What a color scheme changes: the colors, not the page's structure, so the dark scheme needs only these rules.
COLOR_RULES = ["color-contrast", "link-in-text-block"]


def chromium() -> str:
    """The system Chromium; the test set-up (.ci/run) installs Debian's package. No browser download."""
    return dependencies.program(
        ("chromium", "chromium-browser"), "Chromium is not installed (Debian: apt-get install chromium)"
    )


@contextmanager
def serve(site_dir: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
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


def check_page(site: Site, path: str) -> None:
    """Everything wrong with a page at once: console errors, failed requests, requests to other hosts, and
    axe-core's serious findings."""
    with visit(site, path) as (page, events):
        inaccessible = serious_accessibility_problems(page)  # a second or more: requests made late are seen too
    third_party = sorted({url for url in events["requests"] if not url.startswith((site.url, "data:", "blob:"))})
    problems = [
        *([f"console errors {events['errors']}"] if events["errors"] else []),
        *([f"failed requests {events['failed']}"] if events["failed"] else []),
        *([f"requests that leave 127.0.0.1: {third_party}"] if third_party else []),
        *inaccessible,
    ]
    assert not problems, f"{path}: " + f"\n{path}: ".join(problems)
