"""torchrun as the project starts it: the launcher module of the running Python, so the processes it starts
use this environment's torch, whichever `torchrun` is on the PATH."""

from __future__ import annotations

import sys

LAUNCHER = [sys.executable, "-m", "torch.distributed.run"]


def on_this_machine(nproc: int, *args: str) -> list[str]:
    """The command that starts nproc processes here, as the README's `torchrun --standalone` does."""
    return [*LAUNCHER, "--standalone", f"--nproc_per_node={nproc}", *args]
