"""The environments the examples are verified in, and which one this process runs in.

They are declared in pyproject.toml ([tool.primer.environments]) and created by dev.py, which sets
PRIMER_ENVIRONMENT for the runs of `python3 dev.py test-matrix`; any other run is the reference.
"""

from __future__ import annotations

import functools
import os
import tomllib

from primer.paths import ROOT

REFERENCE = "reference"  # the outputs on the pages come from it
VARIABLE = "PRIMER_ENVIRONMENT"


@functools.cache
def names() -> tuple[str, ...]:
    """The environments the examples are verified in (not the one that only builds the site)."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = pyproject["tool"]["primer"]["environments"]
    return tuple(name for name, environment in declared.items() if environment.get("matrix", True))


def current() -> str:
    name = os.environ.get(VARIABLE, REFERENCE)
    if name not in names():
        raise RuntimeError(f"{VARIABLE}={name!r} names no environment; declared: {', '.join(names())}")
    return name


@functools.cache
def has_accelerator() -> bool:
    """Whether this machine has a GPU that torch can use (a CUDA build alone is not enough)."""
    import torch

    return torch.cuda.is_available() or torch.backends.mps.is_available()
