"""Linux: a page's processes run where the project is read-only, the temp folders are the page's own, and every
process dies with the page. Standard library only (the console commands' wrapper runs it with `python -I -S`).

Namespaces, set up with the kernel's own calls (unshare, mount, through ctypes), not bubblewrap: nothing to install
on a contributor's machine or in CI, and the zygote can enter them after its fork, without an exec, keeping the
torch it has imported. A mount namespace binds the project read-only and mounts a fresh tmpfs on each temp
folder; a PID namespace makes the page's process its init, so that the kernel kills everything the page started,
sessions of their own included, when it ends; capabilities are dropped, so page code cannot undo the mounts. As
root the namespaces need no user namespace; otherwise one maps the user to itself.

Where the kernel refuses (macOS and Windows have no namespaces; a container may forbid them) `probe()` says why,
and the harness falls back to its audit hook and a check after each page that no project file changed
(`Fingerprint`).

    python -I -S -c ... PLAN COMMAND ARG...   run COMMAND in the sandbox PLAN describes (a console command)
"""

from __future__ import annotations

import ctypes
import functools
import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass

CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID = 0x00020000, 0x10000000, 0x20000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
# statvfs flags a read-only remount must keep (a user namespace may not clear them), as mount flags
_KEPT_FLAGS = (
    {
        os.ST_NOSUID: MS_NOSUID,
        os.ST_NODEV: MS_NODEV,
        os.ST_NOEXEC: MS_NOEXEC,
        os.ST_NOATIME: 1024,
        os.ST_NODIRATIME: 2048,
        os.ST_RELATIME: 1 << 21,
    }
    if sys.platform == "linux"
    else {}
)
TEMP_FOLDERS = ("/tmp", "/var/tmp", "/dev/shm")  # each page gets empty ones
PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT = 1, 24, 38, 47


class SandboxError(OSError):
    """The kernel refused a step of the set-up."""


@dataclass(frozen=True)
class Plan:
    """What the page's processes see: the folders they may only read (the project, the interpreter), and those
    they may write (the page's scratch folder, the harness's log of the scripts they run)."""

    read_only: tuple[str, ...]
    writable: tuple[str, ...]

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Plan:
        data = json.loads(text)
        return cls(tuple(data["read_only"]), tuple(data["writable"]))


@functools.cache
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _call(name: str, *args) -> None:
    if getattr(_libc(), name)(*args) != 0:
        errno = ctypes.get_errno()
        raise SandboxError(errno, f"{name}{args!r}: {os.strerror(errno)}")


def _mount(source: str | None, target: str, kind: str | None, flags: int, data: str | None = None) -> None:
    encode = lambda text: text.encode() if text is not None else None  # noqa: E731
    _call("mount", encode(source), encode(target), encode(kind), ctypes.c_ulong(flags), encode(data))


def die_with_parent() -> None:
    """Have the kernel kill this process when the process that started it ends, however it ends."""
    _call("prctl", PR_SET_PDEATHSIG, 9, 0, 0, 0)


def enter(plan: Plan) -> None:
    """Put this (single-threaded) process into new mount and PID namespaces laid out by the plan. The process's
    next child is the PID namespace's init: `become_init` it, and this process only waits for it."""
    uid, gid = os.getuid(), os.getgid()
    _call("unshare", CLONE_NEWNS | CLONE_NEWPID | (CLONE_NEWUSER if uid else 0))
    if uid:
        for name, text in (("uid_map", f"{uid} {uid} 1"), ("setgroups", "deny"), ("gid_map", f"{gid} {gid} 1")):
            with open(f"/proc/self/{name}", "w") as file:
                file.write(text)
    _mount(None, "/", None, MS_REC | MS_PRIVATE)  # nothing done here reaches the rest of the machine
    kept = {path: os.open(path, os.O_PATH | os.O_DIRECTORY) for path in (*plan.read_only, *plan.writable)}
    for folder in TEMP_FOLDERS:
        if os.path.isdir(folder) and not os.path.islink(folder):
            _mount("tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777")
    # Bound again, from the descriptors opened before the temp folders were covered, shallowest first: a scratch
    # folder inside the read-only project is a writable mount of its own.
    for path in sorted(kept, key=lambda path: path.count(os.sep)):
        os.makedirs(path, exist_ok=True)
        _mount(f"/proc/self/fd/{kept[path]}", path, None, MS_BIND | MS_REC)
        if path in plan.read_only:
            flags = sum(bit for st, bit in _KEPT_FLAGS.items() if os.statvfs(path).f_flag & st)
            _mount(None, path, None, MS_BIND | MS_REMOUNT | MS_RDONLY | flags)
        os.close(kept[path])
    try:  # the working folder, found again through the new mounts (else it would bypass them)
        os.chdir(os.getcwd())
    except OSError:  # it lay in a temp folder, now empty
        os.chdir("/")


