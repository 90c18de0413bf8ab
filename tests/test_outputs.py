"""Each varies rule lets its value differ only where that value truly varies, and nothing else: each has a near
miss, text beside its value that looks like one, which must stay exact."""

import pytest

from primer import environments, lock
from primer.verify import outputs
from primer.verify.target import Target

# rule: (shown, another value it covers, near misses it must not cover)
EXAMPLES = {
    "torch-version": (
        "torch 2.13.0+cu130, numpy 2.4.6\n",
        "torch 2.15.0+cu132, numpy 2.4.6\n",
        [
            "torch 2.13.0+cu130, numpy 2.5.0\n",
            "torch 2.13.0+cu130!, numpy 2.4.6\n",
            "torch 2.13.0+cu130, numpy 2.4.6.1\n",
        ],
    ),
    "python-version": (
        "Python: 3.11.7 (NumPy 2.4.6)\n",
        "Python: 3.14.1 (NumPy 2.4.6)\n",
        ["Python: 3.11.7 (NumPy 2.4.7)\n", "Python: 3.11.7+ (NumPy 2.4.6)\n"],
    ),
    "duration": (
        "took 1.5 ms in 3 steps\n",
        "took 0.25 s in 3 steps\n",
        ["took 1.5 ms in 999 steps\n", "took 1.5 msx in 3 steps\n", "took 1.5 ms in 3 stepsy\n"],
    ),
    "availability": ("CUDA: False\n", "CUDA: True\n", ["CUDA: Nope\n", "CUDA: Falsey\n"]),
    "device-type": ("device: cpu\n", "device: cuda\n", ["device: cpu:0\n", "device: gpu\n"]),
}
# Where each rule's value truly varies: the running interpreter's facts (the environment, whether the machine has a
# GPU, its torch and Python), against the block's (its environment's torch is the one uv.lock pins: 2.13.0).
WHERE = {
    "torch-version": Target("latest", torch="2.15.0+cu132", python="3.11.7"),
    "python-version": Target(environments.REFERENCE, torch="2.13.0+cu130", python="3.14.1"),
    "duration": Target(environments.REFERENCE, torch="2.13.0+cu130", python="3.11.7"),
    "availability": Target(environments.REFERENCE, True, torch="2.13.0+cu130", python="3.11.7"),
    "device-type": Target(environments.REFERENCE, True, torch="2.13.0+cu130", python="3.11.7"),
}
AS_SHOWN = Target(environments.REFERENCE, torch="2.13.0+cu130", python="3.11.7")  # the machine the blocks show


def test_every_rule_has_examples() -> None:
    assert EXAMPLES.keys() == outputs.RULES.keys() == WHERE.keys()


@pytest.mark.parametrize("rule", outputs.RULES)
def test_a_rule_covers_its_value_where_it_varies_and_nothing_more(rule) -> None:
    shown, other, near_misses = EXAMPLES[rule]
    target = WHERE[rule]
    assert outputs.matches(shown, shown, [rule], target)
    assert outputs.matches(shown, other, [rule], target)
    for near_miss in near_misses:
        assert not outputs.matches(shown, near_miss, [rule], target), near_miss
    assert not outputs.matches(shown, other, [], target), "without the rule, the value is exact"


@pytest.mark.parametrize("rule", [name for name in outputs.RULES if name != "duration"])
def test_where_the_running_value_is_the_one_shown_the_value_is_exact(rule) -> None:
    shown, other, _ = EXAMPLES[rule]
    assert not outputs.matches(shown, other, [rule], AS_SHOWN)


def test_on_another_platform_the_torch_build_varies_in_the_reference_too() -> None:
    """The lock installs 2.13.0+cu130 on Linux, 2.13.0 on macOS: the build is the platform's, not an error."""
    macos = Target(environments.REFERENCE, torch="2.13.0", python="3.11.7")
    assert outputs.matches("torch 2.13.0+cu130\n", "torch 2.13.0\n", ["torch-version"], macos)


def test_an_environments_own_block_frees_only_the_torch_its_lock_pins() -> None:
    """The book's block shows 2.0.1 and NumPy 1.26.4: run with the torch it shows, it is exact; with another build
    only 2.0.1's may differ, never NumPy's version. Nothing is read from the matrix's records."""
    assert lock.versions("book")["torch"] == "2.0.1"
    shown = "PyTorch: 2.0.1+cu117\nNumPy: 1.26.4\n"
    book = Target("book", torch="2.0.1+cu117", python="3.11.7")
    assert not outputs.matches(shown, "PyTorch: 2.0.2+cu117\nNumPy: 1.26.4\n", ["torch-version"], book, "book")
    elsewhere = Target("book", torch="2.0.1", python="3.11.7")
    assert outputs.matches(shown, "PyTorch: 2.0.1\nNumPy: 1.26.4\n", ["torch-version"], elsewhere, "book")
    assert not outputs.matches(shown, "PyTorch: 2.0.1\nNumPy: 1.26.5\n", ["torch-version"], elsewhere, "book")


