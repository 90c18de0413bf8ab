"""Exercise A.4 / A.9: matrix multiplication on the CPU, and on a CUDA GPU where there is one.

    python -m benchmarks.matmul

`torch.utils.benchmark.Timer` warms up, repeats until the measurement is stable, and synchronizes CUDA
before it reads the clock, so GPU times are the work itself and not only its launch.
"""

from __future__ import annotations

import sys

import torch
import torch.utils.benchmark as benchmark

from primer.machine import save_results

SIZES = [32, 64, 128, 256, 512, 1024, 2048]


def median_seconds(size: int, device: str) -> float:
    a = torch.rand(size, size, device=device)
    b = torch.rand(size, size, device=device)
    timer = benchmark.Timer(stmt="a @ b", globals={"a": a, "b": b})
    return timer.blocked_autorange(min_run_time=0.3).median


def main(name: str = "matmul") -> None:
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    rows = []
    for device in devices:
        for size in SIZES:
            seconds = median_seconds(size, device)
            gflops = 2 * size**3 / seconds / 1e9
            rows.append({"device": device, "size": size, "seconds": seconds, "gflops": gflops})
            print(f"{device:<5} {size:>5}×{size:<5} {seconds * 1e3:10.4f} ms  {gflops:8.1f} GFLOP/s", flush=True)
    save_results(name, rows)


if __name__ == "__main__":
    main(*sys.argv[1:])  # a record's name: `dev.py gpu-run` keeps a GPU machine's beside this project's
