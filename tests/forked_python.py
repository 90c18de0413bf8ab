"""A `python` for the tests whose processes would each start an interpreter and import torch: every process it
starts is a fork of a template ("zygote") that has imported torch once.

Jupyter kernels (tests/test_notebooks.py), torchrun's launchers and ranks (tests/test_ddp_training.py), the workers
of a script under multiprocessing's spawn (tests/test_data_loaders.py): each of them is an interpreter that
imports torch, about 4 s of CPU here. On Linux the zygote imports torch (and what these processes import next:
torch._dynamo, on a first optimizer step or use of the meta device; NumPy; ipykernel) once, and each process
started with this `python` is a fork of it, that then runs its command line (`-m MODULE`, `-c CODE` or a script)
as a fresh interpreter would: in a new process and process group, with its own working directory, environment,
command line, `sys.path`, `__main__` module, open files and seeds. What its code imports that the zygote imported
already it finds imported: the same modules, unused, as primer/verify/process.py's page processes find them.

The `python` (python_command) is a small launcher with only the standard library (python -I -S, no torch): it
hands its command line, working directory, environment and every open file descriptor, by number, to the zygote,
which forks the process; the launcher stands in for it towards whatever started it, which watches and signals the
process it started: it passes signals on to the fork's process group and exits as the fork does. If the launcher
is killed, the zygote kills the fork's process group; if the zygote ends, its forks die with it
(PR_SET_PDEATHSIG), and the zygote dies with the test process that started it (its stdin ends).

    python forked_python.py zygote SOCKET             the zygote, serving fork requests on SOCKET
    python forked_python.py launch SOCKET ARGS...     a launcher: ARGS are what `python ARGS` would be given
"""

from __future__ import annotations

import atexit
import fcntl
import json
import os
import selectors
import signal
import socket
import sys

# Where one is missing or fails to import, code that imports it fails as it would in an interpreter of its own.
PRELOAD = ("torch", "torch._dynamo", "numpy", "ipykernel.kernelapp")
GONE = "forked python: the zygote of tests/forked_python.py has ended"  # a launcher's message where it has
FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2)