def test_a_rule_whose_value_the_block_does_not_show_is_refused() -> None:
    with pytest.raises(outputs.UselessRuleError, match="matches nothing in the shown output"):
        outputs.matches("NumPy 2.4.6\n", "NumPy 2.4.6\n", ["torch-version"], AS_SHOWN)


def test_every_rule_is_named_by_a_block_of_a_page() -> None:
    """Read from the blocks' data-varies, not from the words of the prose."""
    from sybil import Document

    from primer import paths
    from primer.pages.blocks import Fences
    from primer.pages.expand import expand_page

    named = set()
    for page in paths.DOCS.rglob("*.md"):
        document = Document(expand_page(page, paths.CONFIG).text, str(page))
        named |= {rule for fence in Fences()(document) for rule in fence.varies}
    assert named == set(outputs.RULES), f"varies rules no block names: {set(outputs.RULES) - named}"


@pytest.mark.parametrize(
    ("printed", "shown"),
    [
        ("\x1b[1mbold\x1b[0m and plain\n", "bold and plain\n"),  # a terminal's styles are not text
        ("line\r\nnext\n", "line\nnext\n"),
        ("progress 10%\rprogress 100%\n", "progress 100%\n"),  # a carriage return overwrites the line
        ("abcdef\rXY\n", "XYcdef\n"),
        ("one\u2028two\x0cthree\n", "one\\u2028two\\x0cthree\n"),  # no line break but \n
        ("zero\u200bwidth\x07\n", "zero\\u200bwidth\\x07\n"),  # nothing invisible
        ("tab\there\n", "tab here\n"),  # a tab as the site shows it: spaces to the next multiple of 4
        ("\tx\n", "    x\n"),
    ],
)
def test_printed_text_is_compared_and_written_as_a_terminal_shows_it(printed, shown) -> None:
    assert outputs.as_shown(printed) == shown


def test_lines_that_look_alike_are_shown_as_code_points() -> None:
    text = outputs.diff("a b\n", "a  b\n")
    assert "shown:   'a b'" in text and "printed: 'a  b'" in text
    composed = outputs.diff("caf\u00e9\n", "cafe\u0301\n")  # NFC against NFD: the same on screen
    assert "shown:   'caf\\xe9'" in composed and "printed: 'cafe\\u0301'" in composed


def test_a_huge_difference_is_diffed_in_bounded_time() -> None:
    """difflib is quadratic: 2.6 million printed lines against 1,500 shown once took minutes."""
    import time

    started = time.monotonic()
    text = outputs.diff("x\n" * 1500, "y\n" * 2_600_000)
    assert time.monotonic() - started < 5
    assert "the diff starts at line 1" in text


def test_a_rule_frees_only_its_own_kind_of_value() -> None:
    """Found by a review: a GPU block (its torch pinned by no lock) freed NumPy's version beside torch's; a full stop
    after a build was taken for part of it; matplotlib's 3.8.2 passed for a Python version."""
    gpu = Target("gpu", True, True, torch="2.13.0+cu130", python="3.12.3")
    shown = "torch 2.11.0+cu130, numpy 2.4.6\n"
    assert outputs.matches(shown, "torch 2.13.0+cu130, numpy 2.4.6\n", ["torch-version"], gpu, "gpu")
    assert not outputs.matches(shown, "torch 2.13.0+cu130, numpy 9.9.9\n", ["torch-version"], gpu, "gpu")
    assert outputs.matches("PyTorch 2.13.0+cu130.\n", "PyTorch 2.13.0+cu130.\n", ["torch-version"], AS_SHOWN)
    newer = Target(environments.REFERENCE, torch="2.13.0+cu130", python="3.14.1")
    shown = "Python 3.11.7, matplotlib 3.8.2\n"
    assert outputs.matches(shown, "Python 3.14.1, matplotlib 3.8.2\n", ["python-version"], newer)
    assert not outputs.matches(shown, "Python 3.14.1, matplotlib 3.9.0\n", ["python-version"], newer)
