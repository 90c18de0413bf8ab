"""Each docs page runs in a process of its own, as a reader's script does, so that nothing a page does
(global settings, patched functions, threads, `os._exit`, a hang) can reach the harness or another page.

On Linux a "zygote" process imports what nearly every page imports (torch, numpy) once, and forks a page
process from it per page: isolation costs a fork, not an interpreter start. Elsewhere (macOS, whose
frameworks are not fork-safe, and Windows, which has no fork) each page starts a fresh interpreter.
Either way the harness talks to the page process over a loopback socket, and a block that does not answer
within the time allowed has the page's whole process group killed.

    main(["zygote"])          the zygote: reads fork requests on stdin
    main(["page", START])     a page process started directly (no fork)
"""

from __future__ import annotations

import atexit
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import ClassVar

from . import run
from .settings import Settings

PRELOAD = ("torch", "numpy")  # imported once by the zygote; a page imports anything else itself
CONNECT_TIMEOUT = 120  # seconds a new page process may take to connect (an interpreter start imports torch)
FORKS = sys.platform == "linux"


class PageProcessError(RuntimeError):
    """The page's process ended, or stopped answering, while it ran a block."""


@dataclass(frozen=True)
class Start:
    """What a page process needs to start: where to connect, the token it proves itself with, its scratch
    directory, the project it may not write into, and whether to perturb what a page must not depend on."""

    address: tuple[str, int]
    token: str
    scratch: str
    root: str
    perturb: bool


def _die_with_parent() -> None:
    """Linux: have the kernel kill this process when the process that started it ends, however it ends."""
    if FORKS:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _connect(start: Start) -> Connection:
    sock = socket.create_connection(tuple(start.address))
    connection = Connection(sock.detach())
    connection.send_bytes(start.token.encode())
    return connection


def _serve(start: Start) -> None:
    """The page process: run each block it is sent, answer with what it did, until told to stop."""
    sys.path[0] = start.root  # the page's project, whose modules a page may import (not its scratch directory)
    connection = _connect(start)
    page = run.PageSession(Path(start.scratch), Path(start.root), perturb=start.perturb)
    me = os.getpid()
    while True:
        try:
            request = connection.recv()
        except EOFError:  # the harness has gone
            break
        result = page.run(request)
        if os.getpid() != me:  # a copy the page's code forked and left running: only the page's process answers
            os._exit(0)
        connection.send(result)
    connection.close()


def _zygote() -> None:
    """Import what pages share, then fork one page process per request line ({"start": ..} or {"wait": pid})."""
    for name in PRELOAD:
        try:
            __import__(name)
        except ImportError:
            pass
    _die_with_parent()
    requests, answers = sys.stdin, sys.stdout
    ended: dict[int, int] = {}
    answers.write("ready\n")
    answers.flush()
    for line in requests:
        request = json.loads(line)
        while True:  # collect the page processes that have ended since the last request
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            ended[pid] = os.waitstatus_to_exitcode(status)
        if "wait" in request:
            pid = request["wait"]
            code = ended.pop(pid) if pid in ended else os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
            answers.write(f"{code}\n")
            answers.flush()
            continue
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                os.setsid()  # its own process group, which the harness kills as a whole
                _die_with_parent()
                null = os.open(os.devnull, os.O_RDONLY)
                os.dup2(null, 0)
                _serve(Start(**request["start"]))
            except BaseException:
                code = 70
            finally:
                os._exit(code)
        answers.write(f"{pid}\n")
        answers.flush()


# This module's main, with this package importable from wherever it is.
_COMMAND = (
    sys.executable,
    "-c",
    f"import sys; sys.path.insert(1, {str(Path(__file__).parents[2])!r}); "
    "from primer.verify.process import main; main(sys.argv[1:])",
)


