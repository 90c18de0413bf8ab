"""The project's own scheduler (the root conftest.py) keeps a docs page whole in one worker process.

A page's blocks share one namespace, so they must run in one process, in order: split over two workers, every
block that uses a name an earlier block defined fails. The inner run loads the real conftest.py and
pyproject.toml, so a change to either that splits a page fails here.
"""

from __future__ import annotations

import shutil
from types import SimpleNamespace

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


def test_the_slowest_files_go_first_each_whole_and_in_its_order():
    """tests/conftest.py hands the slowest files out first (SLOWEST): a page's blocks, which share a namespace,
    must still come whole and in their order, and the files it does not know keep theirs."""
    from tests import conftest

    slowest, slower = sorted(conftest.SLOWEST, key=conftest.SLOWEST.get)[-2:][::-1]
    files = ["tests/test_a.py", slower, "docs/unknown.md", slowest, "tests/test_b.py"]
    items = [SimpleNamespace(nodeid=f"{file}::{n}") for file in files for n in range(3)]
    conftest.pytest_collection_modifyitems(items)
    assert [item.nodeid for item in items] == [
        f"{file}::{n}"
        for file in [slowest, slower, "tests/test_a.py", "docs/unknown.md", "tests/test_b.py"]
        for n in range(3)
    ]


def test_only_tests_that_spread_one_by_one_leave_their_files_order():
    import importlib.util

    spec = importlib.util.spec_from_file_location("root_conftest", paths.ROOT / "conftest.py")
    root = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(root)
    from tests import conftest

    assert {test.split("::")[0] for test in conftest.SLOWEST_TESTS} <= set(root.SPREAD)
