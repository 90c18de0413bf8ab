"""Where the pages run: the environment, and the facts of the machine that decide which values may vary.

Made once, where a run starts (the pytest plugin, from its `--environment` option), and passed to every
check; nothing in the verification reads the process's environment variables to decide what to compare.
"""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass

from primer import environments


@dataclass(frozen=True)
class Target:
    environment: str = environments.REFERENCE
    accelerator: bool = False  # a GPU torch can use: CUDA or Apple's MPS (a CUDA build alone is not one)
    cuda: bool = False  # an NVIDIA GPU torch can use (what torchrun's `--nproc_per_node=gpu` counts)
    torch: str = ""  # torch.__version__ of the interpreter that runs the pages
    python: str = ""  # platform.python_version() of that interpreter
    platform: str = "linux"  # sys.platform, which selects an Output block for a platform (data-platform)

    @classmethod
    def of(cls, environment: str, facts: dict) -> Target:
        """The machine whose facts are given (`machine_facts`, from the interpreter that runs the pages), in the
        named environment."""
        if environment not in environments.names():
            raise ValueError(f"{environment!r} names no environment; declared: {', '.join(environments.names())}")
        accelerator = facts["cuda"] or facts["mps"]
        return cls(environment, accelerator, facts["cuda"], facts["torch"], facts["python"], facts["platform"])

    def runs(self, needs: str | None) -> bool:
        """Whether a block that needs `cuda` (an NVIDIA GPU) or `no-cuda` (none: a CPU command) runs here."""
        return needs is None or (needs == "cuda") == self.cuda

    @property
    def in_reference(self) -> bool:
        return self.environment == environments.REFERENCE


def machine_facts() -> dict:
    """What this interpreter's torch finds. It initializes CUDA where there is a GPU, so the zygote asks a copy of
    itself: its page processes fork from it, and CUDA does not survive a fork."""
    import torch

    return {
        "cuda": torch.cuda.is_available(),
        "mps": torch.backends.mps.is_available(),
        "torch": torch.__version__,
        "python": platform.python_version(),
        "platform": sys.platform,
    }


REFERENCE = Target()  # what the generators use: the outputs the pages show are the reference's
