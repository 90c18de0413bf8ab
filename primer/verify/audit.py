"""Audit hooks (PEP 578) for the code a page runs: writes into the project are refused, and the scripts that
Python processes run are recorded. Standard library only: the Python processes a console block starts load
this file by its path (see install), whatever they import otherwise."""

from __future__ import annotations

import os
import sys

# The audit events that write to a path, with the positions of the paths they write in their arguments.
WRITES = {
    "open": (0,),
    "os.remove": (0,),
    "os.rename": (0, 1),
    "os.rmdir": (0,),
    "os.mkdir": (0,),
    "os.symlink": (1,),
    "os.link": (1,),
    "os.truncate": (0,),
    "os.chmod": (0,),
    "os.utime": (0,),
    "shutil.rmtree": (0,),
    "shutil.copyfile": (1,),
}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


class ProjectWrites:
    """Refuses every write into the project's folder: page code works in its scratch directory, as a reader's
    does in a folder of their own, and cannot change the pages or snippets that the checks read."""

    def __init__(self, root: str, scratch: str) -> None:
        self.root = os.path.realpath(root) + os.sep
        self.scratch = os.path.realpath(scratch) + os.sep  # inside the project where the perturbed run finds no tmpfs

    def __call__(self, event: str, args: tuple) -> None:
        positions = WRITES.get(event)
        if positions is None or (event == "open" and not _opens_for_writing(args)):
            return
        for position in positions:
            path = args[position] if position < len(args) else None
            if isinstance(path, (str, bytes, os.PathLike)):
                real = os.path.realpath(os.fsdecode(path))
                inside = (real + os.sep).startswith(self.root) and not (real + os.sep).startswith(self.scratch)
                if inside and f"{os.sep}__pycache__{os.sep}" not in real:
                    raise PermissionError(f"page code may not write into the project: {real}")


def _opens_for_writing(args: tuple) -> bool:
    mode, flags = (*args, None, None)[1:3]
    return bool(isinstance(mode, str) and set(mode) & set("wax+")) or bool(
        isinstance(flags, int) and flags & _WRITE_FLAGS
    )


class ScriptRuns:
    """Appends to a log the real path of every script this process runs (`python x.py`, runpy, torchrun)."""

    def __init__(self, log: str) -> None:
        self.log = log

    def __call__(self, event: str, args: tuple) -> None:
        if event == "cpython.run_file":
            name = args[0]
        elif event == "exec" and hasattr(args[0], "co_filename"):
            name = args[0].co_filename
        else:
            return
        if isinstance(name, str) and not name.startswith("<"):
            with open(self.log, "a", encoding="utf-8") as log:
                log.write(os.path.realpath(name) + "\n")


def install() -> None:
    """Install both hooks as the variables set by the harness for a console block's commands say."""
    sys.addaudithook(ProjectWrites(os.environ["PRIMER_PROJECT"], os.environ["PRIMER_SCRATCH"]))
    sys.addaudithook(ScriptRuns(os.environ["PRIMER_RAN_LOG"]))


SITECUSTOMIZE = """\
import importlib.util, os

_spec = importlib.util.spec_from_file_location("_primer_audit", os.environ["PRIMER_AUDIT"])
_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_module)
_module.install()
"""
