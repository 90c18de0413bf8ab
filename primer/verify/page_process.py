"""The page's process: what runs there, away from the harness (process.py is the harness's side).

On Linux a "zygote" imports what nearly every page imports (torch, numpy) once, and forks a page process from
it per page: isolation costs a fork, not an interpreter start (multiprocessing's forkserver preloads modules too,
but cannot give its child the harness's pipes as stdout and stderr). Elsewhere (macOS, whose frameworks are not
fork-safe, and Windows, which has no fork) each page starts a fresh interpreter. Either way the page process gets
the same start: its own folders (`Start.environ`), resource limits where the OS has them, the network hook, and
a connection to the harness passed to it as its stdout and stderr are. It runs each Python block it is sent in
one namespace, as a script (`__main__`) in an empty scratch folder, and reports only what the harness cannot see
itself: an error, a displayed value, threads and processes left running.

    main(["zygote", FD])            the zygote: fork requests on the socket FD
    main(["page", START, FD])       a page process started directly (no fork); FD "-" on Windows: see connect
"""

from __future__ import annotations

import ctypes
import gc
import json
import marshal
import os
import signal
import socket
import sys
import threading
import time
import traceback
import types
import warnings
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from primer.pages.expand import Origin

if os.name == "posix":  # imported here: limit_resources also runs between fork and exec (console.py)
    import resource

from . import audit, target
from .results import Raised, report

# Imported once by the zygote (a first optimizer step imports torch._dynamo, about a second); a page imports anything
# else itself.
PRELOAD = ("torch", "torch._dynamo", "numpy")
FORKS = sys.platform == "linux"
# What stops a reader's script or session rather than showing an error: never a shown result.
ENDS_THE_SCRIPT = (SystemExit, KeyboardInterrupt, GeneratorExit)
REAP_WAIT = 10  # seconds the zygote may wait for a page process to end, before saying it cannot tell
FILE_LIMIT = 1 << 30  # bytes any one file a page writes may have (RLIMIT_FSIZE)
PR_SET_PDEATHSIG, PR_SET_CHILD_SUBREAPER = 1, 36


@dataclass(frozen=True)
class Start:
    """What a page process needs: its scratch folder, the project, the variables that give it folders of its
    own (HOME, the temp and cache folders), and the seed that perturbs what a page must not depend on."""

    scratch: str
    root: str
    environ: dict[str, str]
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


def limit_resources() -> None:
    """A runaway page stops with an error, not the machine: at most half the memory (Linux), 1 GiB a file
    (POSIX; a write past it fails with EFBIG), no core dumps. Windows has no such limits; there the block's time
    limit bounds a page."""
    if os.name != "posix":
        return
    limits = [(resource.RLIMIT_FSIZE, FILE_LIMIT), (resource.RLIMIT_CORE, 0)]
    if sys.platform == "linux":  # RLIMIT_DATA counts what a process allocates; macOS does not enforce it
        limits.append((resource.RLIMIT_DATA, os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2))
    for kind, value in limits:
        hard = resource.getrlimit(kind)[1]
        resource.setrlimit(kind, (value if hard == resource.RLIM_INFINITY else min(value, hard), hard))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too large write raises OSError instead of killing


def _prctl(option: int, value: int) -> None:
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)


class PageSession:
    """The page process's side: one namespace, run block after block."""

    def __init__(self, start: Start) -> None:
        self.root = Path(start.root)
        # The page's namespace is the __main__ module, as a script's is: pickle, torch.save of a model and spawned
        # DataLoader workers find the classes the page defines there.
        main = types.ModuleType("__main__")
        sys.modules["__main__"] = main
        self.namespace = main.__dict__
        self.saved: dict[str, dict] = {}
        os.chdir(start.scratch)
        sys.addaudithook(audit.local_network_only)
        # As a terminal shows them: UTF-8, each line as soon as it ends, in the order Python and C write them.
        sys.stdout, sys.stderr = (
            open(fd, "w", encoding="utf-8", errors="backslashreplace", buffering=1, closefd=False) for fd in (1, 2)
        )
        self._threads = set(threading.enumerate())
        self._processes: set[str] = set()
        # What the process holds before the page (torch, the harness) is left out of the collections after each
        # block (see run): they walk the page's own objects only, not the whole heap again (about 0.1 s each).
        gc.freeze()
        if "numpy" in sys.modules:  # a fresh interpreter seeds NumPy from the OS, not as the zygote did
            sys.modules["numpy"].random.seed()
        if start.perturb is not None:
            if torch := sys.modules.get("torch"):  # unseeded torch random numbers differ
                torch.manual_seed(start.perturb)
            PageSession._ballast = [object() for _ in range(start.perturb % 4096)]  # and object addresses

    def run(self, code: bytes, steps: list[list[str]]) -> dict:
        """Run a block's code as a reader running it as a notebook cell would see it: every warning shown
        (also those Python hides by default), and the value of a final bare expression displayed. `steps` first
        save or restore the namespace, so that each of a group of alternative tabs starts from the same state."""
        for step, name in steps:  # the names, and the random number generators (objects changed in place stay so)
            if step == "save":
                self.saved[name] = (dict(self.namespace), _random_states())
            else:
                self.namespace.clear()
                self.namespace.update(self.saved[name][0])
                _random_states(self.saved[name][1])
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
        # What this block left running (each said once, at the block that left it).
        threads = [thread for thread in threading.enumerate() if thread not in self._threads]
        processes = [process for process in _processes() if process not in self._processes]
        self._threads.update(threads)
        self._processes.update(processes)
        return report(displayed, error, [f"thread {thread.name}" for thread in threads] + processes)


