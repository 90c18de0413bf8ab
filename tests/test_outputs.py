"""Each varies rule lets its value differ only where that value truly varies, and nothing else."""

import pytest

from primer import environments
from primer.verify import outputs

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


def place(monkeypatch, environment: str, accelerator: bool, not_as_recorded: bool = False) -> None:
    monkeypatch.setenv(environments.VARIABLE, environment)
    monkeypatch.setattr(environments, "has_accelerator", lambda: accelerator)
    monkeypatch.setattr(outputs, "_not_as_recorded", lambda key: not_as_recorded)


def test_every_rule_has_examples() -> None:
    assert EXAMPLES.keys() == outputs.RULES.keys() == WHERE.keys()


@pytest.mark.parametrize("rule", outputs.RULES)
def test_a_rule_covers_its_value_where_it_varies_and_nothing_more(rule, monkeypatch) -> None:
    shown, other, wrong = EXAMPLES[rule]
    place(monkeypatch, *WHERE[rule])
    assert outputs.matches(shown, shown, [rule])
    assert outputs.matches(shown, other, [rule])
    assert not outputs.matches(shown, wrong, [rule])
    assert not outputs.matches(shown, other, []), "without the rule, the value is exact"


@pytest.mark.parametrize("rule", [name for name in outputs.RULES if name != "duration"])
def test_in_the_reference_environment_without_a_gpu_the_value_is_exact(rule, monkeypatch) -> None:
    shown, other, _ = EXAMPLES[rule]
    place(monkeypatch, environments.REFERENCE, False)
    assert not outputs.matches(shown, other, [rule])


def test_on_another_platform_the_torch_build_varies_in_the_reference_too(monkeypatch) -> None:
    """The lock installs 2.13.0+cu130 on Linux, 2.13.0 on macOS: the build is the platform's, not an error."""
    shown, other, _ = ("torch 2.13.0+cu130\n", "torch 2.13.0\n", None)
    place(monkeypatch, environments.REFERENCE, False, not_as_recorded=True)
    assert outputs.matches(shown, other, ["torch-version"])


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
    import platform

    import torch

    record = {environments.REFERENCE: {"machine": {"torch": "2.13.0+cu130", "python": "3.11.7", key: recorded}}}
    monkeypatch.setattr(outputs.records, "load", lambda: record)
    monkeypatch.setattr(torch, "__version__", here if key == "torch" else "2.13.0+cu130")
    monkeypatch.setattr(platform, "python_version", lambda: here if key == "python" else "3.11.7")
    assert outputs._not_as_recorded(key) is varies


def test_a_rule_no_page_uses_is_removed() -> None:
    from primer import paths

    pages = "\n".join(page.read_text(encoding="utf-8") for page in paths.DOCS.rglob("*.md"))
    unused = [rule for rule in outputs.RULES if rule not in pages]
    assert not unused, f"varies rules no page uses: {unused}"
