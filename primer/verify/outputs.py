"""Comparing what a block printed with the Output block shown under it.

Output is compared exactly. The only exception is a value that honestly differs where the code runs; an
Output block names the rule that covers it (``data-varies="torch-version"``), the page shows the value its
environment's run printed, and where the rule's value truly varies, only that value may differ, and only into
another value of the same kind. Everywhere else it stays exact: on the machine its environment's record
describes, for every rule but a run-to-run one.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from primer import records
from primer.environments import REFERENCE
from primer.pages.expand import TAB_LENGTH

from .target import Target


@dataclass(frozen=True)
class Rule:
    """A value that truly varies: what any value of it looks like, and where it varies. A rule with `recorded`
    frees only the value the block's environment recorded (its record's machine facts): torch's version, not
    NumPy's beside it."""

    pattern: str
    varies_at: Callable[[Target, dict], bool]  # given where the pages run and the recorded machine facts
    recorded: str | None = None  # the key of its value in a record's machine facts


_TOKEN = r"(?<![\w.+]){}(?![\w+])"  # a value stands alone: not the end of a longer number or word
RULES: dict[str, Rule] = {
    # torch.__version__, e.g. 2.13.0+cu130 or 2.13.0: fixed by each environment's lock and the platform's wheel
    "torch-version": Rule(
        _TOKEN.format(r"\d+\.\d+\.\d+(?:[+.][0-9A-Za-z]+)*"),
        lambda target, recorded: target.torch != recorded["torch"],
        recorded="torch",
    ),
    # platform.python_version(), e.g. 3.11.7: whichever Python 3.11+ runs the examples
    "python-version": Rule(
        _TOKEN.format(r"3\.\d+\.\d+"), lambda target, recorded: target.python != recorded["python"], recorded="python"
    ),
    # a measured duration, e.g. 0.0123 s or 12.3 ms: differs from run to run
    "duration": Rule(_TOKEN.format(r"\d+(?:\.\d+)? (?:s|ms|µs|ns)"), lambda target, recorded: True),
    # whether the machine has a GPU, e.g. torch.cuda.is_available()
    "availability": Rule(r"\b(?:True|False)\b", lambda target, recorded: target.accelerator),
    # the kind of device code picks, which is the CPU unless the machine has a GPU
    "device-type": Rule(r"\b(?:cpu|cuda|mps)\b", lambda target, recorded: target.accelerator),
}


class RuleError(ValueError):
    """An Output block names a varies rule that does not exist, or one that covers nothing it shows."""


class UselessRuleError(RuleError):
    pass


@functools.cache
def recorded_machine(environment: str) -> dict:
    """The machine facts the environment's record holds (matrix/ENV.json): what its Output blocks were printed by."""
    return records.load()[environment]["machine"]


def tolerant_pattern(expected: str, rules: list[str], target: Target, recorded_in: str = REFERENCE) -> re.Pattern[str]:
    """A pattern that matches `expected`, letting only the spans the named rules free vary, and only those rules
    whose values vary where this process runs; `recorded_in`: the environment whose run the block shows."""
    varying = []
    for name in rules:
        if name not in RULES:
            raise RuleError(f"unknown varies rule {name!r}; known rules: {', '.join(sorted(RULES))}")
        rule = RULES[name]
        recorded = recorded_machine(recorded_in)
        # What the rule frees in this block: the recorded value where it has one, else any value of its kind.
        frees = _TOKEN.format(re.escape(recorded[rule.recorded])) if rule.recorded else rule.pattern
        if not re.search(frees, expected):
            shown = f"the {recorded_in} record's {recorded[rule.recorded]}" if rule.recorded else "its values"
            raise UselessRuleError(f"varies rule {name!r} matches nothing in the shown output ({shown}); remove it")
        if rule.varies_at(target, recorded):
            varying.append((frees, rule.pattern))
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


def matches(expected: str, actual: str, rules: list[str], target: Target, recorded_in: str = REFERENCE) -> bool:
    return tolerant_pattern(expected, rules, target, recorded_in).fullmatch(actual) is not None


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


def diff(expected: str, actual: str) -> str:
    """A unified diff; lines that differ only in what cannot be seen (spaces, tabs) are shown again, as repr."""
    lines = list(
        difflib.unified_diff(
            expected.split("\n"), actual.split("\n"), "shown on the page", "printed by the code", lineterm=""
        )
    )
    removed = [line[1:] for line in lines if line.startswith("-") and not line.startswith("---")]
    added = [line[1:] for line in lines if line.startswith("+") and not line.startswith("+++")]
    alike = [(old, new) for old, new in zip(removed, added) if old.split() == new.split()]
    if alike:
        lines.append("These lines differ only in spaces, tabs or line ends:")
        lines += [f"  shown:   {old!r}\n  printed: {new!r}" for old, new in alike]
    return "\n".join(lines)
