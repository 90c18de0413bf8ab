"""The forked `python` of tests/forked_python.py (the python_forks fixture) runs a command line as `python` does:
the tests that start their processes with it (notebook kernels, torchrun's ranks, spawn's workers) check what
those processes do, so it must not change it. Each check runs the same command with sys.executable and with the
forked `python`, and compares; none imports torch in the plain interpreter (that is what the fork saves)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from primer.paths import ROOT
from tests import dependencies
from tests.processes import gone, read_within


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
    for python in (sys.executable, python_forks()):
        read, write = os.pipe()
        code = f"import os, time; os.write({write}, str(os.getpid()).encode()); os.close({write}); time.sleep(60)"
        process = subprocess.Popen([python, "-c", code], pass_fds=[write])
        os.close(write)  # the process has it: a process that dies leaves the pipe at its end
        pid = int(read_within(read, 64))
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == -signal.SIGTERM
        assert gone(pid)
        os.close(read)


def test_a_killed_launcher_takes_its_process_with_it(python_forks, tmp_path):
    read, write = os.pipe()
    code = f"import os, signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); os.write({write}, b'x')"
    code += f"; os.write({write}, str(os.getpid()).encode()); time.sleep(60)"
    process = subprocess.Popen([python_forks(), "-c", code], pass_fds=[write])
    os.close(write)
    assert read_within(read, 1) == b"x"
    pid = int(read_within(read, 64))
    assert pid != process.pid, "the forked process is the zygote's child, not the launcher"
    process.kill()
    process.wait(timeout=30)
    assert gone(pid)
    os.close(read)


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


DYING_ZYGOTE = """
from tests import conftest

started = []


def test_its_zygote_dies(python_forks):
    python_forks()
    (zygote,) = started
    zygote.kill()
    zygote.wait(timeout=30)


def test_a_later_test_that_starts_a_process(python_forks):
    python_forks()


def test_any_later_test():
    pass
"""
RECORDING = """
from tests import conftest
from tests.conftest import python_forks  # noqa: F401
import test_dying

original = conftest.start_zygote
conftest.start_zygote = lambda address: test_dying.started.append(original(address)) or test_dying.started[-1]
"""


def test_a_dead_zygote_stops_the_run_at_once_saying_so(pytester, monkeypatch):
    """Not a dozen failures, then a test waiting for ever on what the zygote never starts."""
    pytester.makepyfile(test_dying=DYING_ZYGOTE, conftest=RECORDING)
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.delenv("PRIMER_SHARED_ZYGOTE", raising=False)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "0", timeout=300)
    assert result.ret != 0
    out = result.stdout.str()
    assert "has ended" in out and "the run stops here" in out, out
    result.assert_outcomes(passed=1, failed=1)  # and no later test
