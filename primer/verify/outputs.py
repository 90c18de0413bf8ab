"""Comparing what a block printed with the Output block shown under it.

Output is compared exactly. The only exception is a value that honestly differs where the code runs; an
Output block names the rule that covers it (``data-varies="torch-version"``), the page shows the value the
reference environment printed, and in an environment where the rule's value truly varies, only text that
its pattern matches in the shown output may differ, and only into another match of the same pattern.
Everywhere else it stays exact: in the reference environment, on the machine its record describes, for every
rule but a run-to-run one.
"""

from __future__ import annotations

import difflib
import platform
import re
from collections.abc import Callable
from dataclasses import dataclass

from primer import environments, records


@dataclass(frozen=True)
class Rule:
    pattern: str
    varies_here: Callable[[], bool]  # whether the value truly varies where this process runs


def _outside_the_reference() -> bool:
    return environments.current() != environments.REFERENCE


def _not_as_recorded(key: str) -> bool:
    """Whether this machine's torch build or Python (`key` in the record's machine) differs from the one the
    reference environment's outputs were recorded with (matrix/reference.json): the same lock installs
    another torch build on macOS and Windows, and uv picks whatever Python 3.11+ a machine has."""
    import torch

    here = {"torch": torch.__version__, "python": platform.python_version()}[key]
    return records.load()[environments.REFERENCE]["machine"][key] != here


RULES: dict[str, Rule] = {
    # torch.__version__, e.g. 2.13.0+cu130 or 2.13.0: fixed by each environment's lock and the platform's wheel
    "torch-version": Rule(
        r"\d+\.\d+\.\d+(?:[+.][0-9A-Za-z.]+)?",
        lambda: _outside_the_reference() or _not_as_recorded("torch"),
    ),
    # platform.python_version(), e.g. 3.11.7: whichever Python 3.11+ runs the examples
    "python-version": Rule(r"\b3\.\d+\.\d+\b", lambda: _not_as_recorded("python")),
    # a measured duration, e.g. 0.0123 s or 12.3 ms: differs from run to run
    "duration": Rule(r"\d+(?:\.\d+)? (?:s|ms|µs|ns)", lambda: True),
    # whether the machine has a GPU, e.g. torch.cuda.is_available()
    "availability": Rule(r"\b(?:True|False)\b", lambda: environments.has_accelerator()),
    # the kind of device code picks, which is the CPU unless the machine has a GPU
    "device-type": Rule(r"\b(?:cpu|cuda|mps)\b", lambda: environments.has_accelerator()),
}


class RuleError(ValueError):
    """An Output block names a varies rule that does not exist, or one that covers nothing it shows."""


class UselessRuleError(RuleError):
    pass


def tolerant_pattern(expected: str, rules: list[str]) -> re.Pattern[str]:
    """A pattern that matches `expected`, letting only the spans matched by the named rules vary, and
    only those rules whose values vary where this process runs."""
    for name in rules:
        if name not in RULES:
            raise RuleError(f"unknown varies rule {name!r}; known rules: {', '.join(sorted(RULES))}")
        if not re.search(RULES[name].pattern, expected):
            raise UselessRuleError(f"varies rule {name!r} matches nothing in the shown output; remove it")
    varying = [RULES[name].pattern for name in rules if RULES[name].varies_here()]
    if not varying:
        return re.compile(re.escape(expected))
    combined = re.compile("|".join(f"(?:{pattern})" for pattern in varying))
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
