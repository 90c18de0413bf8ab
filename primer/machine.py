"""What a measurement ran on, recorded next to its numbers: one schema for every record."""

import json
import os
import platform
import shutil
import subprocess
from pathlib import Path

import torch

from primer.paths import RESULTS


def describe() -> dict:
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cpu_cores": os.cpu_count(),
        "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        "torch": torch.__version__,
        "python": platform.python_version(),
        "platform": platform.system(),
    }


def nvidia_driver() -> str | None:
    """The NVIDIA driver's version, as nvidia-smi reports it; None where there is no nvidia-smi or it fails."""
    smi = shutil.which("nvidia-smi")
    if smi is None:
        return None
    query = subprocess.run(
        [smi, "--query-gpu=driver_version", "--format=csv,noheader"], capture_output=True, text=True, check=False
    )
    return query.stdout.splitlines()[0].strip() if query.returncode == 0 and query.stdout.strip() else None


def commit() -> str | None:
    """The project's commit, short; None where it is no git clone (a copy on an offline machine) or has no git."""
    git = shutil.which("git")
    if git is None:
        return None
    found = subprocess.run(
        [git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False, cwd=RESULTS.parent.parent
    )
    return found.stdout.strip() if found.returncode == 0 else None


def save_results(name: str, results: list[dict], **details) -> Path:
    """Record a measurement in benchmarks/results/NAME.json, with the machine it was made on."""
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"machine": describe(), **details, "results": results}, indent=2) + "\n")
    return path
