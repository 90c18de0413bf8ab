"""A missing test dependency skips its tests on a developer's machine and fails them under CI=true."""

import re
import sys
from pathlib import Path

import pytest

from primer.paths import ROOT
from tests import dependencies

# A test may skip for missing hardware (a CUDA GPU); for anything missing it must call dependencies.missing.
SKIPS = re.compile(r"importorskip|pytest\.skip\(|mark\.skip\(|skipif\((?!.*torch\.cuda)")


@pytest.mark.parametrize(
    ("value", "ci"),
    [
        (None, False),
        ("", False),
        ("0", False),
        ("false", False),
        ("False", False),
        ("no", False),
        ("true", True),
        ("TRUE", True),
        ("1", True),
        ("yes", True),
    ],
)
def test_ci_is_on_unless_unset_or_false(monkeypatch, value, ci):
    if value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", value)
    assert dependencies.on_ci() is ci


@pytest.mark.parametrize(
    "need",
    [
        lambda: dependencies.module("no_such_module_for_primer", "needs it"),
        lambda: dependencies.program(("no-such-program-for-primer",), "needs it"),
    ],
    ids=["module", "program"],
)
@pytest.mark.parametrize(("value", "outcome"), [("true", pytest.fail.Exception), ("false", pytest.skip.Exception)])
def test_a_missing_dependency_fails_under_ci_and_skips_elsewhere(monkeypatch, need, value, outcome):
    monkeypatch.setenv("CI", value)
    with pytest.raises(outcome, match="needs it"):
        need()


def test_a_check_for_one_platform_skips_elsewhere_even_under_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    dependencies.only_on(sys.platform, "runs here")
    with pytest.raises(pytest.skip.Exception, match="runs on no-such-os only: its reason"):
        dependencies.only_on("no-such-os", "its reason")


def test_present_dependencies_are_returned():
    assert dependencies.module("json", "needs it").dumps([]) == "[]"
    found = dependencies.program(("no-such-program-for-primer", "python3", "python"), "needs it")
    assert Path(found).stem.lower() in ("python3", "python")  # python3.EXE on Windows


def test_no_test_skips_for_a_missing_dependency_by_itself():
    sources = [*(ROOT / "tests").glob("*.py"), ROOT / "conftest.py", *(ROOT / "primer").rglob("*.py")]
    # The harness skips, by design, a block that needs another machine (data-needs): no dependency is missing.
    own = {ROOT / "tests" / "dependencies.py", ROOT / "tests" / "test_dependencies.py", ROOT / "primer/verify/page.py"}
    # The README's guard reads pytest-codeblocks' skip markers, to refuse them; it skips nothing.
    own |= {ROOT / "primer/verify/guard.py", ROOT / "tests" / "test_guard.py"}
    skips = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sources
        if path not in own
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SKIPS.search(line)
    ]
    assert not skips, f"skip through tests/dependencies.py (which fails under CI=true) instead: {skips}"
