"""What a measurement ran on, recorded next to its numbers: one schema for every record."""

import json
import os
import platform
import re
import shutil
import subprocess
from pathlib import Path

import torch

from primer.cpu_only.sitecustomize import reason as cpu_only
from primer.paths import RESULTS


def cuda_name() -> str | None:
    """The NVIDIA GPU torch uses here, or None."""
    return torch.cuda.get_device_name(0) if torch.cuda.is_available() else None


def describe() -> dict:
    cpu = platform.processor() or "unknown CPU"  # Linux names it better in /proc/cpuinfo
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
        "gpu": cuda_name(),
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


def os_version(system: str, release: str, mac_version: str, windows_version: str) -> str:
    """The operating system and its version as its users name it: macOS by its own version (platform.release()
    there is Darwin's kernel version), Windows by its build, Linux by its kernel."""
    if system == "Darwin":
        return f"macOS {mac_version}"
    if system == "Windows":
        return f"Windows {windows_version}"
    return f"{system} {release}"


def accelerator(cuda: str | None, mps: bool, driver: str | None, hidden: str | None = None) -> str:
    """The GPU torch uses here, with its driver: an NVIDIA GPU, Apple's MPS, or none (and why, where hidden)."""
    if cuda:
        return f"{cuda} (driver {driver})" if driver else cuda
    if hidden:
        return f"no GPU used: {hidden}"
    return "Apple GPU (MPS)" if mps else "no GPU"


def record_name(facts: dict[str, str]) -> str:
    """A record's file name, from what it ran on: OS and version, CPU, accelerator, torch, Python, date."""
    parts = [facts[key] for key in ("system", "cpu", "accelerator", "torch", "python", "date")]
    return re.sub(r"[^a-z0-9.]+", "-", " ".join(parts).lower()).strip("-")


def system_facts() -> dict[str, str]:
    """This machine's OS and version, and its accelerator and driver, as a machine record names them."""
    return {
        "system": os_version(platform.system(), platform.release(), platform.mac_ver()[0], platform.version()),
        "accelerator": accelerator(cuda_name(), torch.backends.mps.is_available(), nvidia_driver(), cpu_only()),
    }


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