def _random_states(states: tuple | None = None) -> tuple:
    """Python's, NumPy's and torch's random number generator states; with `states`, set them back."""
    import random

    generators = [(random.getstate, random.setstate)]
    if numpy := sys.modules.get("numpy"):
        generators.append((numpy.random.get_state, numpy.random.set_state))
    if torch := sys.modules.get("torch"):
        generators.append((torch.random.get_rng_state, torch.random.set_rng_state))
    if states is not None:
        for (_, put), state in zip(generators, states, strict=False):
            put(state)
    return tuple(get() for get, _ in generators)


def _processes() -> list[str]:
    """The processes the page started that still run (a DataLoader's workers, a child it did not wait for)."""
    try:
        import psutil
    except ImportError:
        return []
    left = []
    for child in psutil.Process().children(recursive=True):
        try:
            if child.status() != psutil.STATUS_ZOMBIE:
                left.append(f"process {child.pid} ({child.name()})")
        except psutil.Error:  # ended meanwhile
            pass
    return left


def _raised(error: BaseException) -> Raised:
    frames = traceback.format_exception(type(error), error, error.__traceback__.tb_next)
    message = "".join(traceback.format_exception_only(error))
    name = message.split("\n", 1)[0].split(":", 1)[0].strip()  # as Python reports it: `module.Name` if not builtin
    return Raised(name, message, "".join(frames), isinstance(error, ENDS_THE_SCRIPT))


def _serve(start: Start, connection: Connection) -> None:
    """The page process: run each block it is sent, report what it did, until the harness closes the connection."""
    sys.path[0] = start.root  # the page's project, whose modules a page may import (not its scratch folder)
    os.environ.update(start.environ)
    import tempfile

    tempfile.tempdir = None  # found again from TMPDIR
    limit_resources()
    _prctl(PR_SET_CHILD_SUBREAPER, 1)  # what its processes leave behind stays its own, for the harness to end
    page = PageSession(start)
    me = os.getpid()
    while True:
        try:
            request = json.loads(connection.recv_bytes())
        except (EOFError, OSError):  # the harness has gone
            break
        result = page.run(bytes.fromhex(request["code"]), request["steps"])
        if os.getpid() != me:  # a copy the page's code forked and left running: only the page's process answers
            os._exit(0)
        connection.send_bytes(json.dumps(result).encode())


def _page(start: Start, fds: list[int]) -> None:
    """In the zygote's child: become the page's process (stdout, stderr and its connection are `fds`)."""
    code = 70
    try:
        os.setsid()  # its own process group, which the harness kills as a whole
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # and it dies with the zygote
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        os.dup2(fds[0], 1)
        os.dup2(fds[1], 2)
        os.close(fds[0])
        os.close(fds[1])
        _serve(start, Connection(fds[2]))
        code = 0
    except BaseException:  # said on the page's stderr, which the harness shows
        traceback.print_exc()
    finally:
        try:
            _flush()
        finally:
            os._exit(code)


def _zygote(fd: int) -> None:
    """Import what pages share, then fork a page process per request ({"start": ..} with the page's stdout,
    stderr and connection, {"wait": pid}, or {"facts": true}), on a socket whose every message is one request
    or one answer."""
    for name in PRELOAD:
        try:
            __import__(name)
        except ImportError:
            pass
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    requests = socket.socket(fileno=fd)
    requests.send(b'"ready"')
    ended: dict[int, int] = {}
    while True:
        data, fds, _, _ = socket.recv_fds(requests, 1 << 16, 3)
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
            _page(Start(**request["start"]), fds)
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


def connect(fd: str) -> Connection:
    """The connection to the harness of a page process started directly: the socket FD it inherited, or on Windows,
    which passes no descriptors, the socket the harness shares with it on its stdin (socket.share)."""
    if fd == "-":
        return Connection(socket.fromshare(sys.stdin.buffer.read()).detach())
    return Connection(int(fd))


def main(argv: list[str]) -> None:
    if argv[0] == "zygote":
        _zygote(int(argv[1]))
    else:
        try:
            _serve(Start(**json.loads(argv[1])), connect(argv[2]))
        except BaseException:
            traceback.print_exc()  # on the page's stderr, which the harness shows
            _flush()
            os._exit(70)
