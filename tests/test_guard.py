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


def test_every_python_block_in_the_readme_is_executed() -> None:
    readme = ROOT / "README.md"
    rendered = guard.rendered_python_blocks(readme, CONFIG)
    executed = guard.executed_codeblocks(readme)
    assert executed == len(rendered), (
        f"README.md renders {len(rendered)} Python block(s) ({', '.join(rendered)}) but pytest-codeblocks "
        f"executes {executed}: write them as ```python"
    )
