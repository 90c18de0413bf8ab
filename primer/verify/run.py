"""The page's process: what runs there, away from the harness (process.py is the harness's side).

On Linux a "zygote" imports what nearly every page imports (torch, numpy) once, and forks a page process from
it per page: isolation costs a fork, not an interpreter start (multiprocessing's forkserver preloads modules too,
but cannot give its child the harness's pipes as stdout and stderr, nor new namespaces before page code runs).
Elsewhere (macOS, whose frameworks are not fork-safe, and Windows, which has no fork) each page starts a fresh
interpreter. A page process runs each Python block it is sent in one namespace, as a script (`__main__`) in an
empty scratch folder, and reports only what the harness cannot see itself: an error, a displayed value, threads
left running. What it prints goes to file descriptors 1 and 2, pipes the harness reads.

    main(["zygote", FD])         the zygote: fork requests on the socket FD
    main(["page", START])        a page process started directly (no fork)
"""

from __future__ import annotations

import base64
import ctypes
import gc
import json
import marshal
import os
import socket
import sys
import tempfile
import threading
import time
import traceback
import types
import warnings
from dataclasses import dataclass
from pathlib import Path

from primer.pages.expand import Origin

from . import audit, sandbox, target, wire
from .results import Raised, report

# Imported once by the zygote (a first optimizer step imports torch._dynamo, about a second); a page imports anything
# else itself.
PRELOAD = ("torch", "torch._dynamo", "numpy")
FORKS = sys.platform == "linux"
# What stops a reader's script or session rather than showing an error: never a shown result.
ENDS_THE_SCRIPT = (SystemExit, KeyboardInterrupt, GeneratorExit)
REAP_WAIT = 10  # seconds the zygote may wait for a page process to end, before saying it cannot tell


@dataclass(frozen=True)
class Start:
    """What a page process needs to start: where to connect, the token it proves itself with, its scratch
    folder, the project it may not write into, and the seed that perturbs what a page must not depend on."""

    address: tuple[str, int]
    token: str
    scratch: str
    temp: str  # its own temp folder (TMPDIR); in the sandbox, /tmp is its own too
    root: str
    perturb: int | None


def show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    # Shown the way the page shows errors, `Name: message`: the file and line Python adds differ by machine.
    sys.stderr.write(f"{category.__name__}: {message}\n")


def _flush() -> None:
    """Everything printed so far reaches the pipes: Python's buffers, and C's (a library's printf)."""
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "posix":
        ctypes.CDLL(None).fflush(None)


class PageSession:
    """The page process's side: one namespace, run block after block."""

    def __init__(self, scratch: Path, root: Path, *, perturb: int | None) -> None:
        self.root = root
        # The page's namespace is the __main__ module, as a script's is: pickle, torch.save of a model and spawned
        # DataLoader workers find the classes the page defines there.
        main = types.ModuleType("__main__")
        sys.modules["__main__"] = main
        self.namespace = main.__dict__
        os.chdir(scratch)
        sys.addaudithook(audit.ProjectWrites(str(root), str(scratch)))
        # As a terminal shows them: UTF-8, each line as soon as it ends, in the order Python and C write them.
        sys.stdout, sys.stderr = (
            open(fd, "w", encoding="utf-8", errors="backslashreplace", buffering=1, closefd=False) for fd in (1, 2)
        )
        self._threads = set(threading.enumerate())
        # What the process holds before the page (torch, the harness) is left out of the collections after each
        # block (see run): they walk the page's own objects only, not the whole heap again (about 0.1 s each).
        gc.freeze()
        if "numpy" in sys.modules:  # a fresh interpreter seeds NumPy from the OS, not as the zygote did
            sys.modules["numpy"].random.seed()
        if perturb is not None:
            self._perturb(perturb)

    @staticmethod
    def _perturb(seed: int) -> None:
        """Change what a page must not depend on: unseeded torch random numbers, and object addresses."""
        if torch := sys.modules.get("torch"):
            torch.manual_seed(seed)
        PageSession._ballast = [object() for _ in range(seed % 4096)]

    def run(self, code: bytes) -> dict:
        """Run a block's code as a reader running it as a notebook cell would see it: every warning shown
        (also those Python hides by default), and the value of a final bare expression displayed."""
        displayed, error = "", None

        def display(value) -> None:
            nonlocal displayed
            if value is not None:
                frame = sys._getframe(1)  # the block's code, which evaluated the expression
                where = Origin(Path(os.path.relpath(frame.f_code.co_filename, self.root)).as_posix(), frame.f_lineno)
                displayed = f"{where}: {value!r}"

        hook = sys.displayhook
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.showwarning = show_warning
            sys.displayhook = display
            try:
                for part in marshal.loads(code):
                    exec(part, self.namespace)
            except BaseException as raised:  # SystemExit and KeyboardInterrupt are results too
                error = _raised(raised)
            finally:
                sys.displayhook = hook
                gc.collect()  # what this block left to the collector warns now (ResourceWarning), not in a later block
        _flush()
        threads = [thread.name for thread in threading.enumerate() if not thread.daemon and thread not in self._threads]
        return report(displayed, error, threads)


