"""The site builds strictly, and a broken include breaks the build; what the built pages show (links, figure
captions, Colab links) is right."""

import html
import json
import re
import shutil

from primer.chapters import chapters
from primer.paths import ROOT
from tests.site_build import build_site


def test_the_site_builds_strictly_without_warnings(built_site):
    site, result = built_site
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    assert (site / "tensors" / "index.html").is_file()


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


def test_a_missing_snippet_section_fails_the_build(tmp_path):
    project = tmp_path / "project"
    for name in ("docs", "snippets", "benchmarks", "overrides", "primer", "matrix"):
        shutil.copytree(ROOT / name, project / name)
    shutil.copy(ROOT / "mkdocs.yml", project)
    page = project / "docs" / "tensors.md"
    page.write_text(page.read_text().replace("snippets/tensors.py:ranks", "snippets/tensors.py:no-such-section"))
    result = build_site(tmp_path / "site", project)
    assert result.returncode != 0
    assert "Snippet section 'no-such-section' could not be located" in result.stderr


def test_the_book_figures_render_with_their_numbered_captions(built_site):
    site, _ = built_site
    html = "\n".join(page.read_text(encoding="utf-8") for page in sorted(site.rglob("index.html")))
    assert 'markdown="span"' not in html, "a <figure> was not processed by md_in_html (is it indented?)"
    numbers = [int(n) for n in re.findall(r"<figure>\s*<img [^>]*>\s*(?:<br />\s*)?<figcaption>Figure A\.(\d+) ", html)]
    assert sorted(numbers) == list(range(1, 14))


COLAB = re.compile(r'href="(https://colab\.research\.google\.com/github/[^"]*)"')


def test_colab_links_follow_the_configured_repository(tmp_path):
    site = tmp_path / "site"
    result = build_site(site, edit_url="https://github.com/example/primer/edit/main/docs/")
    assert result.returncode == 0, result.stderr
    for chapter in chapters():
        expected = [f"https://colab.research.google.com/github/example/primer/blob/main/docs/notebooks/{chapter}.ipynb"]
        for page in (site / chapter, site / "notebooks" / chapter):  # the chapter, and its notebook's page
            assert COLAB.findall((page / "index.html").read_text(encoding="utf-8")) == expected, page
    for page in ("index.html", "summary/index.html", "glossary/index.html", "setting-up/index.html"):
        assert not COLAB.findall((site / page).read_text(encoding="utf-8")), f"{page} has no notebook"


def test_no_colab_links_where_no_repository_is_configured(built_site):
    site, _ = built_site
    linked = [str(page.relative_to(site)) for page in site.rglob("*.html") if COLAB.search(page.read_text("utf-8"))]
    assert not linked


def test_the_site_search_finds_every_error_of_the_common_errors_page_by_its_message(built_site):
    site, _ = built_site
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    indexed = "\n".join(
        html.unescape(doc["text"]) for doc in index["docs"] if doc["location"].startswith("common-errors/")
    )
    page = (ROOT / "docs" / "common-errors.md").read_text(encoding="utf-8")
    errors = re.findall(r"^((?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*(?:Error|Exception)): (.+)$", page, re.MULTILINE)
    assert len(errors) >= 7
    missing = [f"{name}: {message}" for name, message in errors if f"{name}: {message[:60]}" not in indexed]
    assert not missing
