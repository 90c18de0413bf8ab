"""Test dependencies a machine may lack (playwright, Chromium): without one, its tests are skipped, with the
reason, on a developer's machine, and fail under CI=true, so CI cannot pass tests it never ran.

Every skip for something missing goes through `missing` (tests/test_dependencies.py checks that).
"""

from __future__ import annotations

import importlib
import os
import shutil
import sys
from types import ModuleType
from typing import NoReturn

import pytest

NOT_CI = ("", "0", "false", "no")


def on_ci() -> bool:
    """Whether CI is set to anything but a false value (unset, empty, `0`, `false`, `no`, in any case)."""
    return os.environ.get("CI", "").strip().lower() not in NOT_CI


def missing(reason: str) -> NoReturn:
    if on_ci():
        pytest.fail(f"{reason}; under CI=true every test must run", pytrace=False)
    pytest.skip(reason)


def only_on(platform: str, reason: str) -> None:
    """A check that runs on one platform (`sys.platform`) by design skips elsewhere, under CI=true too, with
    the reason it needs no other."""
    if sys.platform != platform:
        pytest.skip(f"runs on {platform} only: {reason}")


def not_here(reason: str) -> NoReturn:
    """A check that does not apply where it runs, by design (a record whose run is pending, an environment
    whose torch is its machine's own), skips, under CI=true too, with why."""
    pytest.skip(f"does not apply here: {reason}")


def module(name: str, reason: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError:
        missing(reason)


def program(names: tuple[str, ...], reason: str) -> str:
    for name in names:
        if path := shutil.which(name):
            return path
    missing(reason)