def _die_with_parent() -> None:
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def zygote(address: str) -> None:
    """Import PRELOAD, then fork a process for every launcher that connects; answer each launcher with its
    fork's pid and, when the fork has ended, its exit code."""
    for name in PRELOAD:
        try:
            __import__(name)
        except Exception:  # missing, or failing in this environment: whoever imports it meets that themselves
            pass
    # sys.path as a fresh interpreter has it, less its first entry (the script's folder, or the working
    # directory) and the zygote's own PYTHONPATH: each fork puts its own first.
    given = [entry for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep) if entry]
    base_path = [entry for entry in sys.path[1:] if entry not in given]
    _die_with_parent()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    server.bind(address + ".new")
    server.listen(64)
    os.rename(address + ".new", address)  # there once it takes connections: whoever waits for it may connect
    ended_r, ended_w = os.pipe()
    os.set_blocking(ended_r, False)
    os.set_blocking(ended_w, False)
    signal.set_wakeup_fd(ended_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # wakes the selector through the wakeup fd
    selector = selectors.DefaultSelector()
    selector.register(server, selectors.EVENT_READ, "launcher")
    selector.register(sys.stdin, selectors.EVENT_READ, "parent")  # EOF: the test process has gone
    selector.register(ended_r, selectors.EVENT_READ, "ended")
    launchers: dict[int, socket.socket] = {}  # pid of a fork -> its launcher's connection
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    while True:
        for key, _ in selector.select():
            if key.data == "parent":
                if not os.read(sys.stdin.fileno(), 1024):
                    for pid in launchers:
                        _kill_group(pid)
                    os._exit(0)  # at once: an interpreter that has imported torch takes a while to finalize
            elif key.data == "launcher":
                connection, _ = server.accept()
                try:
                    message, fds, _, _ = socket.recv_fds(connection, 1 << 20, 256)
                except OSError:  # the launcher went before it asked: nothing to fork
                    message, fds = b"", []
                if not message:  # a launcher gone, or one that only looked whether this serves
                    connection.close()
                    continue
                pid = os.fork()
                if pid == 0:
                    code = 1
                    try:
                        for fd in (server.fileno(), ended_r, ended_w, sys.stdin.fileno()):
                            os.close(fd)
                        for other in launchers.values():
                            other.close()
                        selector.close()
                        connection.close()
                        code = _run(json.loads(message), fds, base_path)
                    finally:
                        os._exit(code)
                for fd in fds:
                    os.close(fd)
                try:
                    connection.sendall(str(pid).encode())
                except OSError:  # its launcher is gone (killed while it asked): so is the fork; the zygote stays
                    _kill_group(pid)
                    connection.close()
                    continue
                launchers[pid] = connection
                selector.register(connection, selectors.EVENT_READ, pid)
            elif key.data == "ended":
                try:
                    while os.read(ended_r, 1024):
                        pass
                except BlockingIOError:
                    pass
                _reap(launchers, selector)
            else:  # a launcher's connection closed: the launcher is gone, so is its fork
                try:
                    key.fileobj.recv(16)
                except OSError:
                    pass
                _kill_group(key.data)
                selector.unregister(key.fileobj)
                key.fileobj.close()
                launchers.pop(key.data, None)


def _reap(launchers: dict[int, socket.socket], selector: selectors.BaseSelector) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        connection = launchers.pop(pid, None)
        if connection is not None:
            try:
                connection.sendall(str(os.waitstatus_to_exitcode(status)).encode())
            except OSError:
                pass
            selector.unregister(connection)
            connection.close()


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _run(request: dict, fds: list[int], base_path: list[str]) -> int:
    """In the forked child: become the process `python ARGS` would start, run ARGS, and end as it would."""
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    os.setsid()  # its own process group, which signals from its launcher reach whole
    _die_with_parent()
    # The launcher's open files, under their own numbers (the command line may name some: multiprocessing does)
    above = max(request["fds"], default=2) + 1  # first out of the way of the numbers they go to
    moved = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, above) for fd in fds]
    for fd in fds:
        os.close(fd)
    for number, fd in zip(request["fds"], moved):
        os.dup2(fd, number)  # inheritable, as they were in the launcher
        os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    _fresh_state()
    code = 0
    try:
        _python(request["args"], base_path)
    except SystemExit as stop:
        code = _exit_code(stop.code)
    except BaseException:
        sys.excepthook(*sys.exc_info())
        code = 1
    try:
        atexit._run_exitfuncs()  # as the interpreter does at its end (os._exit does not)
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
    except BaseException:
        pass
    return code


def _fresh_state() -> None:
    """What a fresh interpreter sets up otherwise than the zygote did."""
    # Seeded from the system's randomness at start; a fork has its zygote's generators (Python's random reseeds
    # itself after a fork). torch seeds only its CPU generator so (CUDA's starts from a fixed seed).
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()
    if "torch" in sys.modules:
        torch = sys.modules["torch"]
        torch.default_generator.seed()
        if os.environ.get("OMP_NUM_THREADS", "").isdigit():  # read by OpenMP when it loaded, in the zygote
            torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
    if "multiprocessing.process" in sys.modules:  # set when it was imported: in the zygote's folder, its key
        process = sys.modules["multiprocessing.process"]
        process.ORIGINAL_DIR = os.path.abspath(os.getcwd())
        process.current_process().authkey = os.urandom(32)
    if "ipykernel.kernelapp" in sys.modules:  # the one setting ipykernel reads from the environment at import
        app = sys.modules["ipykernel.kernelapp"].IPKernelApp
        app.class_traits()["parent_handle"].default_value = int(os.environ.get("JPY_PARENT_PID") or 0)


