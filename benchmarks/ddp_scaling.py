"""A.9.3: time per epoch of the same DDP training with 1 and with 2 CPU processes (Gloo).

python -m benchmarks.ddp_scaling
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from primer.machine import save_results
from primer.paths import ROOT


def run(processes: int, threads: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": str(threads)}
    command = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        f"--nproc_per_node={processes}",
        "-m",
        "benchmarks.ddp_workload",
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    cores = os.cpu_count() or 1
    rows = [run(1, cores), run(1, 1), run(2, max(1, cores // 2))]
    for row in rows:
        print(
            f"{row['processes']} process(es) × {row['threads_per_process']} thread(s): "
            f"{row['epoch_s']:.2f} s per epoch",
            flush=True,
        )
    save_results("ddp_scaling", rows)


if __name__ == "__main__":
    main()
