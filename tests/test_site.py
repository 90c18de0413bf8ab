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


# Bytes of HTML: the heaviest page is A.9, about 150 kB of its own highlighted code and text.
PAGE_LIMIT = 225_000


def test_every_built_page_is_light_and_the_notebooks_are_files_not_pages(built_site):
    """The notebooks are offered as files to download; the site holds no HTML copy of them, which search would
    find beside the chapters."""
    site, _ = built_site
    heavy = {page.relative_to(site).as_posix(): page.stat().st_size for page in site.rglob("*.html")}
    assert not {page: size for page, size in heavy.items() if size > PAGE_LIMIT}, f"over {PAGE_LIMIT} bytes"
    assert not list((site / "notebooks").rglob("*.html")), "an HTML copy of a notebook"
    for chapter in chapters():
        for suffix in ("ipynb", "py"):
            built, committed = site / "notebooks" / f"{chapter}.{suffix}", paths.NOTEBOOKS / f"{chapter}.{suffix}"
            assert built.read_bytes() == committed.read_bytes(), f"{built.relative_to(site)} is not the committed one"
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert not [doc["location"] for doc in index["docs"] if doc["location"].startswith("notebooks/")]


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
    numbers = [
        int(n)
        for n in re.findall(
            r"<figure>\s*(?:<a [^>]*>)?<img [^>]*>(?:</a>)?\s*(?:<br />\s*)?<figcaption>Figure A\.(\d+) ", html
        )
    ]
    assert sorted(numbers) == list(range(1, 14))


COLAB = re.compile(r'href="(https://colab\.research\.google\.com/github/[^"]*)"')
DOWNLOAD = re.compile(r'<a class="md-button" download="([^"]+)" href="([^"]*)">Download (notebook|code) \(\.\w+\)</a>')
OFFER = f"{COLAB.pattern}|{DOWNLOAD.pattern}|{re.escape(site_hooks.RUN_IN_ORDER[:40])}"


def test_each_chapter_offers_colab_its_notebook_and_its_script_and_no_other_page_does(built_site):
    site, _ = built_site
    for chapter in chapters():
        expected = [site_hooks.colab_url(EDIT_URL, f"notebooks/{chapter}.ipynb")]  # its unit test: test_site_hooks
        page = (site / chapter / "index.html").read_text(encoding="utf-8")
        assert COLAB.findall(page) == expected, chapter
        assert DOWNLOAD.findall(page) == [
            (f"{chapter}.ipynb", f"../notebooks/{chapter}.ipynb", "notebook"),
            (f"{chapter}.py", f"../notebooks/{chapter}.py", "code"),
        ], chapter
        assert page.count(html.escape(site_hooks.RUN_IN_ORDER, quote=False)) == 1, chapter
    others = {page.parent.relative_to(site).as_posix() for page in site.rglob("index.html")} - set(chapters())
    offering = [page for page in others if re.search(OFFER, (site / page / "index.html").read_text("utf-8"))]
    assert not offering, f"pages without a notebook offer one: {offering}"


def test_the_home_page_lists_every_page_of_the_navigation_and_credits_the_book(built_site):
    site, _ = built_site
    home = (site / "index.html").read_text(encoding="utf-8")
    listed = home.split('id="the-pages"', 1)[1].split('id="credits"', 1)[0]
    for page, title in list(paths.nav().items())[1:]:
        assert f'href="{page.stem}/">{html.escape(title, quote=False)}</a>' in listed, title
    credits = home.split('id="credits"', 1)[1]
    for needed in ("Sebastian Raschka", "Manning", "https://github.com/rasbt/LLMs-from-scratch", "independent"):
        assert needed in credits, needed
    assert site_hooks.repository_url(EDIT_URL) in credits


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