def _exit_code(code) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _python(args: list[str], base_path: list[str]) -> None:
    """Run `python ARGS`: options -u, -B, -E, -s, then -c CODE, -m MODULE, or a script."""
    import importlib.machinery
    import io
    import runpy

    ignore_environment = False
    while args and args[0].startswith("-") and args[0] not in ("-c", "-m"):
        option, args = args[0], args[1:]
        if option == "-u":
            for stream in (sys.stdout, sys.stderr):
                stream.reconfigure(write_through=True)
        elif option == "-B":
            sys.dont_write_bytecode = True
        elif option in ("-E", "-s"):  # multiprocessing passes on the flags it runs with: the zygote's, here
            ignore_environment |= option == "-E"
        else:
            raise SystemExit(f"forked python: option {option} is not supported")
    given = [] if ignore_environment else os.environ.get("PYTHONPATH", "").split(os.pathsep)
    given = [entry for entry in given if entry]
    if args[0] == "-c":
        sys.argv = ["-c", *args[2:]]
        sys.path[:] = ["", *given, *base_path]
        _run_as_main(args[1], "<string>", {})
    elif args[0] == "-m":
        sys.argv = [args[1], *args[2:]]  # runpy puts the module's file first
        sys.path[:] = [os.getcwd(), *given, *base_path]
        runpy._run_module_as_main(args[1], alter_argv=True)
    else:
        sys.argv = list(args)
        sys.path[:] = [os.path.dirname(os.path.realpath(args[0])), *given, *base_path]
        path = os.path.abspath(args[0])  # as __file__ and in tracebacks (sys.argv keeps it as given)
        with io.open_code(path) as file:
            source = file.read()
        loader = importlib.machinery.SourceFileLoader("__main__", path)
        _run_as_main(source, path, {"__file__": path, "__cached__": None, "__loader__": loader})


def _run_as_main(source: str | bytes, filename: str, names: dict) -> None:
    """Run source as the module __main__, as the interpreter runs `-c CODE` or a script."""
    import builtins
    import types

    main = types.ModuleType("__main__")
    main.__dict__.update(__builtins__=builtins, **names)
    sys.modules["__main__"] = main
    exec(compile(source, filename, "exec"), main.__dict__)


def launch(address: str, args: list[str]) -> None:
    """The launcher: have the zygote fork the process, pass signals on, exit as the fork does."""
    zygote_connection = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        zygote_connection.connect(address)
    except OSError as error:
        sys.exit(f"{GONE} ({address}: {error})")
    mine = zygote_connection.fileno()
    numbers = sorted(int(fd) for fd in os.listdir("/proc/self/fd") if int(fd) != mine)
    numbers = [fd for fd in numbers if _is_open(fd)]  # listing /proc/self/fd opened one more for a moment
    request = {"args": args, "cwd": os.getcwd(), "env": dict(os.environ), "fds": numbers}
    socket.send_fds(zygote_connection, [json.dumps(request).encode()], numbers)
    zygote_connection.settimeout(60)  # a fork takes milliseconds: a zygote that does not answer has hung
    try:
        child = int(zygote_connection.recv(64))
    except (OSError, ValueError) as error:
        sys.exit(f"{GONE}: it did not start the process ({error or 'no answer'})")
    zygote_connection.settimeout(None)  # from here on the fork runs as long as it runs; whoever started it bounds it
    for fd in numbers:
        if fd > 2:
            os.close(fd)  # the fork has them: a pipe's end held here no longer keeps it open

    def forward(signum, _frame):
        try:
            os.killpg(child, signum)
        except ProcessLookupError:
            pass

    for signum in FORWARDED:
        signal.signal(signum, forward)
    ended = zygote_connection.recv(64)
    code = int(ended) if ended else -signal.SIGKILL  # no answer: the zygote has gone, and the fork with it
    if code < 0:  # killed by a signal: end the same way
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    sys.exit(code)


def serving(address: str) -> bool:
    """Whether a zygote serves at address: it takes a connection (and drops one that asks nothing)."""
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        probe.connect(address)
    except OSError:
        return False
    finally:
        probe.close()
    return True


def _is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def write_command(folder, address: str) -> str:
    """An executable file in folder that is this `python`, for the zygote at address."""
    from pathlib import Path

    command = Path(folder) / "python"
    command.write_text(f'#!/bin/sh\nexec {sys.executable} -I -S {Path(__file__).resolve()} launch {address} "$@"\n')
    command.chmod(0o755)
    return str(command)


if __name__ == "__main__":
    if sys.argv[1] == "zygote":
        zygote(sys.argv[2])
    else:
        launch(sys.argv[2], sys.argv[3:])
