"""What differs by platform, with the platform passed in: which Output block a machine is compared with, and
what a machine record says the machine is. Only Linux runs here; these stand in for macOS and Windows."""

import pytest

from primer import machine
from primer.pages.blocks import Fence, OutputVariantError, _for_environment


def fence(**attributes: str) -> Fence:
    named = {key.replace("_", "-"): value for key, value in attributes.items()}
    return Fence("text", {"title": "Output", **named}, "", 0, 0, 0, 0, "")


PLAIN = fence()
DARWIN = fence(data_platform="darwin")
BOOK = fence(data_environment="book")
BOOK_ON_WINDOWS = fence(data_environment="book", data_platform="win32")


@pytest.mark.parametrize(
    ("environment", "platform", "expected"),
    [
        ("reference", "linux", PLAIN),  # a platform block is ignored on Linux
        ("reference", "darwin", DARWIN),
        ("reference", "win32", PLAIN),
        ("book", "darwin", BOOK),  # the environment's own block first: it states what its torch prints
        ("book", "win32", BOOK_ON_WINDOWS),  # one naming both wins
        ("book", "linux", BOOK),
    ],
)
def test_a_platform_block_is_selected_on_its_platform_only(environment, platform, expected):
    assert _for_environment(environment, [PLAIN, DARWIN, BOOK, BOOK_ON_WINDOWS], "Output", platform) is expected


def test_a_platform_block_with_no_plain_one_leaves_other_platforms_without_a_block():
    assert _for_environment("reference", [DARWIN], "Output", "linux") is None


@pytest.mark.parametrize(
    ("fences", "says"),
    [
        ([fence(data_platform="macos")], "unknown platform(s) macos in data-platform"),
        ([DARWIN, fence(data_platform="darwin linux")], "more than one Output block for the reference environment"),
    ],
)
def test_platform_blocks_that_do_not_say_which_one_a_machine_shows_fail(fences, says):
    with pytest.raises(OutputVariantError, match=says.replace("(", r"\(").replace(")", r"\)")):
        _for_environment("reference", fences, "Output", "darwin")


@pytest.mark.parametrize(
    ("system", "expected"),
    [
        ("Linux", "Linux 6.8.0-45-generic"),
        ("Darwin", "macOS 15.3.1"),  # not Darwin's kernel version, 24.3.0
        ("Windows", "Windows 10.0.26100"),
    ],
)
def test_a_record_names_the_os_as_its_users_do(system, expected):
    release = {"Linux": "6.8.0-45-generic", "Darwin": "24.3.0", "Windows": "11"}[system]
    assert machine.os_version(system, release, "15.3.1", "10.0.26100") == expected


@pytest.mark.parametrize(
    ("cuda", "mps", "driver", "expected"),
    [
        ("NVIDIA H200", False, "580.159.04", "NVIDIA H200 (driver 580.159.04)"),
        (None, True, None, "Apple GPU (MPS)"),
        (None, False, None, "no GPU"),
    ],
)
def test_a_record_names_the_accelerator_and_its_driver(cuda, mps, driver, expected):
    assert machine.accelerator(cuda, mps, driver) == expected


def test_a_record_is_named_after_the_machine():
    facts = {
        "system": "macOS 15.3.1",
        "cpu": "Apple M3 Pro",
        "accelerator": "Apple GPU (MPS)",
        "torch": "2.13.0",
        "python": "3.12.8",
        "date": "2026-12-01",
    }
    assert machine.record_name(facts) == "macos-15.3.1-apple-m3-pro-apple-gpu-mps-2.13.0-3.12.8-2026-12-01"
