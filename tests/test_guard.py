"""No markup on a page hides or draws text, and no Python block of the README escapes execution (each page's
own check holds its code blocks to the site's reading)."""

from pathlib import Path

import pytest

from primer.paths import CONFIG, ROOT
from primer.verify import guard

PAGES = sorted((ROOT / "docs").rglob("*.md"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_page_holds_no_markup_that_could_hide_or_draw_text(page: Path) -> None:
    problems = guard.hidden_markup(page, CONFIG)
    assert not problems, (
        "\n".join(problems) + "\nWhat a reader sees must be what the checks compare: write Markdown, not HTML "
        f"(allowed: {', '.join(f'<{tag}>' for tag in guard.ALLOWED_HTML)}), and no style, hidden or on... attributes."
    )


def test_every_python_block_in_the_readme_is_executed_and_its_output_compared() -> None:
    assert not guard.unchecked_readme_blocks(ROOT / "README.md")


def test_a_readme_block_a_marker_skips_or_an_output_without_its_marker_is_refused(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(
        "<!--pytest.mark.skip-->\n\n```python\nprint(1)\n```\n\n"
        "<!--pytest-codeblocks:importorskip(nothing)-->\n\n```python\nprint(2)\n```\n\n"
        "```python\nprint(3)\n```\n\n```\n4\n```\n\n"
        "```python\nprint(5)\n```\n\n<!--pytest-codeblocks:expected-output-->\n\n```\n5\n```\n\n"
        "```py\nprint(6)\n```\n"
    )
    assert guard.unchecked_readme_blocks(readme) == [
        "README.md:3: a marker skips this Python block, or lets it fail: it must run",
        "README.md:9: a marker skips this Python block, or lets it fail: it must run",
        "README.md:31: a py block, which pytest-codeblocks does not run",
        "README.md:17: output shown under a Python block without <!--pytest-codeblocks:expected-output--> above "
        "it, so nothing compares it",
    ]
