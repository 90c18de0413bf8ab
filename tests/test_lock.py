"""uv.lock installs every environment from wheels on every platform and Python it is locked for, so that it
cannot quietly become Linux-only (primer/lock.py)."""

from __future__ import annotations

import copy
import os
import shutil
import sys
import tomllib

import pytest
from packaging.markers import Marker

from primer import environments, lock
from primer.paths import ROOT
from tests import dependencies

CASES = [
    pytest.param(
        env, platform, python, id=f"{env.name}-{platform.sys_platform}-{platform.machine}-py{python[0]}.{python[1]}"
    )
    for env in environments.declared().values()
    for platform in lock.PLATFORMS
    for python in lock.pythons(env)
]


@pytest.fixture(autouse=True)
def _uv():
    if not (os.environ.get("UV") or shutil.which("uv")):  # as environments.uv finds it
        dependencies.missing("uv lists what each environment installs (`uv export`)")


def test_the_platforms_checked_are_the_platforms_locked():
    required = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["uv"]
    assert [platform.marker for platform in lock.PLATFORMS] == required["required-environments"]
    assert required["environments"] == required["required-environments"]


@pytest.mark.parametrize("platform", lock.PLATFORMS, ids=lambda platform: platform.wheel_platforms()[0])
def test_markers_are_evaluated_for_the_platform_and_python_named_not_this_one(platform):
    """What `uv lock` was told each platform is (its marker) holds there and nowhere else; and the Python is the
    one named, whatever runs this."""
    other = "3.11.0" if sys.version_info[:2] != (3, 11) else "3.12.0"
    values = platform.environment(other)
    assert [Marker(each.marker).evaluate(values) for each in lock.PLATFORMS] == [
        each is platform for each in lock.PLATFORMS
    ]
    assert Marker(f"python_full_version == '{other}'").evaluate(values)
    assert lock.target(platform.wheel_platforms()[0]) == (platform, platform.wheel_platforms())


def test_a_platform_this_does_not_know_fails_saying_so():
    with pytest.raises(ValueError, match="names no sys_platform and platform_machine this knows"):
        lock._platform("sys_platform == 'freebsd' and platform_machine == 'amd64'")
    with pytest.raises(ValueError, match=r"no wheel platform of uv\.lock's platforms"):
        lock.target("linux_x86_64")


@pytest.mark.parametrize(("env", "platform", "python"), CASES)
def test_every_package_has_a_wheel_there(env, platform, python):
    assert not lock.without_wheel(env, platform, python), "uv.lock has no wheel there for these"


def test_a_package_without_a_wheel_for_a_platform_is_found():
    """The check works: with torch's Windows wheels taken out of a copy of the lock, Windows lacks torch."""
    broken = copy.deepcopy(lock.read())
    for package in broken["package"]:
        package["wheels"] = [
            wheel
            for wheel in package.get("wheels", [])
            if not wheel["url"].endswith("win_amd64.whl") or package["name"] != "torch"
        ]
    reference = environments.declared()[environments.REFERENCE]
    on = {platform.sys_platform: platform for platform in lock.PLATFORMS}
    windows, linux = on["win32"], on["linux"]
    assert lock.without_wheel(reference, windows, (3, 11), broken) == [f"torch=={lock.versions('reference')['torch']}"]
    assert lock.without_wheel(reference, linux, (3, 11), broken) == []


def test_every_python_the_project_supports_is_checked_and_the_range_must_end(monkeypatch):
    reference = environments.declared()[environments.REFERENCE]
    monkeypatch.setattr(lock, "read", lambda: {"requires-python": ">=3.11.5, <3.15"})
    assert lock.pythons(reference) == [(3, 11), (3, 12), (3, 13), (3, 14)]
    monkeypatch.setattr(lock, "read", lambda: {"requires-python": ">=3.11.5"})
    with pytest.raises(ValueError, match="no upper bound"):
        lock.pythons(reference)
