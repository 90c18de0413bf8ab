"""uv.lock, read here and nowhere else: what each environment pins, and where each package installs.

The platforms are pyproject.toml's [tool.uv] required-environments (`uv lock` fails where a locked package has no
wheel for one); this checks the lock as committed, for each environment, platform and Python, without the
network: `uv export` lists what an environment installs, with the markers that say where (packaging evaluates
them), and uv.lock lists every wheel of every package. `dev.py gpu-wheels` asks it, in an environment that has
packaging, which pinned requirements a GPU machine's Python and platform install:

    python -m primer.lock ENV --python 3.12.3 --platform manylinux_2_28_x86_64
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass

from packaging.markers import Marker, default_environment
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.tags import Tag, compatible_tags, cpython_tags, mac_platforms
from packaging.utils import canonicalize_name, parse_wheel_filename

from primer import environments
from primer.paths import ROOT


@dataclass(frozen=True)
class System:
    platform_system: str  # what the markers say there
    os_name: str
    oldest: tuple[int, int]  # the oldest release the project supports: glibc's, macOS's
    tag: str  # a wheel platform tag, as a pattern: {machine}, and the release as groups


# glibc 2.28: torch needs it, and the Linux distributions readers use have it. macOS 14: torch 2.13's wheels need it.
SYSTEMS = {
    "linux": System("Linux", "posix", (2, 28), r"manylinux_(\d+)_(\d+)_{machine}"),
    "darwin": System("Darwin", "posix", (14, 0), r"macosx_(\d+)_(\d+)_{machine}"),
    "win32": System("Windows", "nt", (0, 0), r"win_{machine}"),
}


def manylinux(machine: str, glibc: int) -> tuple[str, ...]:
    """The tags a Linux with glibc 2.`glibc` installs, best first: every older glibc's too, and their legacy
    names (pip, told one platform, takes only wheels tagged with exactly it)."""
    legacy = {"manylinux2014": 17, "manylinux2010": 12, "manylinux1": 5}
    return (
        *(f"manylinux_2_{minor}_{machine}" for minor in range(glibc, 4, -1)),
        *(
            f"{name}_{machine}"
            for name, minor in legacy.items()
            if minor <= glibc and (machine == "x86_64" or minor == 17)
        ),
    )


@dataclass(frozen=True)
class Platform:
    marker: str  # as pyproject.toml's required-environments names it
    sys_platform: str
    machine: str

    @property
    def system(self) -> System:
        return SYSTEMS[self.sys_platform]

    def wheel_platforms(self, release: tuple[int, int] | None = None) -> tuple[str, ...]:
        """The wheel platform tags that install there (on `release`, else the oldest supported), best first."""
        release = release or self.system.oldest
        if self.sys_platform == "linux":
            return manylinux(self.machine, release[1])
        if self.sys_platform == "darwin":
            return tuple(mac_platforms(release, self.machine))
        return (f"win_{self.machine.lower()}",)

    def environment(self, python: str) -> dict[str, str]:
        """The values its markers are evaluated with for a CPython `python` (a full version, 3.12.3) there."""
        if not re.fullmatch(r"3\.\d+\.\d+", python):
            raise ValueError(f"{python!r} is no full Python version (3.12.3, as `python3 -V` prints it)")
        return {
            **default_environment(),
            "sys_platform": self.sys_platform,
            "platform_machine": self.machine,
            "platform_system": self.system.platform_system,
            "os_name": self.system.os_name,
            "python_version": python.rpartition(".")[0],
            "python_full_version": python,
            "implementation_name": "cpython",
            "platform_python_implementation": "CPython",
        }


def _platform(marker: str) -> Platform:
    values = dict(re.findall(r"(sys_platform|platform_machine) == '([^']+)'", marker))
    platform = Platform(marker, values.get("sys_platform", ""), values.get("platform_machine", ""))
    if platform.sys_platform not in SYSTEMS or not Marker(marker).evaluate(platform.environment("3.99.0")):
        raise ValueError(f"required-environments: {marker!r} names no sys_platform and platform_machine this knows")
    return platform


def _declared_platforms() -> tuple[Platform, ...]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return tuple(_platform(marker) for marker in pyproject["tool"]["uv"]["required-environments"])


PLATFORMS = _declared_platforms()  # every platform uv.lock is locked for


def target(tag: str) -> tuple[Platform, tuple[str, ...]]:
    """The platform a wheel platform tag names (manylinux_2_28_x86_64, macosx_14_0_arm64, win_amd64), and the tags
    that install where it does."""
    for platform in PLATFORMS:
        pattern = platform.system.tag.format(machine=re.escape(platform.machine.lower()))
        if match := re.fullmatch(pattern, tag):
            release = tuple(map(int, match.groups())) or None
            return platform, platform.wheel_platforms(release)  # type: ignore[arg-type]
    names = ", ".join(platform.wheel_platforms()[0] for platform in PLATFORMS)
    raise ValueError(f"{tag!r} is no wheel platform of uv.lock's platforms ({names}, or a newer release)")


@functools.cache
def read() -> dict:
    """uv.lock, parsed."""
    return tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))


def minors(requires_python: str) -> list[int]:
    """The minor versions of Python 3 a requires-python allows, which must have an upper bound: uv takes the
    newest Python it finds or can fetch."""
    allowed = SpecifierSet(requires_python)
    found = [minor for minor in range(100) if f"3.{minor}.0" in allowed or f"3.{minor}.99" in allowed]
    if not found or found[-1] == 99:
        raise ValueError(
            f"requires-python {requires_python!r} has no upper bound: uv could pick a Python nothing is locked for"
        )
    return found


def pythons(environment: environments.Environment) -> list[tuple[int, int]]:
    """The Pythons an environment is checked for: the one it names, else every 3.x the lock supports."""
    if environment.python:
        return [tuple(int(part) for part in environment.python.split("."))[:2]]  # type: ignore[list-item]
    return [(3, minor) for minor in minors(read()["requires-python"])]


def _project(lock: dict) -> dict:
    return next(package for package in lock["package"] if package.get("source", {}).get("virtual") == ".")


def group_versions(group: str, lock: dict | None = None) -> dict[str, str]:
    """The version the lock installs of each package a dependency group asks for directly."""
    lock = lock or read()
    return {
        requirement["name"]: requirement.get("version") or package_version(requirement["name"], lock)
        for requirement in _project(lock).get("dev-dependencies", {}).get(group, [])
    }


def versions(name: str) -> dict[str, str]:
    """The version uv.lock installs of each package an environment's groups ask for directly."""
    return {
        package: version
        for group in environments.declared()[name].groups
        for package, version in group_versions(group).items()
    }


