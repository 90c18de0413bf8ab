"""CONTRIBUTING.md's table of failure messages: each message is said where the table says."""

import importlib
import inspect
import re

import pytest

from primer.paths import ROOT

ROW = re.compile(r"^\| (?P<messages>`.+`) \| `(?P<where>[\w.]+)` \|$", re.MULTILINE)


def rows() -> list[tuple[str, str]]:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    found = [
        (message, match["where"])
        for match in ROW.finditer(text)
        for message in re.findall(r"`([^`]+)`", match["messages"])
    ]
    assert len(found) > 20, "the table of failure messages is where this test reads it"
    return found


def source(where: str) -> str:
    """The source of `module[.Class[.function]]`, a module of primer.verify unless named in full."""
    parts = where.split(".")
    for cut in range(len(parts), 0, -1):
        name = ".".join(parts[:cut])
        for module_name in (name, f"primer.verify.{name}"):
            try:
                found = importlib.import_module(module_name)
            except ImportError:
                continue
            for attribute in parts[cut:]:
                found = getattr(found, attribute)
            return inspect.getsource(found)
    raise AssertionError(f"CONTRIBUTING.md names {where}, which does not exist")


@pytest.mark.parametrize(("message", "where"), rows(), ids=lambda value: value)
def test_each_message_is_said_where_the_table_says(message: str, where: str) -> None:
    assert message in source(where), f"CONTRIBUTING.md: {message!r} is not in {where}"
