"""Helpers for the browser tests: serve the built site on 127.0.0.1, drive Debian's Chromium."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests import dependencies

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


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


def site_pages(site_dir: Path) -> list[str]:
    """Every HTML page of the built site, as a path under the site root."""
    pages = []
    for index in sorted(site_dir.rglob("index.html")):
        relative = index.parent.relative_to(site_dir).as_posix()
        pages.append("/" if relative == "." else f"/{relative}/")
    return pages


def open_page(chromium, url: str, **context_options):
    context = chromium.new_context(**context_options)
    page = context.new_page()
    events = {"errors": [], "failed": [], "requests": []}
    page.on("console", lambda m: m.type == "error" and events["errors"].append(m.text))
    page.on("pageerror", lambda e: events["errors"].append(str(e)))
    page.on("requestfailed", lambda r: events["failed"].append(f"{r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and events["failed"].append(f"{r.url} ({r.status})"))
    page.on("request", lambda r: events["requests"].append(r.url))
    page.goto(url)
    return page, events


def serious_accessibility_problems(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} ({len(v['nodes'])} nodes)"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def check_page(site, path: str) -> None:
    _, base_url, chromium = site
    page, events = open_page(chromium, base_url + path)
    inaccessible = serious_accessibility_problems(page)  # a second or more: requests made late are seen too
    page.context.close()
    assert not events["errors"], f"{path}: console errors {events['errors']}"
    assert not events["failed"], f"{path}: failed requests {events['failed']}"
    third_party = [url for url in events["requests"] if not url.startswith((base_url, "data:", "blob:"))]
    assert third_party == [], f"{path}: requests that leave 127.0.0.1: {sorted(set(third_party))}"
    assert not inaccessible, f"{path}: " + "\n".join(inaccessible)
