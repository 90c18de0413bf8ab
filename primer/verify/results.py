"""What a block did, as the harness knows it: what reached the page process's stdout and stderr (read by the
harness from its own pipes), and what the page process reported of the block (an error, a displayed value,
threads and processes left running)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


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
    left: list[str] = field(default_factory=list)  # threads and processes the block started that still run

    @property
    def output(self) -> str:
        """What the Output block shows: stdout, then the error as Python reports it."""
        return self.stdout + (self.error.message if self.error else "")


def report(displayed: str, error: Raised | None, left: list[str]) -> dict:
    """The page process's report of a block: never its output, which the harness reads itself."""
    return {"displayed": displayed, "error": asdict(error) if error else None, "left": left}


def from_report(message: dict, stdout: str, stderr: str) -> Run:
    error = message["error"]
    return Run(stdout, stderr, message["displayed"], Raised(**error) if error else None, message["left"])
