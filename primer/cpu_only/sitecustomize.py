"""Every process on the CPU where CPU_ONLY is set, however it starts: Python runs this at the start of every process
where this folder is on PYTHONPATH (the macOS CI job puts it there); once torch is imported, torch finds no MPS
device, so the pages' device choice (snippets/devices.py) is the CPU. primer/machine.py's record reads the same
variable, and says why. Standard library only, and nothing of the project: it runs before anything else.

GitHub's macOS runners report MPS, a paravirtual GPU GitHub does not support (it runs out of memory, or prints
otherwise): the job sets CPU_ONLY to say so.
"""

import importlib.abc
import importlib.util
import os
import sys

CPU_ONLY = "PRIMER_CPU_ONLY"  # set to why the accelerator a machine reports is not used


def reason() -> str | None:
    """Why this run uses no accelerator the machine reports, or None."""
    return os.environ.get(CPU_ONLY) or None


def hide(torch) -> None:
    """torch finds no MPS device (what the pages ask before choosing one). CUDA is not hidden: a machine with an
    NVIDIA GPU has no reason to set CPU_ONLY."""
    torch.backends.mps.is_available = lambda: False
    if not torch.cuda.is_available():
        torch.accelerator.is_available = lambda: False  # what current_accelerator(check_available=True) asks


class _AfterTorch(importlib.abc.MetaPathFinder):
    """Finds nothing itself: has torch's own loader hide the device as soon as torch is imported."""

    def find_spec(self, name, path=None, target=None):
        if name != "torch":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            load = spec.loader.exec_module

            def exec_module(module):
                load(module)
                hide(module)

            spec.loader.exec_module = exec_module
        return spec


if reason() and __name__ == "sitecustomize":
    sys.meta_path.insert(0, _AfterTorch())
