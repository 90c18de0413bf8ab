"""The tests' own processes: each test looks only at the processes it started (by their PIDs, never by a name
that another run on the same machine may share), and waits for them within a limit."""

from __future__ import annotations

import os
import select
import time
from pathlib import Path


def read_within(fd: int, size: int, seconds: float = 30) -> bytes:
    """os.read, bounded: what a process it started wrote, or a failure saying nothing came (a process that died
    before writing leaves a pipe whose write end this process also holds open, and an unbounded read for ever)."""
    ready, _, _ = select.select([fd], [], [], seconds)
    assert ready, f"nothing to read within {seconds} s: the process that should write it did not"
    return os.read(fd, size)


def gone(pid: int, within: float = 10) -> bool:
    """Whether the process PID (one the test started) has ended within the time given: no longer in /proc, or
    a zombie that has ended and not yet been reaped by whoever adopted it (Linux)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
        except FileNotFoundError:
            return True
        if state == "Z":
            return True
        time.sleep(0.05)
    return False
