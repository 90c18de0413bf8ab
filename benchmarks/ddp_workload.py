"""The workload of benchmarks.ddp_scaling, started by torchrun: DDP training on a synthetic data set
large enough to time, reporting the median epoch time on rank 0 as one JSON line."""

import json
import os
import statistics
import sys
import time

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

EXAMPLES, FEATURES, BATCH_SIZE, EPOCHS = 16384, 128, 64, 4


def main() -> None:
    dist.init_process_group("gloo")
    try:
        generator = torch.Generator().manual_seed(0)
        features = torch.randn(EXAMPLES, FEATURES, generator=generator)
        labels = (features.sum(dim=1) > 0).long()
        dataset = TensorDataset(features, labels)
        sampler = DistributedSampler(dataset, shuffle=True, seed=0)
        loader = DataLoader(dataset, batch_size=BATCH_SIZE, sampler=sampler)
        torch.manual_seed(0)
        model = DDP(
            torch.nn.Sequential(
                torch.nn.Linear(FEATURES, 512),
                torch.nn.ReLU(),
                torch.nn.Linear(512, 512),
                torch.nn.ReLU(),
                torch.nn.Linear(512, 2),
            )
        )
        optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
        epochs = []
        for epoch in range(EPOCHS):
            sampler.set_epoch(epoch)
            dist.barrier()
            start = time.perf_counter()
            for x, y in loader:
                loss = F.cross_entropy(model(x), y)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            dist.barrier()
            epochs.append(time.perf_counter() - start)
        if dist.get_rank() == 0:
            print(
                json.dumps(
                    {
                        "processes": dist.get_world_size(),
                        "threads_per_process": torch.get_num_threads(),
                        "epoch_s": statistics.median(epochs[1:]),  # the first epoch warms up
                    }
                )
            )
    finally:
        dist.destroy_process_group()
    sys.stdout.flush()
    # No interpreter shutdown, where Gloo's threads can abort the process (docs/gpu-training.md, the note on
    # gc.collect(), which is how the page's script avoids it instead): a timing run must not fail at its end.
    os._exit(0)


if __name__ == "__main__":
    main()
