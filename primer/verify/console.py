"""A console block's `$ ` commands, run by the harness in the page's scratch folder as a reader's shell runs them:
bash with `pipefail` (a crash before `| grep` is a failure), the environment's scripts (torchrun, ...) on the PATH,
every warning shown, with the page's own folders and resource limits, each within the block's time limit."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

from . import audit, page_process
from .process import kill_left, kill_tree
from .results import Run

SHOWN_ON_FAILURE = 3000  # characters of each stream a failure message shows
# Console commands run one at a time on a machine, whatever runs them: a command may take a fixed port, as torchrun
# --standalone does in PyTorch 2.0.1 (29400), and two pages' commands at once would meet on it.
ONE_AT_A_TIME = Path(tempfile.gettempdir()) / "primer-console-commands.lock"


@dataclass
class Commands:
    """What a console block's commands did, and the scripts that Python processes ran meanwhile."""

    run: Run
    failure: str | None
    ran: set[str]


def run_commands(commands: list[str], scratch: Path, environ: dict[str, str], *, timeout: float) -> Commands:
    """Run the commands in `scratch` with the page's variables (`environ`). A command that does not finish in
    time is killed with everything it started (a pipeline's other commands, torchrun's workers)."""
    hooks = Path(environ["TMPDIR"]) / "console-hooks"
    hooks.mkdir(exist_ok=True)
    # Every Python process the commands start loads audit.py (see there) through this sitecustomize.
    (hooks / "sitecustomize.py").write_text(audit.SITECUSTOMIZE, encoding="utf-8")
    log = hooks / "ran.log"
    log.write_text("", encoding="utf-8")
    env = {
        **os.environ,
        **environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONWARNINGS": "always",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(hooks), os.environ.get("PYTHONPATH")])),
        "PRIMER_RAN_LOG": str(log),
        "PRIMER_AUDIT": audit.__file__,
    }
    with FileLock(ONE_AT_A_TIME):
        result, failure = _run(commands, scratch, env, timeout)
    return Commands(result, failure, set(log.read_text(encoding="utf-8").split()))


def _run(commands: list[str], scratch: Path, env: dict[str, str], timeout: float) -> tuple[Run, str | None]:
    result, failure = Run(), None
    for command in commands:
        process = subprocess.Popen(
            ["bash", "-o", "pipefail", "-c", command],
            cwd=scratch,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
            start_new_session=True,
            preexec_fn=page_process.limit_resources if os.name == "posix" else None,
        )
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_tree(process.pid)
            process.wait()
            # A process that left the group (setsid, a daemon) may still hold the pipes: do not wait for it.
            process.stdout.close()
            process.stderr.close()
            failure = f"`{command}` did not finish within {timeout:g} s; it and everything it started were killed"
            break
        finally:
            kill_tree(process.pid)  # whatever it left running in the background
            kill_left(env["HOME"])  # and what left the process tree (`setsid cmd &`): it has the page's HOME
        result.stdout += stdout
        result.stderr += stderr
        if process.returncode != 0:
            streams = (("stdout", stdout), ("stderr", stderr))
            shown = "".join(f"\n{name}:\n{text[-SHOWN_ON_FAILURE:]}" for name, text in streams if text)
            failure = f"`{command}` exited with {process.returncode}{shown}"
            break
    return result, failure