def package(name: str, version: str, lock: dict | None = None) -> dict:
    wanted = canonicalize_name(name)
    return next(
        p for p in (lock or read())["package"] if canonicalize_name(p["name"]) == wanted and p["version"] == version
    )


def wheel_tags(package: dict):
    for wheel in package.get("wheels", []):
        yield from parse_wheel_filename(wheel["url"].rsplit("/", 1)[1])[3]


def cpython_minors(package: dict) -> set[int]:
    """The minor versions of CPython 3 that the package has wheels for in the lock."""
    return {int(tag.interpreter[3:]) for tag in wheel_tags(package) if re.fullmatch(r"cp3\d+", tag.interpreter)}


def oldest_macos(package: dict) -> tuple[int, int]:
    """The oldest macOS (on Apple silicon) that one of the package's wheels installs on."""
    found = [
        (int(match[1]), int(match[2]))
        for tag in wheel_tags(package)
        if (match := re.fullmatch(r"macosx_(\d+)_(\d+)_(arm64|universal2)", tag.platform))
    ]
    return min(found)


def linux_cuda(torch: dict, lock: dict | None = None) -> tuple[int, int]:
    """The CUDA version of the torch that PyPI serves for Linux: the cuda-toolkit release it depends on."""
    for dependency in torch.get("dependencies", []):
        if dependency["name"] == "cuda-toolkit" and "linux" in dependency.get("marker", "linux"):
            version = dependency.get("version") or package_version("cuda-toolkit", lock)
            major, minor = version.split(".")[:2]
            return int(major), int(minor)
    raise ValueError(f"torch {torch['version']} depends on no cuda-toolkit on Linux: is it still a CUDA build?")


def package_version(name: str, lock: dict | None = None) -> str:
    """The version of a package the lock holds one version of."""
    (version,) = {
        p["version"] for p in (lock or read())["package"] if canonicalize_name(p["name"]) == canonicalize_name(name)
    }
    return version


@functools.cache
def exported(environment: environments.Environment) -> tuple[Requirement, ...]:
    """Every package the environment installs, pinned, with the marker that says where."""
    options = [
        "--frozen",
        "--no-hashes",
        "--no-header",
        "--no-annotate",
        "--no-emit-project",
        *environment.group_options,
    ]
    text = subprocess.run(
        [environments.uv(), "export", *options], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    return tuple(Requirement(line) for line in text.splitlines() if line and not line.startswith(("#", "-")))


def installs(environment: environments.Environment, platform: Platform, python: str) -> list[Requirement]:
    """What the environment installs with CPython `python` (3.12.3) on that platform."""
    values = platform.environment(python)
    return [r for r in exported(environment) if not r.marker or r.marker.evaluate(values)]


def _full(python: tuple[int, int]) -> str:
    return f"{python[0]}.{python[1]}.99"  # any release of that minor version


def without_wheel(
    environment: environments.Environment, platform: Platform, python: tuple[int, int], lock: dict | None = None
) -> list[str]:
    """The packages `name==version` the environment installs on that platform and Python that uv.lock (or
    `lock`) has no wheel for."""
    tags: set[Tag] = {
        *cpython_tags(python, platforms=platform.wheel_platforms()),
        *compatible_tags(python, platforms=platform.wheel_platforms()),
    }
    wheels = {
        (canonicalize_name(package["name"]), package["version"]): [
            wheel["url"].rsplit("/", 1)[1] for wheel in package.get("wheels", [])
        ]
        for package in (lock or read())["package"]
    }
    missing = []
    for requirement in installs(environment, platform, _full(python)):
        version = str(requirement.specifier).removeprefix("==")
        files = wheels.get((canonicalize_name(requirement.name), version), [])
        if not any(tags & parse_wheel_filename(file)[3] for file in files):
            missing.append(f"{requirement.name}=={version}")
    return missing


def gathered(name: str, python: str, tag: str) -> dict[str, list[str]]:
    """For `dev.py gpu-wheels`: the pinned requirements (`name==version`, no markers) an environment installs
    with CPython `python` on the platform of wheel platform tag `tag`, and the tags that install there. The
    markers are evaluated for that Python and platform, not for the interpreter pip runs under."""
    platform, tags = target(tag)
    chosen = [f"{r.name}{r.specifier}" for r in installs(environments.declared()[name], platform, python)]
    return {"requirements": chosen, "wheel_platforms": list(tags)}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m primer.lock", description=gathered.__doc__)
    parser.add_argument("environment", choices=environments.names())
    parser.add_argument("--python", required=True)
    parser.add_argument("--platform", required=True)
    options = parser.parse_args(argv)
    try:
        print(json.dumps(gathered(options.environment, options.python, options.platform)))
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
