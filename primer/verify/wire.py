"""The messages between the harness and a page's process: JSON, each after its length, over a socket.

JSON, not pickle: the harness never runs what a page's process sends. Every read has a deadline, so that a process
that sends half a message, or nothing, ends its page, never the run. (multiprocessing.connection frames messages
too, but its reads cannot be given a deadline, and its `recv` unpickles.)
"""

from __future__ import annotations

import json
import socket
import struct
import time

HEADER = struct.Struct("!Q")
MAX_MESSAGE = 64 << 20  # bytes: a traceback or a displayed value, never a page's output (that goes to pipes)


class WireError(OSError):
    """The other end sent something that is not a message."""


class Closed(WireError):
    """The other end closed the connection (a process that ended)."""


class TooLate(WireError):
    """No whole message came before the deadline."""


def send(sock: socket.socket, message: dict, timeout: float | None = None) -> None:
    data = json.dumps(message).encode()
    sock.settimeout(timeout)
    try:
        sock.sendall(HEADER.pack(len(data)) + data)
    except OSError as error:
        raise Closed(f"the message could not be sent: {error}") from None


def receive(sock: socket.socket, deadline: float | None) -> dict:
    """The next message; `deadline`: a time.monotonic() after which waiting ends with WireError."""
    (size,) = HEADER.unpack(_read(sock, HEADER.size, deadline))
    if size > MAX_MESSAGE:
        raise WireError(f"a message of {size} bytes, more than the {MAX_MESSAGE} any message may have")
    try:
        message = json.loads(_read(sock, size, deadline))
    except ValueError:
        raise WireError("a message that is not JSON") from None
    if not isinstance(message, dict):
        raise WireError("a message that is not a JSON object")
    return message


def _read(sock: socket.socket, size: int, deadline: float | None) -> bytes:
    chunks, left = [], size
    while left:
        sock.settimeout(None if deadline is None else max(deadline - time.monotonic(), 0.001))
        try:
            chunk = sock.recv(min(left, 1 << 20))
        except TimeoutError:
            raise TooLate("no whole message in time") from None
        except OSError as error:
            raise Closed(f"the connection failed: {error}") from None
        if not chunk:
            raise Closed("the connection was closed")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
