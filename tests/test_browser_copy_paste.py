"""Copy-paste fidelity: what each copy button on a chapter copies is exactly the code the checks run (a console
block's commands without their prompts), and what the rendered page shows under it is exactly what the checks
compare.

The code a page shows is run twice already: by the Markdown-level check, and in a fresh interpreter (a
Jupyter kernel) by the notebook test, each compared with the page's Output blocks. So pasting it into a
fresh interpreter prints what the page shows as long as the browser copies that very code and shows
those very outputs, which is what this checks, on the rendered site.
"""

from __future__ import annotations

import re

import pytest
from sybil import Document

from primer import paths
from primer.chapters import chapters
from primer.pages.blocks import OUTPUT_TITLE, CodeBlock, ConsoleBlock, example_blocks
from primer.pages.expand import expand_page
from primer.verify import outputs
from tests import browser

CSS_CONTENT = re.compile(r'content:\s*("[^"]*")')

# Collect the code blocks of a page in order, as drawn: language, title and text as a reader sees them (innerText),
# whether the block is visible, and whether CSS draws text into it (::before or ::after content) that no check reads.
BLOCKS_JS = """
() => [...document.querySelectorAll('article div.highlight')].map((div, index) => {
  const language = [...div.classList].find(c => c.startsWith('language-'))?.slice(9) ?? '';
  const drawn = [div, ...div.querySelectorAll('*')].flatMap(element => ['::before', '::after'].map(
    pseudo => getComputedStyle(element, pseudo).content))
    .filter(content => !['none', 'normal', '""'].includes(content));
  // A highlighted line (hl_lines) is a block of its own, which innerText ends with a line break more than it draws:
  // measured inline, as it reads.
  const highlighted = [...div.querySelectorAll('.hll')];
  highlighted.forEach(line => line.style.display = 'inline');
  const text = div.querySelector('code').innerText;
  highlighted.forEach(line => line.style.display = '');
  return {index, language, title: div.querySelector('.filename')?.innerText ?? '',
          text, drawn,
          visible: div.checkVisibility({opacityProperty: true, visibilityProperty: true}),
          button: !!div.querySelector('button[data-md-type="copy"]')};
})
"""


# The text the site's own stylesheets draw (a note after the title of an Output block whose values may vary).
STYLESHEETS = {
    content
    for sheet in (paths.DOCS / "stylesheets").glob("*.css")
    for content in CSS_CONTENT.findall(sheet.read_text())
}


@pytest.mark.parametrize("chapter", chapters())
def test_copy_buttons_copy_exactly_the_checked_code_and_the_page_shows_the_checked_outputs(site, chapter):
    path = f"/{chapter}/"
    with browser.visit(site, path) as (page, _):
        blocks = copy_every_block(page)
    assert all(block["button"] for block in blocks), f"{path}: a code block without a copy button"
    checked = iter(checked_blocks(chapter))
    problems = []
    for index, block in enumerate(blocks):
        if block["language"] not in ("python", "console"):
            continue
        example = next(checked, None)
        assert example is not None, f"{path}: block {block['index']} is no block the checks run"
        where = f"{path}, block {block['index']} (docs/{chapter}.md, line {example.code.first_line + 1} expanded)"
        copied, expected_copy = block["copied"], copied_text(example)
        if block["text"].rstrip("\n") != example.code.source.rstrip("\n") or copied != expected_copy:
            problems.append(f"{where}: its copy button copies other code than the checks run:\n{copied!r}")
        drawn = [block, *shown_under(blocks[index + 1 :])]
        if hidden := [b["title"] or b["language"] for b in drawn if not b["visible"] or set(b["drawn"]) - STYLESHEETS]:
            problems.append(f"{where}: blocks drawn otherwise than their text ({', '.join(hidden)})")
        # Every Output block under the code, each environment's too, as the checks read it. Python-Markdown
        # expands the tabs of some messages; the checks compare the source.
        expected = [(fence.title, fence.source.expandtabs(4)) for fence in example.shown]
        shown = [(b["title"], b["text"]) for b in drawn[1:]]
        if [title for title, _ in shown] != [title for title, _ in expected]:
            problems.append(f"{where}: the page shows the Output blocks {shown} where the checks compare {expected}")
        for (title, text), (_, source) in zip(shown, expected, strict=False):
            if text.rstrip("\n") != source.rstrip("\n"):
                problems.append(
                    f"{where}: the page shows another {title} than the checks compare\n{outputs.diff(source, text)}"
                )
    assert next(checked, None) is None, f"{path}: the page shows fewer code blocks than the checks run"
    assert not problems, "\n".join(problems)


def copied_text(block: CodeBlock) -> str:
    """What a block's copy button copies: its code; a console block's commands without their `$ ` prompts, as a
    reader pastes them into a shell."""
    lines = block.code.source.rstrip("\n").split("\n")
    if isinstance(block, ConsoleBlock):
        lines = [line.removeprefix("$ ") for line in lines]
    return "\n".join(lines)


def copy_every_block(page) -> list[dict]:
    """The page's code blocks in order (BLOCKS_JS), each Python and console block with what its copy button
    copied to the clipboard."""
    # Show collapsed blocks and every content tab, as a reader opens them before copying.
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    page.add_style_tag(content=".tabbed-set > .tabbed-content > .tabbed-block { display: block !important }")
    blocks = page.evaluate(BLOCKS_JS)
    for block, div in zip(blocks, page.query_selector_all("article div.highlight"), strict=True):
        if block["language"] in ("python", "console") and block["button"]:
            page.evaluate("navigator.clipboard.writeText('')")
            div.query_selector('button[data-md-type="copy"]').click()
            block["copied"] = page.evaluate("navigator.clipboard.readText()")
    return blocks


def checked_blocks(chapter: str) -> list[CodeBlock]:
    """The Python and console blocks of a chapter, in page order, as the checks see them."""
    page = paths.DOCS / f"{chapter}.md"
    document = Document(expand_page(page, paths.CONFIG).text, str(page))
    return [block for block in example_blocks(document) if isinstance(block, CodeBlock)]


def shown_under(following: list[dict]) -> list[dict]:
    """The Output blocks the page shows right under a block, for every environment."""
    shown = []
    for block in following:
        if not block["title"].startswith(OUTPUT_TITLE):
            break
        shown.append(block)
    return shown
