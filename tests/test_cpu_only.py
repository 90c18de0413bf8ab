"""Where the macOS CI job says so (PRIMER_CPU_ONLY), every process finds no MPS device, so the pages choose the CPU,
and the machine record says why (primer/cpu_only/sitecustomize.py, primer/machine.py)."""

import os
import subprocess
import sys

from primer import machine
from primer.cpu_only import sitecustomize
from primer.paths import ROOT

REASON = "GitHub's macOS runner reports a paravirtual MPS it does not support"


def started(reason: str) -> str:
    """How a process started as the job starts each one (the hook's folder on PYTHONPATH) finds MPS's check."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "primer" / "cpu_only"), sitecustomize.CPU_ONLY: reason}
    asks = "import torch; print(torch.backends.mps.is_available.__qualname__)"
    run = subprocess.run([sys.executable, "-c", asks], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


def test_every_process_of_the_job_has_mps_hidden_and_no_other_run_does():
    assert started(REASON) == "hide.<locals>.<lambda>"
    assert started("") == "is_available"


def test_hidden_the_pages_choose_the_cpu(monkeypatch, capsys):
    import torch

    from snippets.devices import choose_device

    capsys.readouterr()
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    monkeypatch.setattr(torch.accelerator, "is_available", lambda: True)
    assert choose_device().type == "mps"
    sitecustomize.hide(torch)
    assert choose_device().type == "cpu" and not torch.accelerator.is_available()


def test_the_machine_record_says_why_no_gpu_is_used(monkeypatch):
    monkeypatch.setattr(machine, "cuda_name", lambda: None)
    monkeypatch.setenv(sitecustomize.CPU_ONLY, REASON)
    assert machine.system_facts()["accelerator"] == f"no GPU used: {REASON}"
    monkeypatch.delenv(sitecustomize.CPU_ONLY)
    assert "no GPU used" not in machine.system_facts()["accelerator"]
