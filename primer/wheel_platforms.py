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
