"""Jupyter kernels forked from a template that has imported torch, for tests/test_notebooks.py.

A kernel started the usual way is an interpreter that imports ipykernel and then, in the notebook's first cells,
torch: about 4-5 s of CPU here, 13 times a run. On Linux a template process ("zygote") imports torch, NumPy and
ipykernel once, and every kernel is a fork of it that then starts as `python -m ipykernel_launcher` would:
a new IPython kernel, with a fresh namespace, its own process, working directory and environment. What the
notebook's `import torch` finds already imported, it finds as the page's check does (primer/verify/process.py
forks page processes from such a template too).

Jupyter starts a kernel with the command of its kernel spec. That command here is a small launcher with only the
standard library (python -I -S, no torch): it hands its connection file, arguments, working directory,
environment and standard streams to the zygote, which forks the kernel; then it stands in for the kernel towards
Jupyter, which watches and signals the process it started: it passes signals on to the kernel's process group
and exits with the kernel's exit code. If the launcher is killed, the zygote kills its kernel; if the zygote ends,
its kernels die with it (PR_SET_PDEATHSIG), and the zygote dies with the test process that started it.

    python forked_kernel.py zygote SOCKET             the template, serving fork requests on SOCKET
    python forked_kernel.py launch SOCKET ARGS...     a kernel's launcher: ARGS are ipykernel_launcher's
"""

from __future__ import annotations

import atexit
import json
import os
import selectors
import signal
import socket
import sys

# What the notebooks import (torch imports torch._dynamo, about a second here, on a first optimizer step or use of
# the meta device, in 7 of the 13 notebooks), and the kernel itself. Where one is missing, a notebook that imports
# it fails as it would in a kernel of its own.
PRELOAD = ("torch", "torch._dynamo", "numpy", "ipykernel.kernelapp")
FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)  # the launcher's, to its kernel


def _die_with_parent() -> None:
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def zygote(address: str) -> None:
    """Import PRELOAD, then fork a kernel for every launcher that connects; answer each launcher with its
    kernel's pid and, when the kernel has ended, its exit code."""
    for name in PRELOAD:
        try:
            __import__(name)
        except ImportError:
            pass
    _die_with_parent()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    server.bind(address)
    server.listen()
    ended_r, ended_w = os.pipe()
    os.set_blocking(ended_r, False)
    os.set_blocking(ended_w, False)
    signal.set_wakeup_fd(ended_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # wakes the selector through the wakeup fd
    selector = selectors.DefaultSelector()
    selector.register(server, selectors.EVENT_READ, "launcher")
    selector.register(sys.stdin, selectors.EVENT_READ, "parent")  # EOF: the test process has gone
    selector.register(ended_r, selectors.EVENT_READ, "ended")
    launchers: dict[int, socket.socket] = {}  # kernel pid -> its launcher's connection
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
                message, fds, _, _ = socket.recv_fds(connection, 1 << 20, 3)
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
                        code = _kernel(json.loads(message), fds)
                        atexit._run_exitfuncs()  # as the interpreter would at its end (os._exit does not)
                        sys.stdout.flush()
                        sys.stderr.flush()
                    finally:
                        os._exit(code)
                for fd in fds:
                    os.close(fd)
                connection.sendall(str(pid).encode())
                launchers[pid] = connection
                selector.register(connection, selectors.EVENT_READ, pid)
            elif key.data == "ended":
                try:
                    while os.read(ended_r, 1024):
                        pass
                except BlockingIOError:
                    pass
                _reap(launchers, selector)
            else:  # a launcher's connection closed: the launcher is gone, so is its kernel
                key.fileobj.recv(16)
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


def _kernel(request: dict, fds: list[int]) -> int:
    """In the forked child: become the kernel `python -m ipykernel_launcher ARGS` would start."""
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    os.setsid()  # its own process group, as Jupyter starts a kernel: interrupts reach what the kernel started too
    _die_with_parent()
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    # A fresh interpreter seeds these from the system's randomness; a fork has its zygote's generators (Python's
    # random reseeds itself after a fork). torch seeds only its CPU generator so (CUDA's starts from a fixed seed).
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()
    if "torch" in sys.modules:
        sys.modules["torch"].default_generator.seed()
    import ipykernel_launcher
    from ipykernel import kernelapp

    # As ipykernel_launcher leaves them: no script folder on the path (the kernel puts the working directory
    # there itself), and its own file and arguments as the command line.
    del sys.path[0]
    sys.argv = [ipykernel_launcher.__file__, *request["args"]]
    try:
        # The one setting ipykernel reads from the environment at import, which was the zygote's: JPY_PARENT_PID.
        kernelapp.IPKernelApp.launch_instance(parent_handle=int(os.environ.get("JPY_PARENT_PID") or 0))
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 1
    return 0


def launch(address: str, args: list[str]) -> None:
    """The kernel's launcher: have the zygote fork the kernel, pass signals on, exit as the kernel does."""
    zygote_connection = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    zygote_connection.connect(address)
    request = {"args": args, "cwd": os.getcwd(), "env": dict(os.environ)}
    socket.send_fds(zygote_connection, [json.dumps(request).encode()], [0, 1, 2])
    kernel = int(zygote_connection.recv(64))

    def forward(signum, _frame):
        try:
            os.killpg(kernel, signum)
        except ProcessLookupError:
            pass

    for signum in FORWARDED:
        signal.signal(signum, forward)
    while True:
        try:
            ended = zygote_connection.recv(64)
            break
        except InterruptedError:
            continue
    code = int(ended) if ended else 1  # no answer: the zygote has gone, and the kernel with it
    if code < 0:  # killed by a signal: end the same way
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    sys.exit(code)


if __name__ == "__main__":
    if sys.argv[1] == "zygote":
        zygote(sys.argv[2])
    else:
        launch(sys.argv[2], sys.argv[3:])
