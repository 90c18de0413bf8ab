"""The harness's side of each page's process (run.py is the process's side): start it, send it blocks, read what
it prints from pipes the harness owns, and end it, every wait within a limit.

A page's process cannot forge what a block printed: its file descriptors 1 and 2 are the write ends of pipes
whose read ends only the harness holds, and its report of a block (an error, a displayed value, threads) is JSON
that the harness checks before believing it. On Linux it runs in a sandbox (sandbox.py) where one is allowed.
"""

from __future__ import annotations

import atexit
import base64
import json
import os
import secrets
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from . import results, run, sandbox, target, wire

if TYPE_CHECKING:
    from .settings import Settings

CONNECT_TIMEOUT = 120  # seconds a new page process may take to connect (an interpreter start imports torch)
ZYGOTE_ANSWER = 5  # seconds the zygote, which only forks, may take to answer
ENDING = 1  # seconds a page process that closed its connection has to end on its own, before it is killed
OUTPUT_LIMIT = 16 << 20  # bytes kept of what a block prints on each stream; the rest is dropped, and said so


class PageProcessError(RuntimeError):
    """The page's process ended, or stopped answering, while it ran a block."""


# The page process's module run as a program, with this package importable from wherever it is.
_COMMAND = (
    sys.executable,
    "-c",
    f"import sys; sys.path.insert(1, {str(Path(__file__).parents[2])!r}); "
    "from primer.verify.run import main; main(sys.argv[1:])",
)


def kill_group(pid: int) -> None:
    """Kill a process and the processes it started that stayed in its process group (on Windows, its tree)."""
    if sys.platform == "win32":
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(pid)], capture_output=True)
        return
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def plan(root: Path, writable: list[Path]) -> sandbox.Plan:
    """The sandbox of a page: the project read-only, and the interpreter too where it lies in a temp folder that
    the sandbox empties (a project cloned into /tmp)."""
    temp = tuple(folder + os.sep for folder in sandbox.TEMP_FOLDERS)
    used = {os.path.realpath(path) for path in (sys.prefix, sys.base_prefix, *sys.path) if path and os.path.isdir(path)}
    project = os.path.realpath(root)
    outside = sorted(
        path for path in used if path.startswith(temp) and not (path + os.sep).startswith(project + os.sep)
    )
    return sandbox.Plan((project, *outside), tuple(os.path.realpath(path) for path in writable))


class Launcher:
    """Starts page processes, from a zygote where processes fork, started ahead of its first use."""

    _shared: ClassVar[dict[int, Launcher]] = {}

    def __init__(self, hash_seed: int) -> None:
        self.hash_seed = hash_seed
        self._zygote: subprocess.Popen | None = None
        self._requests: socket.socket | None = None
        self._ready = False

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

    def prestart(self, project: Path) -> None:
        """Start the zygote now, so that it imports torch while pytest collects; the first page waits for it. One
        zygote serves every project a run checks (a page process takes its project from its start)."""
        if run.FORKS and (self._zygote is None or self._zygote.poll() is not None):
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            with theirs:
                self._zygote = subprocess.Popen(
                    [*_COMMAND, "zygote", str(theirs.fileno())],
                    cwd=project,
                    env=self._environment(),
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    pass_fds=[theirs.fileno()],
                    start_new_session=True,  # not interrupted by the terminal's Ctrl-C: the harness ends its pages
                )
            self._requests, self._ready = ours, False

    def facts(self) -> dict:
        """The facts of the machine the pages run on (target.machine_facts), from the zygote where there is one."""
        if not run.FORKS:
            return target.machine_facts()
        self.prestart(Path.cwd())
        return self._ask({"facts": True})

    def start(self, start: run.Start, outputs: tuple[int, int], sandbox_plan: sandbox.Plan | None):
        """Start a page process whose stdout and stderr are `outputs`; its pid, and its Popen where it is not a
        zygote's child."""
        project = Path(start.root)
        if not run.FORKS:
            flags = subprocess.CREATE_NEW_PROCESS_GROUP if sys.platform == "win32" else 0
            process = subprocess.Popen(
                [*_COMMAND, "page", json.dumps(vars(start))],
                cwd=project,
                env=self._environment(),
                stdin=subprocess.DEVNULL,
                stdout=outputs[0],
                stderr=outputs[1],
                start_new_session=sys.platform != "win32",
                creationflags=flags,
            )
            return process.pid, process
        request = {"start": vars(start), "plan": sandbox_plan.to_json() if sandbox_plan else None}
        try:
            self.prestart(project)
            return self._ask(request, outputs), None
        except PageProcessError:  # a zygote stopped or killed (by a page without a sandbox): once more, a new one
            self.prestart(project)
            return self._ask(request, outputs), None

    def _ask(self, request: dict, fds=()) -> object:
        """One request to the zygote, and its answer, within a limit; a zygote that does not answer is replaced."""
        try:
            if not self._ready:
                self._requests.settimeout(CONNECT_TIMEOUT)
                if self._requests.recv(64) != b'"ready"':
                    raise OSError("it did not say it was ready")
                self._ready = True
            self._requests.settimeout(ZYGOTE_ANSWER)
            socket.send_fds(self._requests, [json.dumps(request).encode()], list(fds))
            return json.loads(self._requests.recv(1 << 16))
        except (OSError, ValueError) as error:
            self.close()
            raise PageProcessError(f"the process that starts the pages failed ({error}); it is started again") from None

    def exit_code(self, pid: int, process: subprocess.Popen | None, within: float) -> int | None:
        """A page process's exit code, if it ends within the seconds given; None where it cannot be told."""
        if process is not None:
            try:
                return process.wait(timeout=within)
            except subprocess.TimeoutExpired:
                return None
        if self._zygote is None:  # gone, and its pages with it (they die with their parent)
            return None
        try:
            return self._ask({"wait": pid, "within": within})
        except PageProcessError:
            return None

    def close(self) -> None:
        if self._zygote is not None:
            kill_group(self._zygote.pid)
            self._zygote.wait()
            self._requests.close()
            self._zygote = self._requests = None


