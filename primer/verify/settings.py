"""How a run checks the pages: one object, made where the run starts and passed to every check."""

from __future__ import annotations

from dataclasses import dataclass

from .rewrite import OutputRewriter
from .target import REFERENCE, Target

BLOCK_TIMEOUT = 120  # seconds a block (or a console block's command) may run; the slowest takes about 15 s


@dataclass(frozen=True)
class Settings:
    target: Target = REFERENCE
    rewriter: OutputRewriter | None = None  # `--update-outputs`: rewrite differing Output blocks, do not fail
    timeout: float = BLOCK_TIMEOUT
    # The second, perturbed run: another hash seed and torch seed, and scratch directories on another file
    # system, so that output that depends on chance, addresses or directory order fails there.
    perturb: bool = False
    hash_seed: int = 1
    scratch_in: str | None = None  # where the pages' scratch directories are made (None: the system's temp folder)