class Launcher:
    """Starts page processes, from a zygote where processes fork, started on first use."""

    _shared: ClassVar[dict[int, Launcher]] = {}

    def __init__(self, hash_seed: int) -> None:
        self.hash_seed = hash_seed
        self._zygote: subprocess.Popen | None = None

    @classmethod
    def shared(cls, hash_seed: int) -> Launcher:
        """The launcher of this process for a hash seed: one zygote serves every run in it (the harness's own
        tests run many in one process, and a zygote's start costs an import of torch)."""
        if hash_seed not in cls._shared:
            cls._shared[hash_seed] = launcher = cls(hash_seed)
            atexit.register(launcher.close)
        return cls._shared[hash_seed]

    def _environment(self) -> dict[str, str]:
        return {**os.environ, "PYTHONHASHSEED": str(self.hash_seed)}

    def start(self, start: Start) -> tuple[int, subprocess.Popen | None]:
        """Start a page process; return its pid, and the Popen where it is not a zygote's child."""
        project = Path(start.root)
        if not FORKS:
            flags = subprocess.CREATE_NEW_PROCESS_GROUP if sys.platform == "win32" else 0
            process = subprocess.Popen(
                [*_COMMAND, "page", json.dumps(asdict(start))],
                cwd=project,
                env=self._environment(),
                stdin=subprocess.DEVNULL,
                start_new_session=sys.platform != "win32",
                creationflags=flags,
            )
            return process.pid, process
        zygote = self._ensure_zygote(project)
        zygote.stdin.write(json.dumps({"start": asdict(start)}) + "\n")
        zygote.stdin.flush()
        return int(zygote.stdout.readline()), None

    def exit_code(self, pid: int, process: subprocess.Popen | None) -> int:
        if process is not None:
            return process.wait()
        try:
            self._zygote.stdin.write(json.dumps({"wait": pid}) + "\n")
            self._zygote.stdin.flush()
            return int(self._zygote.stdout.readline())
        except (OSError, ValueError):  # the zygote is gone, and its pages with it (they die with their parent)
            return -1

    def _ensure_zygote(self, project: Path) -> subprocess.Popen:
        if self._zygote is None or self._zygote.poll() is not None:
            self._zygote = subprocess.Popen(
                [*_COMMAND, "zygote"],
                cwd=project,
                env=self._environment(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                start_new_session=True,  # not interrupted by the terminal's Ctrl-C: the harness ends its pages
            )
            if self._zygote.stdout.readline() != "ready\n":
                raise PageProcessError("the process that starts the pages failed to start")
        return self._zygote

    def close(self) -> None:
        if self._zygote is not None:
            self._zygote.stdin.close()
            self._zygote.wait()
            self._zygote = None


class PageProcess:
    """The harness's side of one page's process: send it blocks, get back what each did, within a time limit."""

    def __init__(self, launcher: Launcher, settings: Settings):
        self.launcher, self.timeout, self.perturb = launcher, settings.timeout, settings.perturb
        self.scratch = Path(tempfile.mkdtemp(prefix="docs-page-", dir=settings.scratch_in))
        self._pid: int | None = None
        self._popen: subprocess.Popen | None = None
        self._connection: Connection | None = None
        self.ended: str | None = None  # why the process is gone, for the blocks after the one that ended it

    def _begin(self, root: Path) -> Connection:
        token = secrets.token_hex(16)
        with socket.create_server(("127.0.0.1", 0)) as server:
            server.settimeout(CONNECT_TIMEOUT)
            start = Start(server.getsockname()[:2], token, str(self.scratch), str(root), self.perturb)
            self._pid, self._popen = self.launcher.start(start)
            try:
                sock, _ = server.accept()
            except TimeoutError:
                self.stop()
                raise PageProcessError(f"the page's process did not start within {CONNECT_TIMEOUT} s") from None
        sock.settimeout(None)
        connection = Connection(sock.detach())
        if not connection.poll(CONNECT_TIMEOUT) or connection.recv_bytes() != token.encode():
            self.stop()
            raise PageProcessError("something other than the page's process connected to the harness")
        return connection

    def run(self, request: run.Request, root: Path) -> run.Run:
        """Run a block in the page's process (started at its first block); `root`: the project it may not change."""
        if self.ended:
            raise PageProcessError(self.ended)
        if self._connection is None:
            self._connection = self._begin(root)
        try:
            self._connection.send(request)
            if self._connection.poll(self.timeout):
                return self._connection.recv()
        except (EOFError, OSError):
            run.kill_group(self._pid)  # what it started, if anything is left (and itself, if it only closed the socket)
            code = self.launcher.exit_code(self._pid, self._popen)
            self._forget()
            self.ended = f"the page's process ended (exit code {code}) at an earlier block"
            raise PageProcessError(
                f"the page's process ended (exit code {code}) while it ran this block: code that ends the "
                "interpreter (os._exit, a crash) stops a reader's script here"
            ) from None
        self.stop()
        self.ended = "the page's process was stopped at an earlier block, which did not finish in time"
        raise PageProcessError(
            f"did not finish within {self.timeout:g} s; the page's process and everything it started were killed"
        )

    def _forget(self) -> None:
        if self._connection is not None:
            self._connection.close()
        self._connection = self._pid = self._popen = None

    def stop(self) -> None:
        """End the page's process and what it started in its process group."""
        if self._pid is not None:
            run.kill_group(self._pid)
            self.launcher.exit_code(self._pid, self._popen)  # reap it
        self._forget()

    def close(self) -> None:
        """Stop the page's process and remove its scratch directory, also when stopping fails (Ctrl-C)."""
        try:
            self.stop()
        finally:
            shutil.rmtree(self.scratch, ignore_errors=True)


def main(argv: list[str]) -> None:
    if argv == ["zygote"]:
        _zygote()
    else:
        _serve(Start(**json.loads(argv[1])))
