"""A.6: how `num_workers` changes the time of a training epoch: `python -m benchmarks.num_workers`.

Each item of the data set takes real time to produce, in one of two ways:
- "waiting": the worker sleeps, standing for reading from a disk or a network;
- "computing": the worker keeps a CPU core busy, standing for decoding or augmenting.
A small model trains on every batch, so the numbers include the training step the loader feeds.
"""

from __future__ import annotations

import statistics
import time

import torch
from torch.utils.data import DataLoader, Dataset

from primer.machine import save_results

ITEMS, BATCH_SIZE, ITEM_SECONDS = 192, 16, 0.004
WORKERS = [0, 1, 2, 4]


class SlowDataset(Dataset):
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.features = torch.randn(ITEMS, 64)

    def __len__(self) -> int:
        return ITEMS

    def __getitem__(self, index: int):
        if self.kind == "waiting":
            time.sleep(ITEM_SECONDS)
        else:
            deadline = time.perf_counter() + ITEM_SECONDS
            while time.perf_counter() < deadline:
                pass
        return self.features[index], index % 2


def epoch_seconds(kind: str, num_workers: int) -> float:
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(64, 256), torch.nn.ReLU(), torch.nn.Linear(256, 2))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    loader = DataLoader(SlowDataset(kind), batch_size=BATCH_SIZE, shuffle=True, num_workers=num_workers)
    start = time.perf_counter()
    for features, labels in loader:  # includes starting the workers, as every epoch does by default
        loss = torch.nn.functional.cross_entropy(model(features), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return time.perf_counter() - start


def main(runs: int = 3) -> None:
    torch.set_num_threads(1)  # the model's own threads would compete with the workers for the cores
    rows = []
    for kind in ("waiting", "computing"):
        for workers in WORKERS:
            timings = [epoch_seconds(kind, workers) for _ in range(runs)]
            rows.append({"kind": kind, "num_workers": workers, "epoch_s": statistics.median(timings)})
            print(f"{kind:<10} num_workers={workers}  {statistics.median(timings):.3f} s per epoch", flush=True)
    setup = {"items": ITEMS, "batch_size": BATCH_SIZE, "item_seconds": ITEM_SECONDS, "runs": runs}
    save_results("num_workers", rows, setup=setup)


if __name__ == "__main__":
    main()
