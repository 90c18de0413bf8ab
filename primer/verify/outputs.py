"""Comparing what a block printed with the Output block shown under it.

Output is compared exactly. The only exception is a value that honestly differs between machines; an
Output block names the rule that covers it (``data-varies="torch-version"``), the page shows the value a
real run produced, and only text that the rule's pattern matches in the shown output may differ, and only
into another match of the same pattern. Everything else stays exact.
"""

from __future__ import annotations

import difflib
import re

VARYING: dict[str, str] = {
    # torch.__version__ and friends, e.g. 2.13.0+cpu or 2.13.0+cu128
    "torch-version": r"\d+\.\d+\.\d+(?:[+.][0-9A-Za-z.]+)?",
    # a measured duration, e.g. 0.0123 s or 12.3 ms
    "duration": r"\d+(?:\.\d+)? (?:s|ms|µs|ns)",
    # an accelerator's marketing name, e.g. NVIDIA H100 80GB HBM3 (the name fills the rest of its line)
    "device-name": r"(?<=: )[^\n]+",
    # whether this machine has an accelerator, e.g. torch.cuda.is_available()
    "availability": r"\b(?:True|False)\b",
    # the kind of device a tensor lives on
    "device-type": r"\b(?:cpu|cuda|mps)\b",
    # a host:port pair, e.g. 127.0.0.1:29500
    "address": r"\d{1,3}(?:\.\d{1,3}){3}:\d{1,5}",
}


class RuleError(ValueError):
    """An Output block names a varies rule that does not exist, or one that covers nothing it shows."""


class UselessRuleError(RuleError):
    pass


def tolerant_pattern(expected: str, rules: list[str]) -> re.Pattern[str]:
    """A pattern that matches `expected`, letting only the spans matched by the named rules vary."""
    for name in rules:
        if name not in VARYING:
            raise RuleError(f"unknown varies rule {name!r}; known rules: {', '.join(sorted(VARYING))}")
        if not re.search(VARYING[name], expected):
            raise UselessRuleError(f"varies rule {name!r} matches nothing in the shown output; remove it")
    if not rules:
        return re.compile(re.escape(expected))
    combined = re.compile("|".join(f"(?:{VARYING[name]})" for name in rules))
    parts, position = [], 0
    for match in combined.finditer(expected):
        parts.append(re.escape(expected[position : match.start()]))
        parts.append(f"(?:{combined.pattern})")
        position = match.end()
    parts.append(re.escape(expected[position:]))
    return re.compile("".join(parts))


def matches(expected: str, actual: str, rules: list[str]) -> bool:
    return tolerant_pattern(expected, rules).fullmatch(actual) is not None


def diff(expected: str, actual: str) -> str:
    lines = difflib.unified_diff(
        expected.splitlines(), actual.splitlines(), "shown on the page", "printed by the code", lineterm=""
    )
    return "\n".join(lines)
