"""The site builds strictly, and a broken include breaks the build; what the built pages show (links, figure
captions, Colab links) is right."""

import html
import json
import re

import markdown
import pytest
from mkdocs.config import load_config
from pymdownx.snippets import SnippetMissingError

from primer import paths, site_hooks
from primer.chapters import chapters
from primer.generate.notebooks import ERROR_LINE
from tests.site_build import EDIT_URL


def test_the_site_builds_strictly_without_warnings(built_site):
    site, result = built_site
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    assert (site / "tensors" / "index.html").is_file()


# Bytes of HTML. mkdocs-jupyter's inline stylesheets once made every notebook page 650 kB; the heaviest page now
# is A.9's notebook, 206 kB of its own highlighted code and text (its chapter page is 145 kB).
PAGE_LIMIT = 225_000


def test_every_built_page_is_light_and_notebook_pages_share_one_stylesheet(built_site):
    site, _ = built_site
    heavy = {page.relative_to(site).as_posix(): page.stat().st_size for page in site.rglob("*.html")}
    assert not {page: size for page, size in heavy.items() if size > PAGE_LIMIT}, f"over {PAGE_LIMIT} bytes"
    notebooks = list((site / "notebooks").rglob("index.html"))
    linked = {
        match for page in notebooks for match in re.findall(r'href="[./]*(assets/notebook-\w+\.css)"', page.read_text())
    }
    assert notebooks and len(linked) == 1, f"one stylesheet for every notebook page, not {linked}"
    assert (site / linked.pop()).stat().st_size > 500_000, "what the pages held inline"


def test_every_internal_link_resolves_and_no_page_is_an_orphan(built_site):
    site, _ = built_site
    pages = {page.parent for page in site.rglob("index.html")}
    linked, broken = set(), []
    for page in pages:
        for href in re.findall(r'<a [^>]*href="([^"#]*)', (page / "index.html").read_text(encoding="utf-8")):
            if not href or re.match(r"[a-z]+:", href):
                continue  # an anchor on the same page, or another site (only the edit links, where configured)
            target = (page / href).resolve()
            if not (target / "index.html" if target.is_dir() else target).is_file():
                broken.append(f"{page.relative_to(site)} -> {href}")
            linked.add(target)
    assert not broken, f"links to files that do not exist: {broken}"
    orphans = [str(page.relative_to(site)) for page in pages if page != site and page.resolve() not in linked]
    assert not orphans, f"pages no other page links to: {orphans}"


def test_a_missing_snippet_section_fails_the_build(monkeypatch):
    # The build renders every page with mkdocs.yml's Markdown extensions, where pymdownx.snippets' check_paths
    # makes a missing section an error that stops it.
    config = load_config(str(paths.CONFIG), plugins=[], hooks=[], theme={"name": "material"}, watch=[])
    monkeypatch.chdir(paths.ROOT)  # mkdocs resolves the snippets' base_path against the folder it runs in
    md = markdown.Markdown(extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"])
    with pytest.raises(SnippetMissingError, match="Snippet section 'no-such-section' could not be located"):
        md.convert('--8<-- "snippets/tensors.py:no-such-section"\n')


def test_the_book_figures_render_with_their_numbered_captions(built_site):
    site, _ = built_site
    html = "\n".join(page.read_text(encoding="utf-8") for page in sorted(site.rglob("index.html")))
    assert 'markdown="span"' not in html, "a <figure> was not processed by md_in_html (is it indented?)"
    numbers = [int(n) for n in re.findall(r"<figure>\s*<img [^>]*>\s*(?:<br />\s*)?<figcaption>Figure A\.(\d+) ", html)]
    assert sorted(numbers) == list(range(1, 14))


COLAB = re.compile(r'href="(https://colab\.research\.google\.com/github/[^"]*)"')
BUTTON = re.compile(r'<a class="md-button" href="([^"]*)">Open this chapter as a notebook</a>')
OFFER = f"{COLAB.pattern}|{BUTTON.pattern}"


def test_each_chapter_and_its_notebook_page_offer_the_notebook_and_no_other_page_does(built_site):
    site, _ = built_site
    for chapter in chapters():
        expected = [site_hooks.colab_url(EDIT_URL, f"notebooks/{chapter}.ipynb")]  # its unit test: test_site_hooks
        chapter_page = (site / chapter / "index.html").read_text(encoding="utf-8")
        assert BUTTON.findall(chapter_page) == [f"../notebooks/{chapter}/"], chapter
        assert COLAB.findall(chapter_page) == expected, chapter
        notebook_page = (site / "notebooks" / chapter / "index.html").read_text(encoding="utf-8")
        assert COLAB.findall(notebook_page) == expected, f"notebooks/{chapter}"
    others = {page.parent.relative_to(site).as_posix() for page in site.rglob("index.html")}
    others -= {*chapters(), *(f"notebooks/{chapter}" for chapter in chapters())}
    offering = [page for page in others if re.search(OFFER, (site / page / "index.html").read_text("utf-8"))]
    assert not offering, f"pages without a notebook offer one: {offering}"


def test_the_site_search_finds_every_error_of_the_common_errors_page_by_its_message(built_site):
    site, _ = built_site
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    indexed = "\n".join(
        html.unescape(doc["text"]) for doc in index["docs"] if doc["location"].startswith("common-errors/")
    )
    page = (paths.DOCS / "common-errors.md").read_text(encoding="utf-8")
    errors = [match.group("name", "value") for line in page.splitlines() if (match := ERROR_LINE.match(line))]
    assert len(errors) >= 7
    missing = [f"{name}: {message}" for name, message in errors if f"{name}: {message[:60]}" not in indexed]
    assert not missing
