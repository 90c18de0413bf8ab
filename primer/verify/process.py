"""The harness's side of each page's process (page_process.py is the process itself): start it, send it blocks,
read what it prints from pipes the harness owns, and end it with everything it started, every wait within a limit.

The page process gets three descriptors, the same way on every OS: its stdout and stderr (pipes whose read ends
the harness holds) and its end of a socket pair, over which blocks go out and reports (an error, a displayed value,
what it left running: JSON, never its output) come back.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from primer.pages.blocks import Tab

from . import page_process, results, target

if TYPE_CHECKING:
    from .settings import Settings

CONNECT_TIMEOUT = 120  # seconds a new zygote may take to say it is ready (it imports torch)
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
    "from primer.verify.page_process import main; main(sys.argv[1:])",
)


def kill_tree(pid: int) -> None:
    """Kill a process, every process it started (those in sessions of their own too, which on Linux it keeps as
    their subreaper), and what stayed in its process group."""
    try:
        import psutil

        processes = [*psutil.Process(pid).children(recursive=True), psutil.Process(pid)]
    except Exception:  # no psutil, or the process has gone
        processes = []
    for process in processes:
        try:
            process.kill()
        except Exception:
            pass
    if sys.platform == "win32":
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(pid)], capture_output=True)
        return
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def kill_left(home: str) -> None:
    """Kill the processes a page's console command left outside its process tree (a daemon, `setsid cmd &`, whose
    parent has ended): they still have the page's own HOME, which no other process has."""
    import psutil

    for process in psutil.process_iter():
        try:
            if process.environ().get("HOME") == home:
                process.kill()
        except psutil.Error:  # another user's, or ended meanwhile
            pass


