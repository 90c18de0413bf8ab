"""How a run checks the pages: one object, made where the run starts and passed to every check."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from primer.environments import REFERENCE

from .process import Launcher
from .rewrite import OutputRewriter
from .target import Target

BLOCK_TIMEOUT = 120  # seconds a block (or a console block's command) may run; the slowest takes about 15 s


@dataclass(frozen=True)
class Settings:
    environment: str = REFERENCE  # the environment the run is in (`--environment`)
    rewriter: OutputRewriter | None = None  # `--update-outputs`: rewrite differing Output blocks, do not fail
    timeout: float = BLOCK_TIMEOUT
    # The second, perturbed run's seed: another hash seed, torch seed and object addresses, and scratch folders on
    # another file system, so that output that depends on chance, addresses or directory order fails there.
    perturb: int | None = None
    scratch_in: str | None = None  # where the pages' scratch folders are made (None: the system's temp folder)

    @property
    def hash_seed(self) -> int:
        """Fixed per run, so that a set's order is the same from run to run; another in the perturbed run."""
        return 1 if self.perturb is None else 2 + self.perturb % (2**32 - 3)

    @functools.cached_property
    def target(self) -> Target:
        """The environment and this machine's facts; found on first use, so that a run that checks no page (xdist's
        main process) does not pay for them, and asked of the zygote where there is one, so that this process
        need not import torch too (a one-page check imports it once)."""
        return Target.of(self.environment, Launcher.shared(self.hash_seed).facts())
