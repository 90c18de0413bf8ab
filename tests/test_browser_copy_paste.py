"""Copy-paste fidelity: what each copy button on a chapter copies is exactly the code the checks run, and
what the rendered page shows under it is exactly what the checks compare.

The code a page shows is run twice already: by the Markdown-level check, and in a fresh interpreter (a
Jupyter kernel) by the notebook test, each compared with the page's Output blocks. So pasting it into a
fresh interpreter prints what the page shows as long as the browser copies that very code and shows
those very outputs, which is what this checks, on the rendered site.
"""

from __future__ import annotations

import pytest
from sybil import Document

from primer import paths
from primer.chapters import chapters
from primer.verify import outputs
from primer.verify.blocks import CodeBlock, example_blocks
from primer.verify.expand import expand_page
from tests import browser

# Collect the code blocks of a page in order: language, file title, the element, and the Output block under it.
BLOCKS_JS = """
() => [...document.querySelectorAll('article div.highlight')].map((div, index) => {
  const language = [...div.classList].find(c => c.startsWith('language-'))?.slice(9) ?? '';
  const title = div.querySelector('.filename')?.textContent ?? '';
  return {index, language, title, varies: div.dataset.varies ?? '', environment: div.dataset.environment ?? '',
          text: div.querySelector('code').textContent,
          button: !!div.querySelector('button[data-md-type="copy"]')};
})
"""


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
        copied = block["copied"]
        if copied != block["text"].rstrip("\n") or copied != example.code.source.rstrip("\n"):
            problems.append(f"{where}: its copy button copies other code than the checks run:\n{copied!r}")
        shown = shown_under(blocks[index + 1 :])
        for stream, fence in (("stdout", example.output), ("stderr", example.stderr)):
            # Python-Markdown expands the tabs of some messages; the checks compare the source.
            expected = (fence.source if fence else "").expandtabs(4)
            if shown[stream] != expected:
                problems.append(
                    f"{where}: the page shows another {stream} than the checks compare\n"
                    f"{outputs.diff(expected, shown[stream])}"
                )
    assert next(checked, None) is None, f"{path}: the page shows fewer code blocks than the checks run"
    assert not problems, "\n".join(problems)


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


def shown_under(following: list[dict]) -> dict[str, str]:
    """What the page shows under a block for the reference environment, by stream: its Output block and its
    Output (stderr) block (blocks for other environments, `data-environment`, are skipped)."""
    shown = {"stdout": "", "stderr": ""}
    for block in following:
        if not block["title"].startswith("Output"):
            break
        if not block["environment"]:
            shown["stderr" if block["title"].startswith("Output (stderr)") else "stdout"] = block["text"]
    return shown