def page_environment(folder: Path) -> dict[str, str]:
    """The variables that give a page's processes folders of their own: its HOME, temp and cache folders, so that
    nothing one page leaves there (a download cache, a config file) reaches another."""
    home, temp = str(folder / "home"), str(folder / "tmp")
    variables = {"HOME": home, "USERPROFILE": home, "TMPDIR": temp, "TEMP": temp, "TMP": temp}
    for name, below in (("XDG_CACHE_HOME", ".cache"), ("XDG_CONFIG_HOME", ".config"), ("XDG_DATA_HOME", ".local")):
        variables[name] = str(folder / "home" / below)
    return variables


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
        if page_process.FORKS and (self._zygote is None or self._zygote.poll() is not None):
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
        if not page_process.FORKS:
            return target.machine_facts()
        self.prestart(Path.cwd())
        return self._ask({"facts": True})

    def start(self, start: page_process.Start, fds: tuple[int, int], connection: socket.socket):
        """Start a page process whose stdout and stderr are `fds`, connected to the harness by `connection`; its
        pid, and its Popen where it is not a zygote's child."""
        project = Path(start.root)
        if not page_process.FORKS:
            windows = sys.platform == "win32"  # which passes no descriptors but the standard streams
            process = subprocess.Popen(
                [*_COMMAND, "page", json.dumps(vars(start)), "-" if windows else str(connection.fileno())],
                cwd=project,
                env=self._environment(),
                stdin=subprocess.PIPE if windows else subprocess.DEVNULL,
                stdout=fds[0],
                stderr=fds[1],
                pass_fds=() if windows else [connection.fileno()],
                start_new_session=not windows,
                creationflags=subprocess.CREATE_NEW_PROCESS_GROUP if windows else 0,
            )
            if windows:
                process.stdin.write(connection.share(process.pid))
                process.stdin.close()
            return process.pid, process
        request = {"start": vars(start)}
        try:
            self.prestart(project)
            return self._ask(request, [*fds, connection.fileno()]), None
        except PageProcessError:  # a zygote that stopped: once more, with a new one
            self.prestart(project)
            return self._ask(request, [*fds, connection.fileno()]), None

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
            kill_tree(self._zygote.pid)
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

    def wait(self, connection: Connection, seconds: float) -> bool:
        """Read the pipes until the connection has something to read (True) or `seconds` pass."""
        waiting = [connection.fileno(), *(self.open if os.name == "posix" else ())]
        step = seconds if os.name == "posix" else min(seconds, 0.05)  # Windows selects sockets only
        readable = select.select(waiting, [], [], max(step, 0))[0]
        self.drain()
        return connection.fileno() in readable

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
        self.scratch = self.folder / "page"
        self.environ = page_environment(self.folder)
        for folder in (self.scratch, *map(Path, self.environ.values())):
            folder.mkdir(parents=True, exist_ok=True)
        self._pid: int | None = None
        self._popen: subprocess.Popen | None = None
        self._connection: Connection | None = None
        self._pipes: Pipes | None = None
        self._tab: Tab | None = None  # the alternative tab the last block ran in
        self._first = 0  # the first tab of its group that ran
        self.ended: str | None = None  # why the process is gone, for the blocks after the one that ended it

    def _begin(self, root: Path) -> None:
        readers, writers = zip(os.pipe(), os.pipe())
        self._pipes = Pipes(readers)
        ours, theirs = socket.socketpair()
        start = page_process.Start(str(self.scratch), str(root), self.environ, self.settings.perturb)
        try:
            self._pid, self._popen = self.launcher.start(start, writers, theirs)
        finally:
            for fd in writers:
                os.close(fd)
            theirs.close()
        self._connection = Connection(ours.detach())

    def _steps(self, alternative: Tab | None) -> list[list[str]]:
        """Each tab of alternative code starts from the state before the group; the page goes on from the first tab
        that ran here (the one it opens on, unless it needs another machine)."""
        steps, now = [], self._tab
        if now and (alternative is None or alternative.group != now.group):
            steps += [["restore", "chosen"]] if now.index != self._first else []
            now = None
        if alternative and now is None:
            steps, self._first = [*steps, ["save", "before"]], alternative.index
        elif alternative and alternative.index != now.index:
            steps += ([["save", "chosen"]] if now.index == self._first else []) + [["restore", "before"]]
        self._tab = alternative
        return steps

    def run(self, code: bytes, root: Path, alternative: Tab | None = None) -> results.Run:
        """Run a block's compiled code in the page's process (started at its first block)."""
        if self.ended:
            raise PageProcessError(self.ended)
        deadline = time.monotonic() + self.timeout
        try:
            if self._connection is None:
                self._begin(root)
            self._connection.send_bytes(json.dumps({"code": code.hex(), "steps": self._steps(alternative)}).encode())
            while not self._pipes.wait(self._connection, deadline - time.monotonic()):
                if time.monotonic() >= deadline:
                    printed = self._printed()
                    self.stop()
                    self.ended = "the page's process was stopped at an earlier block, which did not finish in time"
                    raise PageProcessError(
                        f"did not finish within {self.timeout:g} s; the page's process and everything it started "
                        f"were killed{printed}"
                    )
            report = json.loads(self._connection.recv_bytes())
            self._pipes.drain()
            return results.from_report(report, *self._pipes.take())
        except (EOFError, OSError):
            printed = self._printed()
            code = self.launcher.exit_code(self._pid, self._popen, within=ENDING)
            self.stop()
            self.ended = f"the page's process ended (exit code {code}) at an earlier block"
            raise PageProcessError(
                f"the page's process ended (exit code {code}) while it ran this block: code that ends the "
                f"interpreter (os._exit, a crash) stops a reader's script here{printed}"
            ) from None

    def _printed(self) -> str:
        self._pipes.drain()
        stdout, stderr = self._pipes.take()
        return f"; it printed:\n{stdout}{stderr}".rstrip() if stdout or stderr else ""

    def stop(self) -> None:
        """End the page's process and everything it started."""
        if self._pid is not None:
            kill_tree(self._pid)
            self.launcher.exit_code(self._pid, self._popen, within=ZYGOTE_ANSWER / 2)  # reap it
        if self._connection is not None:
            self._connection.close()
        self._connection = self._pid = self._popen = None

    def close(self) -> str:
        """Stop the page's process and remove its folder, also when stopping fails (Ctrl-C); what it printed after
        its last block's report (a thread or process that outlived its block: a reader would see it)."""
        late = ""
        try:
            self.stop()
            if self._pipes is not None:
                self._pipes.drain()
                late = "".join(self._pipes.take())
        finally:
            if self._pipes is not None:
                self._pipes.close()
            shutil.rmtree(self.folder, ignore_errors=True)
        return late
