"""Each varies rule lets its value differ only where that value truly varies, and nothing else."""

import pytest

from primer import environments
from primer.verify import outputs
from primer.verify.target import Target

# rule: (shown, another value it covers, a change it must not cover)
EXAMPLES = {
    "torch-version": ("torch 2.13.0+cpu\n", "torch 2.15.0+cu132\n", "torch 2.13.0+cpu!\n"),
    "python-version": ("Python: 3.11.7\n", "Python: 3.14.1\n", "Python: 3.11.7+\n"),
    "duration": ("took 1.5 ms\n", "took 0.25 s\n", "took 1.5 ms per call\n"),
    "availability": ("CUDA: False\n", "CUDA: True\n", "CUDA: Nope\n"),
    "device-type": ("device: cpu\n", "device: cuda\n", "device: cpu:0\n"),
}
# The environment and machine in which each rule's value truly varies: the environment, whether the machine
# has a GPU, and whether its torch build and Python are others than those the reference outputs were recorded with.
WHERE = {
    "torch-version": ("latest", False, False),
    "python-version": (environments.REFERENCE, False, True),
    "duration": (environments.REFERENCE, False, False),
    "availability": (environments.REFERENCE, True, False),
    "device-type": (environments.REFERENCE, True, False),
}


def place(monkeypatch, environment: str, accelerator: bool, not_as_recorded: bool = False) -> Target:
    monkeypatch.setattr(Target, "as_recorded", lambda self, key: not not_as_recorded)
    return Target(environment, accelerator)


def test_every_rule_has_examples() -> None:
    assert EXAMPLES.keys() == outputs.RULES.keys() == WHERE.keys()


@pytest.mark.parametrize("rule", outputs.RULES)
def test_a_rule_covers_its_value_where_it_varies_and_nothing_more(rule, monkeypatch) -> None:
    shown, other, wrong = EXAMPLES[rule]
    target = place(monkeypatch, *WHERE[rule])
    assert outputs.matches(shown, shown, [rule], target)
    assert outputs.matches(shown, other, [rule], target)
    assert not outputs.matches(shown, wrong, [rule], target)
    assert not outputs.matches(shown, other, [], target), "without the rule, the value is exact"


@pytest.mark.parametrize("rule", [name for name in outputs.RULES if name != "duration"])
def test_in_the_reference_environment_without_a_gpu_the_value_is_exact(rule, monkeypatch) -> None:
    shown, other, _ = EXAMPLES[rule]
    target = place(monkeypatch, environments.REFERENCE, False)
    assert not outputs.matches(shown, other, [rule], target)


def test_on_another_platform_the_torch_build_varies_in_the_reference_too(monkeypatch) -> None:
    """The lock installs 2.13.0+cu130 on Linux, 2.13.0 on macOS: the build is the platform's, not an error."""
    shown, other, _ = ("torch 2.13.0+cu130\n", "torch 2.13.0\n", None)
    target = place(monkeypatch, environments.REFERENCE, False, not_as_recorded=True)
    assert outputs.matches(shown, other, ["torch-version"], target)


@pytest.mark.parametrize(
    ("key", "recorded", "here", "varies"),
    [
        ("torch", "2.13.0+cu130", "2.13.0+cu130", False),
        ("torch", "2.13.0+cu130", "2.13.0", True),
        ("python", "3.11.7", "3.11.7", False),
        ("python", "3.11.7", "3.12.3", True),
    ],
)
def test_a_value_varies_in_the_reference_only_where_it_is_not_what_the_record_says(
    monkeypatch, key, recorded, here, varies
) -> None:
    from primer.verify import target

    record = {environments.REFERENCE: {"machine": {"torch": "2.13.0+cu130", "python": "3.11.7", key: recorded}}}
    monkeypatch.setattr(target.records, "load", lambda: record)
    machine = {"torch": "2.13.0+cu130", "python": "3.11.7", key: here}
    assert Target(environments.REFERENCE, **machine).as_recorded(key) is not varies


def test_a_rule_no_page_uses_is_removed() -> None:
    from primer import paths

    pages = "\n".join(page.read_text(encoding="utf-8") for page in paths.DOCS.rglob("*.md"))
    unused = [rule for rule in outputs.RULES if rule not in pages]
    assert not unused, f"varies rules no page uses: {unused}"


@pytest.mark.parametrize(
    ("printed", "shown"),
    [
        ("\x1b[1mbold\x1b[0m and plain\n", "bold and plain\n"),  # a terminal's styles are not text
        ("line\r\nnext\n", "line\nnext\n"),
        ("progress 10%\rprogress 100%\n", "progress 100%\n"),  # a carriage return overwrites the line
        ("abcdef\rXY\n", "XYcdef\n"),
        ("one\u2028two\x0cthree\n", "one\\u2028two\\x0cthree\n"),  # no line break but \n
        ("zero\u200bwidth\x07\n", "zero\\u200bwidth\\x07\n"),  # nothing invisible
        ("tab\there\n", "tab\there\n"),
    ],
)
def test_printed_text_is_compared_and_written_as_a_terminal_shows_it(printed, shown) -> None:
    assert outputs.as_shown(printed) == shown


def test_a_difference_only_in_spaces_is_shown_as_repr() -> None:
    text = outputs.diff("a b\n", "a  b\n")
    assert "shown:   'a b'" in text and "printed: 'a  b'" in text
