"""Running a page's blocks as a reader would, and recording what each did.

Python blocks run in the page's own process (see process.py), in one namespace per page, as a script
(`__main__`) in an empty scratch directory; console blocks run their `$ ` commands there in a shell.
"""

from __future__ import annotations

import contextlib
import gc
import io
import marshal
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import traceback
import types
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from . import audit
from .expand import Origin

# What stops a reader's script or session rather than showing an error: never a shown result.
ENDS_THE_SCRIPT = (SystemExit, KeyboardInterrupt, GeneratorExit)


@dataclass(frozen=True)
class Raised:
    """An exception a block raised, as the harness shows it: `Name: message`, and where it came from."""

    name: str
    message: str  # traceback.format_exception_only: "Name: message\n"
    traceback: str  # the frames from the block's code on
    ends_the_script: bool


@dataclass
class Run:
    """What a block did: printed (stdout), wrote to stderr (warnings included), displayed, raised, left behind."""

    stdout: str = ""
    stderr: str = ""
    displayed: str = ""  # `file:line: value` of a final bare expression whose value is not None
    error: Raised | None = None
    threads: list[str] = field(default_factory=list)  # threads the block started that still run

    @property
    def output(self) -> str:
        """What the Output block shows: stdout, then the error as Python reports it."""
        return self.stdout + (self.error.message if self.error else "")


@dataclass(frozen=True)
class Request:
    """A Python block to run: its compiled code (marshal)."""

    code: bytes


def show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    # Shown the way the page shows errors, `Name: message`: the file and line Python adds differ by machine.
    sys.stderr.write(f"{category.__name__}: {message}\n")


class PageSession:
    """The page process's side: one namespace, run block after block."""

    def __init__(self, scratch: Path, root: Path, *, perturb: bool) -> None:
        self.root = root
        # The page's namespace is the __main__ module, as a script's is: pickle, torch.save of a model and spawned
        # DataLoader workers find the classes the page defines there.
        main = types.ModuleType("__main__")
        sys.modules["__main__"] = main
        self.namespace = main.__dict__
        os.chdir(scratch)
        sys.addaudithook(audit.ProjectWrites(str(root), str(scratch)))
        # What the page's processes write to the file descriptors themselves (a subprocess, a DataLoader worker,
        # a C library) is what a reader's terminal shows too: it is captured, after what Python printed.
        self._captured = [self._capture(1), self._capture(2)]
        self._threads = set(threading.enumerate())
        # What the process holds before the page (torch, the harness) is left out of the collections after each
        # block (see run): they walk the page's own objects only, not the whole heap again (about 0.1 s each).
        gc.freeze()
        if "numpy" in sys.modules:  # a fresh interpreter seeds NumPy from the OS, not as the zygote did
            sys.modules["numpy"].random.seed()
        if perturb:
            self._perturb()

    @staticmethod
    def _capture(fd: int) -> io.BufferedRandom:
        file = tempfile.TemporaryFile()
        os.dup2(file.fileno(), fd)
        return file

    @staticmethod
    def _perturb() -> None:
        """Change what a page must not depend on: unseeded torch random numbers, and object addresses."""
        seed = int.from_bytes(os.urandom(4), "little")
        if torch := sys.modules.get("torch"):
            torch.manual_seed(seed)
        PageSession._ballast = [object() for _ in range(seed % 4096)]

    def _read_captured(self) -> tuple[str, str]:
        texts = []
        for file in self._captured:
            file.seek(0)
            texts.append(file.read().decode("utf-8", "replace"))
            file.seek(0)
            file.truncate()
        return texts[0], texts[1]

    def run(self, request: Request) -> Run:
        """Run a block's code as a reader running it as a notebook cell would see it: every warning shown
        (also those Python hides by default), and the value of a final bare expression displayed."""
        result, stdout, stderr = Run(), io.StringIO(), io.StringIO()

        def display(value) -> None:
            if value is not None:
                frame = sys._getframe(1)  # the block's code, which evaluated the expression
                where = Origin(Path(os.path.relpath(frame.f_code.co_filename, self.root)).as_posix(), frame.f_lineno)
                result.displayed = f"{where}: {value!r}"

        hook = sys.displayhook
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr), warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.showwarning = show_warning
            sys.displayhook = display
            try:
                for code in marshal.loads(request.code):
                    exec(code, self.namespace)
            except BaseException as error:  # SystemExit and KeyboardInterrupt are results too
                result.error = _raised(error)
            finally:
                sys.displayhook = hook
                gc.collect()  # what this block left to the collector warns now (ResourceWarning), not in a later block
        sys.stdout.flush()
        sys.stderr.flush()
        fd_out, fd_err = self._read_captured()
        result.stdout, result.stderr = stdout.getvalue() + fd_out, stderr.getvalue() + fd_err
        result.threads = [
            thread.name for thread in threading.enumerate() if not thread.daemon and thread not in self._threads
        ]
        return result


def _raised(error: BaseException) -> Raised:
    frames = traceback.format_exception(type(error), error, error.__traceback__.tb_next)
    message = "".join(traceback.format_exception_only(error))
    name = message.split("\n", 1)[0].split(":", 1)[0].strip()  # as Python reports it: `module.Name` if not builtin
    return Raised(name, message, "".join(frames), isinstance(error, ENDS_THE_SCRIPT))


@dataclass
class Commands:
    """What a console block's commands did, and the scripts that Python processes ran meanwhile."""

    run: Run
    failure: str | None
    ran: set[str]


def run_commands(commands: list[str], scratch: Path, root: Path, *, timeout: float) -> Commands:
    """Run a console block's commands in the page's directory, as a reader with the project's environment
    activated would: its scripts (torchrun, ...) on the PATH, every warning shown. A command that does not
    finish in time is killed with everything it started (a pipeline's other commands, torchrun's workers)."""
    hooks = Path(tempfile.mkdtemp(prefix="docs-console-"))
    # Every Python process the commands start loads audit.py (see there) through this sitecustomize.
    (hooks / "sitecustomize.py").write_text(audit.SITECUSTOMIZE, encoding="utf-8")
    log = hooks / "ran.log"
    log.touch()
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONWARNINGS": "always",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(hooks), os.environ.get("PYTHONPATH")])),
        "PRIMER_RAN_LOG": str(log),
        "PRIMER_PROJECT": str(root),
        "PRIMER_SCRATCH": str(scratch),
        "PRIMER_AUDIT": audit.__file__,
    }
    result = Run()
    failure = None
    try:
        for command in commands:
            process = subprocess.Popen(
                ["bash", "-c", command],
                cwd=scratch,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                start_new_session=True,
            )
            try:
                stdout, stderr = process.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                kill_group(process.pid)
                process.wait()
                # A process that left the group (setsid, a daemon) may still hold the pipes: do not wait for it.
                process.stdout.close()
                process.stderr.close()
                failure = f"`{command}` did not finish within {timeout:g} s; it and everything it started were killed"
                break
            finally:
                kill_group(process.pid)  # whatever it left running in the background
            result.stdout += stdout
            result.stderr += stderr
            if process.returncode != 0:
                failure = f"`{command}` exited with {process.returncode}:\n{stderr[-3000:]}"
                break
        ran = set(log.read_text(encoding="utf-8").split())
    finally:
        shutil.rmtree(hooks, ignore_errors=True)
    return Commands(result, failure, ran)


def kill_group(pid: int) -> None:
    """Kill a process and the processes it started that stayed in its process group (on Windows, its tree)."""
    if sys.platform == "win32":
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(pid)], capture_output=True)
        return
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