class Pipes:
    """The read ends of a page process's stdout and stderr: read as it writes, so that it never blocks on a full
    pipe, and read to the end of what it wrote before each report."""

    def __init__(self, fds: tuple[int, int]) -> None:
        self.fds = list(fds)
        self.open = set(fds)
        self.data = {fd: bytearray() for fd in fds}
        self.dropped = {fd: 0 for fd in fds}
        if os.name == "posix":
            for fd in fds:
                os.set_blocking(fd, False)

    def drain(self) -> None:
        for fd in list(self.open):
            while chunk := self._read(fd):
                keep = max(OUTPUT_LIMIT - len(self.data[fd]), 0)
                self.data[fd] += chunk[:keep]
                self.dropped[fd] += len(chunk) - len(chunk[:keep])

    def _read(self, fd: int) -> bytes:
        if os.name == "posix":
            try:
                chunk = os.read(fd, 1 << 16)
            except BlockingIOError:
                return b""
        else:
            import _winapi
            import msvcrt

            try:
                available = _winapi.PeekNamedPipe(msvcrt.get_osfhandle(fd), 0)[0]
                chunk = os.read(fd, available) if available else None
            except OSError:
                chunk = b""
            if chunk is None:
                return b""
        if not chunk:
            self.open.discard(fd)
        return chunk

    def wait(self, connection: socket.socket, seconds: float) -> bool:
        """Read the pipes until the connection has something to read (True) or `seconds` pass."""
        waiting = [connection, *(self.open if os.name == "posix" else ())]
        step = seconds if os.name == "posix" else min(seconds, 0.05)  # Windows selects sockets only
        readable = select.select(waiting, [], [], max(step, 0))[0]
        self.drain()
        return connection in readable

    def take(self) -> tuple[str, str]:
        """What each stream printed since the last take, as text."""
        texts = []
        for fd in self.fds:
            text = self.data[fd].decode("utf-8", "replace")
            if self.dropped[fd]:
                text += f"\n[{self.dropped[fd]} more bytes were printed, and are not kept]\n"
            self.data[fd].clear()
            self.dropped[fd] = 0
            texts.append(text)
        return texts[0], texts[1]

    def close(self) -> None:
        for fd in self.fds:
            os.close(fd)


