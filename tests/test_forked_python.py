"""The forked `python` of tests/forked_python.py (the python_forks fixture) runs a command line as `python` does:
the tests that start their processes with it (notebook kernels, torchrun's ranks, spawn's workers) check what
those processes do, so it must not change it. Each check runs the same command with sys.executable and with the
forked `python`, and compares; none imports torch in the plain interpreter (that is what the fork saves)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from primer.paths import ROOT
from tests import dependencies


@pytest.fixture(autouse=True)
def linux():
    dependencies.only_on("linux", "elsewhere python_forks is sys.executable: there is no fork to compare")


SHOW = (
    "import os, sys; print(sys.argv, sys.path, os.getcwd(), __name__, globals().get('__file__'), "
    "os.environ.get('PRIMER_VARIABLE'), sys.flags.dont_write_bytecode, sys.modules['__main__'].__name__)"
)


def both(python_forks, args: list[str], cwd: Path, **kwargs) -> list[subprocess.CompletedProcess]:
    env = {**os.environ, "PRIMER_VARIABLE": "given", "PYTHONPATH": str(cwd / "given")}
    return [
        subprocess.run([python, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60, **kwargs)
        for python in (sys.executable, python_forks())
    ]


def test_code_a_script_and_a_module_run_as_in_python(python_forks, tmp_path):
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "script.py").write_text(SHOW + "\nraise SystemExit(3)\n")
    (tmp_path / "module.py").write_text(SHOW + "\nraise ValueError('from the module')\n")
    for args in (["-c", SHOW + "; sys.exit('a message')", "one"], ["scripts/script.py", "two"], ["-m", "module"]):
        plain, forked = both(python_forks, args, tmp_path)
        assert plain.returncode != 0 and plain.returncode == forked.returncode, (args, plain, forked)
        assert plain.stdout == forked.stdout, args
        assert plain.stderr.splitlines()[-1:] == forked.stderr.splitlines()[-1:], args


def test_open_files_keep_their_numbers_and_signals_reach_the_process(python_forks, tmp_path):
    read, write = os.pipe()
    code = f"import os, time; os.write({write}, str(os.getpid()).encode()); os.close({write}); time.sleep(60)"
    for python in (sys.executable, python_forks()):
        process = subprocess.Popen([python, "-c", code], pass_fds=[write])
        pid = int(os.read(read, 64))
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == -signal.SIGTERM
        assert gone(pid)
    os.close(read), os.close(write)


def test_a_killed_launcher_takes_its_process_with_it(python_forks, tmp_path):
    read, write = os.pipe()
    code = f"import os, signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); os.write({write}, b'x')"
    code += f"; os.write({write}, str(os.getpid()).encode()); time.sleep(60)"
    process = subprocess.Popen([python_forks(), "-c", code], pass_fds=[write])
    assert os.read(read, 1) == b"x"
    pid = int(os.read(read, 64))
    assert pid != process.pid, "the forked process is the zygote's child, not the launcher"
    process.kill()
    process.wait(timeout=30)
    assert gone(pid)
    os.close(read), os.close(write)


def test_every_process_seeds_anew(python_forks):
    code = "import random, numpy, torch; print(torch.initial_seed(), random.random(), numpy.random.random())"
    python = python_forks()
    runs = [subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=60) for _ in range(2)]
    first, second = (run.stdout.split() for run in runs)
    assert len(first) == 3 and all(a != b for a, b in zip(first, second)), runs


def test_the_files_that_use_it_are_the_ones_the_controller_starts_a_zygote_for():
    from tests import conftest

    users = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "tests").glob("test_*.py")
        if "python_forks" in path.read_text(encoding="utf-8")
    }
    assert users == set(conftest.FORKING)


def gone(pid: int, within: float = 10) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().split()[2]
        except FileNotFoundError:
            return True
        if state == "Z":  # ended, not yet reaped by whoever adopted it
            return True
        time.sleep(0.05)
    return False