def _raised(error: BaseException) -> Raised:
    frames = traceback.format_exception(type(error), error, error.__traceback__.tb_next)
    message = "".join(traceback.format_exception_only(error))
    name = message.split("\n", 1)[0].split(":", 1)[0].strip()  # as Python reports it: `module.Name` if not builtin
    return Raised(name, message, "".join(frames), isinstance(error, ENDS_THE_SCRIPT))


def _serve(start: Start) -> None:
    """The page process: run each block it is sent, report what it did, until the harness closes the socket."""
    sys.path[0] = start.root  # the page's project, whose modules a page may import (not its scratch folder)
    connection = socket.create_connection(tuple(start.address))
    wire.send(connection, {"token": start.token})
    os.environ["TMPDIR"] = start.temp
    tempfile.tempdir = None  # found again from TMPDIR
    page = PageSession(Path(start.scratch), Path(start.root), perturb=start.perturb)
    me = os.getpid()
    while True:
        try:
            request = wire.receive(connection, None)
        except wire.Closed:  # the harness has gone
            break
        result = page.run(base64.b64decode(request["code"]))
        if os.getpid() != me:  # a copy the page's code forked and left running: only the page's process answers
            os._exit(0)
        wire.send(connection, result)
    connection.close()


def _page(start: Start, outputs: list[int], plan: sandbox.Plan | None) -> None:
    """In the zygote's child: become the page's process, in the sandbox when there is one. Never returns."""
    code = 70
    try:
        os.setsid()  # its own process group, which the harness kills as a whole
        sandbox.die_with_parent()
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        os.dup2(outputs[0], 1)
        os.dup2(outputs[1], 2)
        for fd in outputs:
            os.close(fd)
        if plan is not None:
            sandbox.enter(plan)
            init = os.fork()
            if init:  # this process only waits: the page runs in the namespace's init, which dies with it
                os._exit(sandbox.wait_for(init))
            sandbox.become_init()
        _serve(start)
        code = 0
    except BaseException:  # said on the page's stderr, which the harness shows
        traceback.print_exc()
    finally:
        try:
            _flush()
        finally:
            os._exit(code)


def _zygote(fd: int) -> None:
    """Import what pages share, then fork a page process per request ({"start": .., "plan": ..} with the page's
    stdout and stderr, {"wait": pid}, or {"facts": true}), on a socket whose every message is one request or one
    answer."""
    for name in PRELOAD:
        try:
            __import__(name)
        except ImportError:
            pass
    sandbox.die_with_parent()
    requests = socket.socket(fileno=fd)
    requests.send(b'"ready"')
    ended: dict[int, int] = {}
    while True:
        data, fds, _, _ = socket.recv_fds(requests, 1 << 16, 2)
        if not data:  # the harness has gone
            break
        request = json.loads(data)
        _reap(ended)
        if "wait" in request:
            within = min(float(request["within"]), REAP_WAIT)
            requests.send(json.dumps(_exit_code(request["wait"], within, ended)).encode())
            continue
        if "facts" in request:  # asked of a copy, which answers and ends: CUDA must not start in the zygote
            copy = os.fork()
            if copy == 0:
                requests.send(json.dumps(target.machine_facts()).encode())
                os._exit(0)
            os.waitpid(copy, 0)
            continue
        pid = os.fork()
        if pid == 0:
            requests.close()
            plan = request["plan"]
            _page(Start(**request["start"]), fds, sandbox.Plan.from_json(plan) if plan else None)
        for descriptor in fds:
            os.close(descriptor)
        requests.send(json.dumps(pid).encode())


def _reap(ended: dict[int, int]) -> None:
    """Collect the page processes that have ended since the last request."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        ended[pid] = os.waitstatus_to_exitcode(status)


def _exit_code(pid: int, within: float, ended: dict[int, int]) -> int | None:
    """A page process's exit code; None if it does not end within the seconds given."""
    deadline = time.monotonic() + within
    while pid not in ended and time.monotonic() < deadline:
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return ended.pop(pid, None)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.01)
    return ended.pop(pid, None)


def main(argv: list[str]) -> None:
    if argv[0] == "zygote":
        _zygote(int(argv[1]))
    else:
        try:
            _serve(Start(**json.loads(argv[1])))
        except BaseException:
            traceback.print_exc()  # on the page's stderr, which the harness shows
            _flush()
            os._exit(70)
