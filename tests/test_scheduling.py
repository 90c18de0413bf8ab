"""The project's own scheduler (the root conftest.py) keeps a docs page whole in one worker process.

A page's blocks share one namespace, so they must run in one process, in order: split over two workers, every
block that uses a name an earlier block defined fails. The inner run loads the real conftest.py and
pyproject.toml, so a change to either that splits a page fails here.
"""

from __future__ import annotations

import shutil

import pytest

from primer import paths

FENCE = "```"
BLOCKS = 12


def test_a_page_stays_whole_in_one_worker_with_the_projects_scheduler(pytester: pytest.Pytester, monkeypatch):
    for name in ("conftest.py", "pyproject.toml", paths.CONFIG.name):
        shutil.copy(paths.ROOT / name, pytester.path / name)
    monkeypatch.setenv("PYTHONPATH", str(paths.ROOT))  # the root conftest.py loads primer's plugin
    blocks = [f"{FENCE}python\nvalue = 0\n{FENCE}\n"]
    blocks += [
        f'{FENCE}python\nvalue += 1\nprint(value)\n{FENCE}\n\n{FENCE}text title="Output"\n{n}\n{FENCE}\n'
        for n in range(1, BLOCKS)
    ]
    (pytester.path / "docs").mkdir()
    (pytester.path / "docs" / "page.md").write_text("# A page\n\n" + "\n".join(blocks))
    result = pytester.runpytest_subprocess("docs/page.md", "-n", "2", timeout=300)
    result.assert_outcomes(passed=BLOCKS)