class PageProcess:
    """The harness's side of one page's process: send it blocks, get back what each did, within a time limit."""

    def __init__(self, launcher: Launcher, settings: Settings):
        self.launcher, self.settings, self.timeout = launcher, settings, settings.timeout
        self.folder = Path(tempfile.mkdtemp(prefix="docs-page-", dir=settings.scratch_in))
        self.scratch, self.temp = self.folder / "page", self.folder / "tmp"
        self.scratch.mkdir()
        self.temp.mkdir()
        self._pid: int | None = None
        self._popen: subprocess.Popen | None = None
        self._connection: socket.socket | None = None
        self._pipes: Pipes | None = None
        self.ended: str | None = None  # why the process is gone, for the blocks after the one that ended it

    def _begin(self, root: Path) -> None:
        token = secrets.token_hex(16)
        readers, writers = zip(os.pipe(), os.pipe())
        self._pipes = Pipes(readers)
        with socket.create_server(("127.0.0.1", 0)) as server:
            address = server.getsockname()[:2]
            start = run.Start(address, token, str(self.scratch), str(self.temp), str(root), self.settings.perturb)
            try:
                the_plan = plan(root, [self.folder]) if self.settings.sandbox else None
                self._pid, self._popen = self.launcher.start(start, writers, the_plan)
            finally:
                for fd in writers:
                    os.close(fd)
            deadline = time.monotonic() + CONNECT_TIMEOUT
            while not self._pipes.wait(server, deadline - time.monotonic()):
                if time.monotonic() > deadline or not self._pipes.open:  # too slow, or it ended
                    self._fail_start(f"did not start within {CONNECT_TIMEOUT} s" if self._pipes.open else "ended")
            connection = server.accept()[0]
        try:
            if wire.receive(connection, time.monotonic() + CONNECT_TIMEOUT) != {"token": token}:
                raise wire.WireError("something other than the page's process connected to the harness")
        except wire.WireError as error:
            connection.close()
            self._fail_start(f"did not say who it is ({error})")
        self._connection = connection

    def _fail_start(self, why: str) -> None:
        self.stop()
        stdout, stderr = self._pipes.take() if self._pipes else ("", "")
        self.ended = f"the page's process {why} before its first block"
        raise PageProcessError(f"the page's process {why} before it could run a block:\n{stdout}{stderr}".rstrip())

    def run(self, code: bytes, root: Path) -> results.Run:
        """Run a block's compiled code in the page's process (started at its first block); `root`: the project it
        may not change."""
        if self.ended:
            raise PageProcessError(self.ended)
        if self._connection is None:
            self._begin(root)
        deadline = time.monotonic() + self.timeout
        try:
            wire.send(self._connection, {"code": base64.b64encode(code).decode()}, timeout=self.timeout)
            while not self._pipes.wait(self._connection, deadline - time.monotonic()):
                if time.monotonic() >= deadline:
                    raise wire.TooLate()
            report = wire.receive(self._connection, deadline)
            self._pipes.drain()
            return results.from_report(report, *self._pipes.take())
        except wire.TooLate:
            printed = self._printed()
            self.stop()
            self.ended = "the page's process was stopped at an earlier block, which did not finish in time"
            raise PageProcessError(
                f"did not finish within {self.timeout:g} s; the page's process and everything it started were "
                f"killed{printed}"
            ) from None
        except (wire.WireError, results.MalformedReport) as error:
            printed = self._printed()
            code = self.launcher.exit_code(self._pid, self._popen, within=ENDING)
            kill_group(self._pid)  # what it started, if anything is left (and itself, if it only closed the socket)
            if code is None:
                code = self.launcher.exit_code(self._pid, self._popen, within=ZYGOTE_ANSWER / 2)
            self._forget()
            said = f" ({error})" if not isinstance(error, wire.Closed) else ""
            self.ended = f"the page's process ended (exit code {code}) at an earlier block"
            raise PageProcessError(
                f"the page's process ended (exit code {code}) while it ran this block{said}: code that ends the "
                f"interpreter (os._exit, a crash) stops a reader's script here{printed}"
            ) from None

    def _printed(self) -> str:
        self._pipes.drain()
        stdout, stderr = self._pipes.take()
        return f"; it printed:\n{stdout}{stderr}".rstrip() if stdout or stderr else ""

    def _forget(self) -> None:
        if self._connection is not None:
            self._connection.close()
        self._connection = self._pid = self._popen = None

    def stop(self) -> None:
        """End the page's process and what it started in its process group."""
        if self._pid is not None:
            kill_group(self._pid)
            self.launcher.exit_code(self._pid, self._popen, within=ZYGOTE_ANSWER / 2)  # reap it
        self._forget()

    def close(self) -> None:
        """Stop the page's process and remove its folder, also when stopping fails (Ctrl-C)."""
        try:
            self.stop()
        finally:
            if self._pipes is not None:
                self._pipes.close()
            shutil.rmtree(self.folder, ignore_errors=True)
