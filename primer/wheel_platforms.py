"""The wheel platform tags that install on a Linux machine, for uv.lock's check and for gathering wheels.

Standard library only: dev.py uses it before any environment exists.
"""

from __future__ import annotations

import re


def manylinux(machine: str, glibc: int = 28) -> tuple[str, ...]:
    """The tags a Linux with glibc 2.`glibc` installs, best first: every older glibc's too, and their legacy
    names. 2.28 is what the Linux distributions readers use still have (torch needs 2.28)."""
    legacy = {"manylinux2014": 17, "manylinux2010": 12, "manylinux1": 5}
    return (
        *(f"manylinux_2_{minor}_{machine}" for minor in range(glibc, 4, -1)),
        *(
            f"{name}_{machine}"
            for name, minor in legacy.items()
            if minor <= glibc and (machine == "x86_64" or minor == 17)
        ),
    )


def installing_on(platform: str) -> tuple[str, ...]:
    """The tags that install where `platform` does: a manylinux tag's older ones too (pip, told one
    platform, takes only wheels tagged with exactly it), any other tag alone."""
    match = re.fullmatch(r"manylinux_2_(\d+)_(\w+)", platform)
    return manylinux(match[2], int(match[1])) if match else (platform,)


# A wheel platform tag, its machine, and what the markers say there (sys_platform, platform_system, os_name).
_SYSTEMS = {
    r"manylinux(?:_\d+_\d+|\d+)_(?P<machine>x86_64|aarch64)": ("linux", "Linux", "posix"),
    r"macosx_\d+_\d+_(?P<machine>arm64)": ("darwin", "Darwin", "posix"),
    r"win_amd64(?P<machine>)": ("win32", "Windows", "nt"),
}


def marker_environment(python: str, platform: str) -> dict[str, str]:
    """The values a requirement's markers are evaluated with on a CPython `python` (a full version, 3.12.3) on
    the machine a wheel platform tag (`manylinux_2_28_x86_64`, `macosx_14_0_arm64`, `win_amd64`) names: pip
    itself evaluates them with the interpreter it runs under, whatever Python and platform it downloads for."""
    if not re.fullmatch(r"3\.\d+\.\d+", python):
        raise ValueError(f"{python!r} is no full Python version (3.12.3, as `python3 -V` prints it)")
    found = [(match, system) for tag, system in _SYSTEMS.items() if (match := re.fullmatch(tag, platform))]
    if not found:
        raise ValueError(f"{platform!r} is no manylinux, macosx (arm64) or win_amd64 wheel platform")
    (match, (sys_platform, system, os_name)), *_ = found
    return {
        "sys_platform": sys_platform,
        "platform_machine": match["machine"] or "AMD64",  # Windows names x86_64 so
        "platform_system": system,
        "os_name": os_name,
        "python_version": python.rpartition(".")[0],
        "python_full_version": python,
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
    }


_TOKEN = re.compile(r"\s*(\(|\)|and\b|or\b|not in\b|in\b|===|==|!=|~=|>=|<=|<|>|'[^']*'|\"[^\"]*\"|[a-z_]+)")
_VERSIONED = {"python_version", "python_full_version"}


def _compare(left: str, operator: str, right: str, versioned: bool) -> bool:
    if operator in ("in", "not in"):
        return (left in right) == (operator == "in")
    if versioned:
        left, right = (tuple(int(part) for part in value.split(".")) for value in (left, right))  # type: ignore[assignment]
        width = max(len(left), len(right))
        left, right = (value + (0,) * (width - len(value)) for value in (left, right))  # type: ignore[assignment]
    results = {"==": left == right, "!=": left != right, "<": left < right, "<=": left <= right}
    results.update({">": left > right, ">=": left >= right})
    if operator not in results:
        raise ValueError(f"marker operator {operator!r} is not one this evaluates")
    return results[operator]


def marker_holds(marker: str, environment: dict[str, str]) -> bool:
    """Whether a PEP 508 marker, as `uv export` writes them (comparisons joined by `and`, `or` and
    parentheses), holds in `environment`. No eval: the text is parsed, never run."""
    tokens = [match for match in _TOKEN.findall(marker)]
    if "".join(tokens).replace(" ", "") != marker.replace(" ", ""):
        raise ValueError(f"marker {marker!r} has what this does not parse")
    position = 0

    def take() -> str:
        nonlocal position
        position += 1
        return tokens[position - 1]

    def value(token: str) -> tuple[str, bool]:
        if token[0] in "'\"":
            return token[1:-1], False
        return environment[token], token in _VERSIONED

    def atom() -> bool:
        token = take()
        if token == "(":
            result = either()
            take()  # ")"
            return result
        (left, left_versioned), operator, (right, right_versioned) = value(token), take(), value(take())
        return _compare(left, operator, right, left_versioned or right_versioned)

    def both() -> bool:
        result = atom()
        while position < len(tokens) and tokens[position] == "and":
            take()
            result = atom() and result
        return result

    def either() -> bool:
        result = both()
        while position < len(tokens) and tokens[position] == "or":
            take()
            result = both() or result
        return result

    return either()


def for_target(requirements: str, python: str, platform: str) -> list[str]:
    """The pinned requirements (`name==version ; marker`, as `uv export` writes them) that install with that
    Python on that platform, without their markers: pip then downloads, and installs, exactly these."""
    environment = marker_environment(python, platform)
    chosen = []
    for line in requirements.splitlines():
        requirement, _, marker = line.partition(";")
        if requirement.strip() and not line.startswith(("#", "-")):
            if not marker.strip() or marker_holds(marker.strip(), environment):
                chosen.append(requirement.strip())
    return chosen