def become_init() -> None:
    """In the first child after `enter`: the PID namespace's own /proc, then no privilege left to undo any of it
    (as root, nor for what this process executes)."""
    die_with_parent()
    try:
        _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    except SandboxError:  # the host's /proc still works for the process itself; only other processes show
        pass
    with open("/proc/sys/kernel/cap_last_cap") as file:
        last = int(file.read())
    for capability in range(last + 1):
        _call("prctl", PR_CAPBSET_DROP, capability, 0, 0, 0)
    _call("prctl", PR_CAP_AMBIENT, 4, 0, 0, 0)  # PR_CAP_AMBIENT_CLEAR_ALL
    _call("prctl", PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    _call("capset", header, (ctypes.c_uint32 * 6)())  # no effective, permitted or inheritable capability


def wait_for(pid: int) -> int:
    """Wait for the namespace's init; its exit code, as a shell reports one (128 + signal)."""
    while True:
        try:
            return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) % 256
        except InterruptedError:  # pragma: no cover - PEP 475 retries; kept for clarity
            continue


def run(plan: Plan, command: list[str]) -> int:
    """Run a command in the sandbox; its exit code."""
    enter(plan)
    pid = os.fork()
    if pid == 0:
        try:
            become_init()
            os.execvp(command[0], command)
        except BaseException as error:  # whatever it is, the command did not start
            os.write(2, f"the sandbox could not start {command[0]}: {error}\n".encode())
        os._exit(127)
    return wait_for(pid)


def command(plan: Plan, argv: list[str]) -> list[str]:
    """The command line that runs `argv` in the sandbox."""
    package = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    code = f"import sys; sys.path.insert(0, {package!r}); from primer.verify.sandbox import main; main()"
    return [sys.executable, "-I", "-S", "-c", code, plan.to_json(), *argv]


@functools.cache
def probe() -> str | None:
    """None where pages can run in a sandbox here, else why not (said once by the harness)."""
    if sys.platform != "linux":
        return f"{sys.platform} has no Linux namespaces"
    folder = os.path.realpath(os.path.dirname(__file__))
    try:
        result = subprocess.run(command(Plan((folder,), ()), ["true"]), capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return str(error)
    return None if result.returncode == 0 else (result.stderr.strip() or f"exit code {result.returncode}")


def main() -> None:
    plan, argv = Plan.from_json(sys.argv[1]), sys.argv[2:]
    try:
        code = run(plan, argv)
    except SandboxError as error:
        sys.stderr.write(f"the kernel refused the sandbox: {error.strerror}\n")
        code = 125
    sys.exit(code)


# What the harness and the tools it runs write into the project themselves, and a fingerprint does not cover.
NOT_THE_PROJECT = frozenset({".git", "__pycache__", ".pytest_cache", ".ruff_cache", ".scratch", "site", "test-output"})


class Fingerprint:
    """Without a sandbox: the size and modification time of every file of the project (its environments
    included, where a page could plant code that later pages import), to tell after a page what it changed."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.files = self._walk(root, {})

    def _walk(self, folder: str, files: dict) -> dict:
        for entry in os.scandir(folder):
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in NOT_THE_PROJECT:
                    self._walk(entry.path, files)
            else:
                stat = entry.stat(follow_symlinks=False)
                files[os.path.relpath(entry.path, self.root)] = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
        return files

    def changed(self) -> list[str]:
        """The files changed, added or removed since the fingerprint was taken (or last asked), sorted."""
        now = self._walk(self.root, {})
        changed = sorted(path for path in now.keys() | self.files.keys() if now.get(path) != self.files.get(path))
        self.files = now
        return changed
