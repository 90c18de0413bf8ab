"""MkDocs hooks (mkdocs.yml `hooks:`): what the site adds to the pages, and how includes are read.

- The home page's list of pages: every page of the navigation, in its sections and order, each with one line
  (its front matter's `description`, else the first sentence of its first paragraph), under the heading
  "The pages"; and, at the end of its "Credits", a link to this project's repository where its address is known.
- A chapter's start: its buttons (Open in Colab where the repository is known, Download notebook, Download code)
  and one sentence on running its blocks in order. A page is a chapter where docs/notebooks/ holds its notebook:
  `dev.py generate` writes one, and its script, for each chapter (primer/chapters.py).
- Output blocks marked for the stylesheet (docs/stylesheets/path.css): joined to the code above them, an error
  raised on purpose marked as one; figures open full size on a tap.
- The line under each page whose examples ran: the PyTorch they were last checked with, and when, from the
  records of `dev.py test-matrix` (primer/records.py), linking to Tested with.
- Includes refuse files reached through symbolic links, as the checks do (primer/pages/expand.py).
"""

from __future__ import annotations

import datetime
import html
import re
from pathlib import Path

from mkdocs.utils.meta import get_data

from primer import environments, records
from primer.errors import ERROR_LINE
from primer.pages.expand import SnippetsInside

# The titles of Output blocks, as primer/pages/blocks.py names them (which imports what the site's build has not:
# tests/test_site_hooks.py holds the two to each other).
OUTPUT_TITLE = "Output"
STDERR_TITLE = "Output (stderr)"


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
    """The notebook a page offers (its path under docs/), among those the site has: a chapter's; None for any
    other page."""
    own = NOTEBOOKS + src_uri.removesuffix(".md") + ".ipynb"
    return own if own in notebooks else None


def colab_url(edit_uri: str, notebook: str) -> str | None:
    """Where Colab opens a notebook of the repository the edit address names; None where it names none."""
    match = GITHUB_EDIT.match(edit_uri or "")
    if not match:
        return None
    return f"https://colab.research.google.com/github/{match['repository']}/blob/{match['folder']}{notebook}"


def repository_url(edit_uri: str) -> str | None:
    """The repository the edit address names (on GitHub); None where it names none."""
    match = GITHUB_EDIT.match(edit_uri or "")
    return f"https://github.com/{match['repository']}" if match else None


RUN_IN_ORDER = (
    "Run this chapter's code blocks in order, in one Python session: later blocks use what earlier ones define. "
    "Or take the whole chapter at once, as a notebook or as one script, each tested to print what this page shows."
)


def chapter_start(markdown: str, notebook: str, colab: str | None) -> str:
    """The chapter's Markdown with its buttons and the sentence on running its blocks under its title (the first
    line)."""
    title, _, rest = markdown.partition("\n")
    script = notebook.removesuffix(".ipynb") + ".py"
    buttons = [f"[Open in Colab]({colab}){{ .md-button }}"] if colab else []
    buttons += [
        f'[Download notebook (.ipynb)]({notebook}){{ .md-button download="{Path(notebook).name}" }}',
        f'[Download code (.py)]({script}){{ .md-button download="{Path(script).name}" }}',
    ]
    start = f'<div class="primer-chapter-start" markdown>\n\n{RUN_IN_ORDER}\n\n{" ".join(buttons)}\n\n</div>'
    return f"{title}\n\n{start}\n{rest}"


