"""MkDocs hooks (mkdocs.yml `hooks:`): what the template adds to a page, and how includes are read.

- A chapter's notebook: its button under the title, and "Open in Colab" on the chapter and on the notebook's
  own page. A page has a notebook where docs/notebooks/ holds one of its name: `dev.py generate` writes one
  for each chapter (primer/chapters.py), and tests/test_generated.py fails where they disagree.
- The note under each page: the environments it was verified in.
- Includes refuse files reached through symbolic links, as the checks do (primer/pages/expand.py).
- A notebook page's stylesheets (mkdocs-jupyter inlines about 600 kB of them into every one) are served once,
  from a file under assets/ that browsers cache.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from mkdocs.utils import get_relative_url

from primer import records
from primer.pages.expand import SnippetsInside


def on_config(config):
    extensions = config["markdown_extensions"]
    index = extensions.index("pymdownx.snippets")
    extensions[index] = SnippetsInside(**config["mdx_configs"].pop("pymdownx.snippets", {}))
    return config


NOTEBOOKS = "notebooks/"
# Colab opens notebooks from GitHub only: from an edit address (PRIMER_EDIT_URL, mkdocs.yml's edit_uri) of the
# form https://github.com/OWNER/REPO/edit/BRANCH/FOLDER/.
GITHUB_EDIT = re.compile(r"^https://github\.com/(?P<repository>[^/]+/[^/]+)/edit/(?P<folder>.+/)$")


def notebook(src_uri: str, notebooks: set[str]) -> str | None:
    """The notebook a page offers (its path under docs/), among those the site has: a chapter's, or the
    notebook page itself; None for any other page."""
    own = src_uri if src_uri.startswith(NOTEBOOKS) else NOTEBOOKS + src_uri.removesuffix(".md") + ".ipynb"
    return own if own in notebooks else None


def colab_url(edit_uri: str, notebook: str) -> str | None:
    """Where Colab opens a notebook of the repository the edit address names; None where it names none."""
    match = GITHUB_EDIT.match(edit_uri or "")
    if not match:
        return None
    return f"https://colab.research.google.com/github/{match['repository']}/blob/{match['folder']}{notebook}"


def notebook_button(markdown: str, notebook: str) -> str:
    """The chapter's Markdown with the button to its notebook under its title (the first line)."""
    title, _, rest = markdown.partition("\n")
    return f"{title}\n\n[Open this chapter as a notebook]({notebook}){{ .md-button }}\n{rest}"


def _notebooks(config) -> set[str]:
    return {path.relative_to(config.docs_dir).as_posix() for path in Path(config.docs_dir, NOTEBOOKS).glob("*.ipynb")}


def on_page_markdown(markdown, page, config, files):
    found = notebook(page.file.src_uri, _notebooks(config))
    return notebook_button(markdown, found) if found and not page.file.src_uri.startswith(NOTEBOOKS) else markdown


def on_page_context(context, page, config, nav):
    found = notebook(page.file.src_uri, _notebooks(config))
    context["colab_url"] = colab_url(config.edit_uri, found) if found else None
    context["verified_in"] = [
        f"{records.label(record)} ({name})"
        for name, record in records.load().items()
        if records.verified(record, page.file.src_uri)
    ]
    return context


STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL)


def shared_stylesheet(output: str, page_url: str, site_dir: Path) -> str:
    """The page with its inline stylesheets replaced by a link to one file holding them, in their order, named
    by its content: every notebook page links to the same file, written once."""
    first = STYLE.search(output)
    if first is None:
        return output
    css = "\n".join(STYLE.findall(output))
    name = f"assets/notebook-{hashlib.sha256(css.encode()).hexdigest()[:16]}.css"
    path = site_dir / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(css, encoding="utf-8")
    link = f'<link rel="stylesheet" href="{get_relative_url(name, page_url)}">'
    return output[: first.start()] + link + STYLE.sub("", output[first.start() :])


def on_post_page(output, page, config):
    if not page.file.src_uri.startswith(NOTEBOOKS):
        return output
    return shared_stylesheet(output, page.url, Path(config.site_dir))
