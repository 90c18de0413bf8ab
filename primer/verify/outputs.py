"""Comparing what a block printed with the Output block shown under it.

Output is compared exactly. The only exception is a value that honestly differs where the code runs; an
Output block names the rule that covers it (``data-varies="torch-version"``), the page shows the value its
environment's run printed, and where the rule's value truly varies, only that value may differ, and only into
another value of the same kind. Everywhere else it stays exact: where the running torch and Python are those the
block shows, for every rule but a run-to-run one. Nothing here reads the matrix's records: a check depends on the
project's files and the running environment only.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from primer import lock
from primer.environments import REFERENCE
from primer.pages.expand import TAB_LENGTH

from .target import Target


@dataclass(frozen=True)
class Rule:
    """A value that truly varies: what any value of it looks like, and where it varies. A rule with `running` frees
    only a value the block shows that differs from the running one (a block that shows this machine's torch is
    exact); with `shown`, only the value the block's environment pins in uv.lock (torch's, not NumPy's beside it)."""

    pattern: str
    varies_at: Callable[[Target], bool] = lambda target: True
    running: Callable[[Target], str] | None = None
    shown: Callable[[str], str] | None = None  # given the block's environment, what the value it shows looks like


_BUILD = r"\+[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*"  # a wheel's local build, +cu130 or +cpu (not a full stop after it)


def _locked_torch(environment: str) -> str:
    """The torch uv.lock pins for an environment, with any local build the platform's wheel adds; where the lock pins
    none (a GPU machine's own torch), a version with a local build, which NumPy's and Python's never have."""
    version = lock.versions(environment).get("torch", "")
    return re.escape(version) + f"(?:{_BUILD})?" if version else r"\d+\.\d+\.\d+" + _BUILD


def _allowed_python(environment: str) -> str:
    """A version of a Python the project allows (requires-python), not any 3.x.y (matplotlib 3.9.0)."""
    minors = "|".join(str(minor) for minor in lock.minors(lock.read()["requires-python"]))
    return rf"3\.(?:{minors})\.\d+"


_TOKEN = r"(?<![\w.+]){}(?![\w+])"  # a value stands alone: not the end of a longer number or word
RULES: dict[str, Rule] = {
    # torch.__version__, e.g. 2.13.0+cu130 or 2.13.0: fixed by each environment's lock and the platform's wheel
    "torch-version": Rule(
        r"\d+\.\d+\.\d+(?:[+.][0-9A-Za-z]+)*", running=lambda target: target.torch, shown=_locked_torch
    ),
    # platform.python_version(), e.g. 3.11.7: whichever Python 3.11+ runs the examples
    "python-version": Rule(r"3\.\d+\.\d+", running=lambda target: target.python, shown=_allowed_python),
    # a measured duration, e.g. 0.0123 s or 12.3 ms: differs from run to run
    "duration": Rule(r"\d+(?:\.\d+)? (?:s|ms|µs|ns)"),
    # whether the machine has a GPU, e.g. torch.cuda.is_available()
    "availability": Rule(r"\b(?:True|False)\b", lambda target: target.accelerator),
    # the kind of device code picks, which is the CPU unless the machine has a GPU
    "device-type": Rule(r"\b(?:cpu|cuda|mps)\b", lambda target: target.accelerator),
}


class RuleError(ValueError):
    """An Output block names a varies rule that does not exist, or one that covers nothing it shows."""


class UselessRuleError(RuleError):
    pass


def tolerant_pattern(expected: str, rules: list[str], target: Target, environment: str = REFERENCE) -> re.Pattern[str]:
    """A pattern that matches `expected`, letting only the spans the named rules free vary, and only where they
    vary for this process; `environment`: the one whose run the block shows."""
    varying = []
    for name in rules:
        if name not in RULES:
            raise RuleError(f"unknown varies rule {name!r}; known rules: {', '.join(sorted(RULES))}")
        rule = RULES[name]
        shown = (rule.shown and rule.shown(environment)) or rule.pattern
        values = {match.group() for match in re.finditer(_TOKEN.format(shown), expected)}
        if not values:
            raise UselessRuleError(f"varies rule {name!r} matches nothing in the shown output; remove it")
        if rule.running:
            values.discard(rule.running(target))
        elif not rule.varies_at(target):
            values = set()
        varying += [(_TOKEN.format(re.escape(value)), rule.pattern) for value in sorted(values)]
    if not varying:
        return re.compile(re.escape(expected))
    frees = re.compile("|".join(f"(?:{spans})" for spans, _ in varying))
    any_value = "|".join(f"(?:{pattern})" for _, pattern in varying)
    parts, position = [], 0
    for match in frees.finditer(expected):
        parts.append(re.escape(expected[position : match.start()]))
        parts.append(f"(?:{any_value})")
        position = match.end()
    parts.append(re.escape(expected[position:]))
    return re.compile("".join(parts))


def matches(expected: str, actual: str, rules: list[str], target: Target, environment: str = REFERENCE) -> bool:
    return tolerant_pattern(expected, rules, target, environment).fullmatch(actual) is not None


_STYLE = re.compile(r"\x1b\[[0-9;]*m")  # a terminal's colours and bold (SGR): shown as plain text
_LINE_BREAKS = {"\u2028", "\u2029", "\x85", "\x0b", "\x0c"}  # what str.splitlines() splits on besides \n


def as_shown(printed: str) -> str:
    """What a reader's terminal shows of printed text, in a form an Output block can hold and compare.

    Styles (bold, colours) are dropped, a carriage return goes back to the start of the line and what follows
    overwrites it, a tab becomes the spaces the site shows for it, and any other control, invisible or
    line-breaking character is spelled out as its escape (`\\u200b`), so that it can neither hide in an Output
    block nor split it into other lines.
    """
    lines = []
    for line in _STYLE.sub("", printed.replace("\r\n", "\n")).split("\n"):
        shown: list[str] = []
        for part in line.split("\r"):  # each part overwrites the line from its start
            shown[: len(part)] = part
        lines.append("".join(_visible(character) for character in "".join(shown).expandtabs(TAB_LENGTH)))
    return "\n".join(lines)


def _visible(character: str) -> str:
    if not (unicodedata.category(character) in {"Cc", "Cf", "Zl", "Zp"} or character in _LINE_BREAKS):
        return character
    return character.encode("unicode_escape").decode("ascii")


DIFF_LINES = 2000  # lines a diff compares at most; past that it shows the first difference and what is around it


def diff(expected: str, actual: str) -> str:
    """A unified diff, in bounded time; lines that look alike (they differ in spaces, tabs or how a character is
    composed, NFC against NFD) are shown again as code points."""
    old, new, note = expected.split("\n"), actual.split("\n"), []
    if len(old) + len(new) > DIFF_LINES:  # difflib takes quadratic time
        first = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
        start = max(first - 10, 0)
        note = [f"(the block shows {len(old)} lines, the code printed {len(new)}: the diff starts at line {start + 1})"]
        old, new = old[start : first + 40], new[start : first + 40]
    lines = note + list(difflib.unified_diff(old, new, "shown on the page", "printed by the code", lineterm=""))
    removed = [line[1:] for line in lines if line.startswith("-") and not line.startswith("---")]
    added = [line[1:] for line in lines if line.startswith("+") and not line.startswith("+++")]
    alike = [(a, b) for a, b in zip(removed, added) if a.split() == b.split() or _nfc(a) == _nfc(b)]
    if alike:
        lines.append("These lines look alike; they differ in spaces, tabs or how characters are composed:")
        lines += [f"  shown:   {a!a}\n  printed: {b!a}" for a, b in alike]
    return "\n".join(lines)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)
