"""Audit hooks (PEP 578) for the code a page runs, in its process and in every Python process its console
commands start (through SITECUSTOMIZE): connections reach this machine only, and the scripts that Python processes
run are recorded. Standard library only: those processes load this file by its path, whatever they import."""

from __future__ import annotations

import ipaddress
import os
import sys

LOCAL_HOSTS = {None, "", "localhost", b"localhost"}


def local_network_only(event: str, args: tuple) -> None:
    """No example needs the network; the DDP examples talk over loopback, which stays open. A page that connects
    elsewhere fails, saying so, rather than depending on a network a reader's machine may not have."""
    if event == "socket.getaddrinfo":
        host = args[0]
    elif event in ("socket.connect", "socket.sendto") and isinstance(args[1], tuple):
        host = args[1][0]
    else:
        return
    if host in LOCAL_HOSTS:
        return
    try:
        if ipaddress.ip_address(os.fsdecode(host) if isinstance(host, bytes) else host).is_loopback:
            return
    except ValueError:
        pass
    raise PermissionError(f"a page may connect only to this machine (loopback), not to {host!r}")


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
    """Install both hooks, as the variables the harness sets for a console block's commands say."""
    sys.addaudithook(local_network_only)
    sys.addaudithook(ScriptRuns(os.environ["PRIMER_RAN_LOG"]))


SITECUSTOMIZE = """\
import importlib.util, os, sys


def _run(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_run("_primer_audit", os.environ["PRIMER_AUDIT"]).install()
# Then the sitecustomize this one hides, where PYTHONPATH names one (the macOS CI job's, which keeps torch on the CPU).
_here = os.path.dirname(os.path.realpath(__file__))
for _folder in sys.path:
    _other = os.path.join(_folder or ".", "sitecustomize.py")
    if os.path.realpath(_folder or ".") != _here and os.path.isfile(_other):
        _run("_primer_shadowed_sitecustomize", _other)
        break
"""
