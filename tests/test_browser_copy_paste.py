"""Copy-paste fidelity: what each copy button on a chapter copies is exactly the code, and pasted in order
into a fresh interpreter it prints what the page shows under it. This checks the rendered site,
independently of the Markdown-level checks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from primer.chapters import chapters
from primer.verify import outputs
from tests import browser

RUNNER = Path(__file__).resolve().parent / "copy_paste_runner.py"

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
def test_copy_buttons_copy_exactly_the_code_and_the_copied_code_prints_what_the_page_shows(site, chapter, tmp_path):
    path = f"/{chapter}/"
    _, base_url, chromium = site
    page, _ = browser.open_page(chromium, base_url + path, permissions=["clipboard-read", "clipboard-write"])
    # Show collapsed blocks and every content tab, as a reader opens them before copying.
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    page.add_style_tag(content=".tabbed-set > .tabbed-content > .tabbed-block { display: block !important }")
    blocks = page.evaluate(BLOCKS_JS)
    assert all(block["button"] for block in blocks), f"{path}: a code block without a copy button"
    runnable, shown = [], []
    buttons = page.query_selector_all('article div.highlight button[data-md-type="copy"]')
    for index, (block, button) in enumerate(zip(blocks, buttons, strict=True)):
        if block["language"] not in ("python", "console"):
            continue
        page.evaluate("navigator.clipboard.writeText('')")
        button.click()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == block["text"].rstrip("\n"), (
            f"{path}: the copy button of block {block['index']} copies "
            f"something else than the code:\n{copied!r}\n{block['text']!r}"
        )
        if block["language"] != "python" or block["title"].endswith(".py"):
            continue  # a script for torchrun and its command: the Markdown-level check runs those
        runnable.append(copied)
        shown.append(shown_under(blocks[index + 1 :]))
    page.context.close()

    result = subprocess.run(
        [sys.executable, str(RUNNER)],
        input=json.dumps(runnable),
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    problems = []
    for number, (expected, actual) in enumerate(zip(shown, json.loads(result.stdout), strict=True)):
        for stream, (text, rules) in expected.items():
            printed = actual[stream].expandtabs(4)  # Python-Markdown expands tabs (some messages have them)
            if not outputs.matches(text, printed, rules):
                problems.append(
                    f"{path}, Python block {number}: pasted into a fresh interpreter, its {stream} "
                    f"differs from the page\n{outputs.diff(text, printed)}"
                )
    assert not problems, "\n".join(problems)


def shown_under(following: list[dict]) -> dict[str, tuple[str, list[str]]]:
    """What the page shows under a block for the reference environment, by stream: its Output block and its
    Output (stderr) block (blocks for other environments, `data-environment`, are skipped)."""
    shown = {"stdout": ("", []), "stderr": ("", [])}
    for block in following:
        if not block["title"].startswith("Output"):
            break
        if not block["environment"]:
            stream = "stderr" if block["title"].startswith("Output (stderr)") else "stdout"
            shown[stream] = (block["text"], block["varies"].split())
    return shown
