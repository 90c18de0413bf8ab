"""uv.lock on each platform it is locked for: every package an environment installs there has a wheel for it.

uv checks this when it locks ([tool.uv] required-environments); this checks the lock as committed, for each
environment, platform and Python, without the network: `uv export` lists what an environment installs, with
the markers that say where, and uv.lock lists every wheel of every package.
"""

from __future__ import annotations

import functools
import subprocess
from dataclasses import dataclass

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.tags import Tag, compatible_tags, cpython_tags, mac_platforms
from packaging.utils import canonicalize_name, parse_wheel_filename

from primer import environments
from primer.paths import ROOT
from primer.wheel_platforms import manylinux


@dataclass(frozen=True)
class Platform:
    marker: str  # as [tool.uv] required-environments in pyproject.toml names it
    sys_platform: str
    machine: str
    wheel_platforms: tuple[str, ...]  # the wheel platform tags that install there, best first


PLATFORMS = (
    Platform("sys_platform == 'linux' and platform_machine == 'x86_64'", "linux", "x86_64", manylinux("x86_64")),
    Platform("sys_platform == 'linux' and platform_machine == 'aarch64'", "linux", "aarch64", manylinux("aarch64")),
    # Apple silicon with macOS 14 or newer: torch 2.13's wheels need macOS 14.
    Platform(
        "sys_platform == 'darwin' and platform_machine == 'arm64'",
        "darwin",
        "arm64",
        tuple(mac_platforms((14, 0), "arm64")),
    ),
    Platform("sys_platform == 'win32' and platform_machine == 'AMD64'", "win32", "AMD64", ("win_amd64",)),
)


def pythons(environment: environments.Environment) -> list[tuple[int, int]]:
    """The Pythons an environment is checked for: the one it names, else every 3.x the project supports
    (requires-python, which must have an upper bound: uv takes the newest Python it finds or can fetch)."""
    if environment.python:
        return [tuple(int(part) for part in environment.python.split("."))[:2]]
    supported = SpecifierSet(environments.uv_lock()["requires-python"])
    if "3.99" in supported:
        raise ValueError(
            f"requires-python {supported} has no upper bound: uv could pick a Python nothing is locked for"
        )
    return [(3, minor) for minor in range(100) if f"3.{minor}.99" in supported]


@functools.cache
def exported(environment: environments.Environment) -> tuple[Requirement, ...]:
    """Every package the environment installs, pinned, with the marker that says where."""
    options = ["--frozen", "--no-hashes", "--no-header", "--no-annotate", *environment.group_options]
    text = subprocess.run(
        [environments.uv(), "export", *options], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    return tuple(Requirement(line) for line in text.splitlines() if line and not line.startswith(("#", "-")))


def _marker_environment(platform: Platform, python: tuple[int, int]) -> dict[str, str]:
    system = {"linux": ("Linux", "posix"), "darwin": ("Darwin", "posix"), "win32": ("Windows", "nt")}
    platform_system, os_name = system[platform.sys_platform]
    return {
        **default_environment(),
        "sys_platform": platform.sys_platform,
        "platform_machine": platform.machine,
        "platform_system": platform_system,
        "os_name": os_name,
        "python_version": f"{python[0]}.{python[1]}",
        "python_full_version": f"{python[0]}.{python[1]}.99",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
    }


def _tags(platform: Platform, python: tuple[int, int]) -> set[Tag]:
    return {
        *cpython_tags(python, platforms=platform.wheel_platforms),
        *compatible_tags(python, platforms=platform.wheel_platforms),
    }


def without_wheel(
    environment: environments.Environment, platform: Platform, python: tuple[int, int], lock: dict | None = None
) -> list[str]:
    """The packages `name==version` the environment installs on that platform and Python that uv.lock (or
    `lock`) has no wheel for."""
    marker_environment, tags = _marker_environment(platform, python), _tags(platform, python)
    wheels = {
        (canonicalize_name(package["name"]), package["version"]): [
            wheel["url"].rsplit("/", 1)[1] for wheel in package.get("wheels", [])
        ]
        for package in (lock or environments.uv_lock())["package"]
    }
    missing = []
    for requirement in exported(environment):
        if requirement.marker and not requirement.marker.evaluate(marker_environment):
            continue
        version = str(requirement.specifier).removeprefix("==")
        files = wheels.get((canonicalize_name(requirement.name), version), [])
        if not any(tags & parse_wheel_filename(file)[3] for file in files):
            missing.append(f"{requirement.name}=={version}")
    return missing