# The home page's sections the hook fills in: the list of pages right under the first, a sentence at the end
# of the second. A home page without them fails the build.
PAGES_HEADING = "## The pages"
CREDITS_HEADING = "## Credits"
LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=[A-Z*`(\[])")
PARENTHESIS = re.compile(r" \([^()]*\)")  # an aside, such as "(see Tested with)"
SHORT = 8  # words: a first sentence shorter than this takes the next one with it


def one_line(markdown: str) -> str:
    """What a page is about, in one line: its front matter's `description`, else the first sentence of its
    first paragraph of prose (links as their text)."""
    text, meta = get_data(markdown)
    if meta.get("description"):
        return str(meta["description"]).strip()
    paragraphs = [paragraph.strip() for paragraph in re.split(r"\n\s*\n", text) if paragraph.strip()]
    first = next((p for p in paragraphs if not p.startswith("#")), "")  # the first after the title
    if first.startswith(("-", "*", "!!!", "???", "```", "<", "|", "1.", "===")):  # no prose: a list, a block
        return ""
    sentences = SENTENCE_END.split(PARENTHESIS.sub("", LINK.sub(r"\1", " ".join(first.split()))))
    line = sentences[0]
    for sentence in sentences[1:]:  # a short first sentence ("Everything so far ran on the CPU.") with the next
        if len(line.split()) >= SHORT:
            break
        line += " " + sentence
    return line


def pages_list(nav: list, docs_dir: Path, depth: int = 0) -> list[str]:
    """The navigation as a Markdown list: each page a link with its one line, each section its pages."""
    lines = []
    for entry in nav:
        title, value = next(iter(entry.items())) if isinstance(entry, dict) else (None, entry)
        indent = "    " * depth
        if isinstance(value, list):
            lines.append(f"{indent}- **{title}**")
            lines += pages_list(value, docs_dir, depth + 1)
        elif value != "index.md":
            line = one_line((docs_dir / value).read_text(encoding="utf-8"))
            lines.append(f"{indent}- [{title or value}]({value})" + (f": {line}" if line else ""))
    return lines


def home_page(markdown: str, nav: list, docs_dir: Path, repository: str | None) -> str:
    """The home page with its list of pages under PAGES_HEADING and, where the repository is known, a link to it
    at the end of CREDITS_HEADING's section."""
    for heading in (PAGES_HEADING, CREDITS_HEADING):
        if f"\n{heading}\n" not in f"\n{markdown}":
            raise ValueError(f"docs/index.md has no line {heading!r}, under which primer/site_hooks.py adds its part")
    listed = "\n".join(pages_list(nav, docs_dir))
    markdown = markdown.replace(f"{PAGES_HEADING}\n", f"{PAGES_HEADING}\n\n{listed}\n", 1)
    if repository:
        head, _, section = markdown.partition(f"{CREDITS_HEADING}\n")
        body, following, after = section.partition("\n## ")
        sentence = f"This site's own source, and its issues, are at <{repository}>."
        markdown = f"{head}{CREDITS_HEADING}\n{body.rstrip()}\n\n{sentence}\n{following}{after}"
    return markdown


def _notebooks(config) -> set[str]:
    return {path.relative_to(config.docs_dir).as_posix() for path in Path(config.docs_dir, NOTEBOOKS).glob("*.ipynb")}


def on_page_markdown(markdown, page, config, files):
    if page.file.src_uri == "index.md":
        return home_page(markdown, config.nav, Path(config.docs_dir), repository_url(config.edit_uri))
    found = notebook(page.file.src_uri, _notebooks(config))
    return chapter_start(markdown, found, colab_url(config.edit_uri, found)) if found else markdown


# A code block as Python-Markdown and Pygments write it, with the title superfences gives it where it has one.
BLOCK = re.compile(
    r'<div class="(?P<classes>[^"]*\bhighlight\b[^"]*)"(?P<attributes>[^>]*)>'
    r'(?:<span class="filename">(?P<title>[^<]*)</span>)?(?P<pre><pre>.*?</pre>)</div>',
    re.DOTALL,
)
TAG = re.compile(r"<[^>]+>")


def raises(code_html: str) -> bool:
    """Whether an Output block's text shows an error as Python reports it (`Name: message`) on a line."""
    text = html.unescape(TAG.sub("", code_html))
    return any(ERROR_LINE.match(line) for line in text.rstrip("\n").split("\n"))


def _mark_output(match: re.Match) -> str:
    title = html.unescape(match["title"] or "")
    if not (title == OUTPUT_TITLE or title.startswith(OUTPUT_TITLE + " ")):
        return match[0]
    classes = ["primer-output"]
    if title.startswith(STDERR_TITLE):
        classes.append("primer-stderr")
    elif raises(match["pre"]):
        classes.append("primer-raises")
    return (
        f'<div class="{match["classes"]} {" ".join(classes)}"{match["attributes"]}>'
        f'<span class="filename">{match["title"]}</span>{match["pre"]}</div>'
    )


FIGURE = re.compile(r'<img (?P<before>[^>]*)src="(?P<src>[^"]+\.svg)"(?P<after>[^>]*)>')


def mark_outputs_and_figures(content: str) -> str:
    """The page's HTML with its Output blocks marked (`primer-output`, and `primer-stderr` or `primer-raises`)
    and each figure a link to itself, which opens it full size."""
    content = BLOCK.sub(_mark_output, content)
    return FIGURE.sub(
        lambda m: f'<a class="primer-figure" href="{m["src"]}" title="Open the figure full size">{m[0]}</a>', content
    )


def gpu_notes(content: str, page: str, gpu: dict | None) -> str:
    """Under each Output block only a GPU run compares (one for the `gpu` environment, or under a block that needs
    CUDA), which run printed it, in words: the pinned run of a GPU record, or none yet."""
    pinned = {(entry["page"], entry["title"]) for entry in (gpu or {}).get("pinned", {}).values()}
    needs_cuda = False

    def note(match: re.Match) -> str:
        nonlocal needs_cuda
        title = html.unescape(match["title"] or "")
        if not title.startswith(OUTPUT_TITLE):
            needs_cuda = 'data-needs="cuda"' in match["attributes"]
            return match[0]
        if not (needs_cuda or re.search(r'data-environment="[^"]*\bgpu\b', match["attributes"])):
            return match[0]
        if (f"docs/{page}", title) in pinned:
            date = datetime.date.fromisoformat(gpu["date"])
            said = (
                f"Printed on an {gpu['machine']['gpu']} by this project's GPU run of {date.day} {date:%B %Y}; the "
                "checks fail if the page shows anything else."
            )
        else:
            said = (
                "From a machine with an NVIDIA GPU, which the checks of every change do not have: no GPU run has "
                "checked this output as the page shows it yet."
            )
        return f'{match[0]}<p class="primer-gpu-note">{said}</p>'

    return BLOCK.sub(note, content)


def on_page_content(html, page, config, files):
    return gpu_notes(mark_outputs_and_figures(html), page.file.src_uri, records.load().get(environments.GPU))


def checked_line(page: str, found: dict[str, dict]) -> str | None:
    """`Checked with PyTorch 2.13.0 on 2 December 2026, and with 2.15.0 and 2.0.1`: the versions whose run
    passed every check of the page (the reference's first, with its date), made here (not given from
    elsewhere); None where the reference's did not."""
    reference = found.get(environments.REFERENCE)
    if not reference or not records.verified(reference, page):
        return None
    declared = environments.declared()

    def version(record: dict) -> str:
        return record["machine"]["torch"].split("+", 1)[0]

    others = [
        version(record)
        for name, record in found.items()
        if name != environments.REFERENCE
        and not (declared.get(name) and declared[name].given)
        and records.verified(record, page)
        and version(record) != version(reference)
    ]
    date = datetime.date.fromisoformat(reference["date"])
    line = f"Checked with PyTorch {version(reference)} on {date.day} {date:%B %Y}"
    if others:
        line += ", and with " + (
            " and ".join(others) if len(others) < 3 else ", ".join(others[:-1]) + " and " + others[-1]
        )
    return line


def on_page_context(context, page, config, nav):
    context["checked"] = checked_line(page.file.src_uri, records.load())
    return context
