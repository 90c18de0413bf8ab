"""A console block's `$ ` commands, run by the harness in the page's scratch folder as a reader's shell runs them:
bash with `pipefail` (a crash before `| grep` is a failure), the environment's scripts (torchrun, ...) on the PATH,
every warning shown, in the page's sandbox where there is one, each within the block's time limit."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import audit, sandbox
from .process import kill_group, plan
from .results import Run

SHOWN_ON_FAILURE = 3000  # characters of each stream a failure message shows


@dataclass
class Commands:
    """What a console block's commands did, and the scripts that Python processes ran meanwhile."""

    run: Run
    failure: str | None
    ran: set[str]


def run_commands(commands: list[str], folder: Path, root: Path, *, timeout: float, sandboxed: bool) -> Commands:
    """Run the commands in `folder`/page (its temp folder: `folder`/tmp). A command that does not finish in time
    is killed with everything it started (a pipeline's other commands, torchrun's workers)."""
    scratch = folder / "page"
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
        "TMPDIR": str(folder / "tmp"),
        "PRIMER_RAN_LOG": str(log),
        "PRIMER_PROJECT": str(root),
        "PRIMER_SCRATCH": str(scratch),
        "PRIMER_AUDIT": audit.__file__,
    }
    # Read-only in the sandbox: this package too, whose audit.py the commands' Python processes load.
    the_plan = plan(root, [folder, hooks]) if sandboxed else None
    result, failure = Run(), None
    try:
        for command in commands:
            argv = ["bash", "-o", "pipefail", "-c", command]
            process = subprocess.Popen(
                sandbox.command(the_plan, argv) if the_plan else argv,
                cwd=scratch,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                errors="replace",
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
                shown = "".join(
                    f"\n{name}:\n{text[-SHOWN_ON_FAILURE:]}"
                    for name, text in (("stdout", stdout), ("stderr", stderr))
                    if text
                )
                failure = f"`{command}` exited with {process.returncode}{shown}"
                break
        ran = set(log.read_text(encoding="utf-8").split())
    finally:
        shutil.rmtree(hooks, ignore_errors=True)
    return Commands(result, failure, ran)
