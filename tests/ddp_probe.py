"""Run under torchrun by tests/test_ddp_training.py: drives the page's DDP script and reports what it saw.

    torchrun ... tests/ddp_probe.py MODE RESULT_FILE

MODE is `train` (shards and final parameters of every rank), `raise` (rank 1 fails on purpose), or
`too-many` (more processes than training examples).
"""

import json
import os
import sys

import torch
import torch.distributed as dist
from torch.utils.data import Subset

from snippets import ddp_training
from snippets.toy_data import train_ds


def shards_per_epoch(num_epochs: int) -> list[list[list[int]]]:
    _, sampler = ddp_training.prepare_loader(train_ds, batch_size=2)
    epochs = []
    for epoch in range(num_epochs):
        sampler.set_epoch(epoch)
        everyone: list = [None] * dist.get_world_size()
        dist.all_gather_object(everyone, list(sampler))
        epochs.append(everyone)
    return epochs


def main(mode: str, result_file: str) -> None:
    device = ddp_training.setup()
    try:
        rank = dist.get_rank()
        if mode == "raise":
            if rank == 1:
                raise RuntimeError("rank 1 failed on purpose")
            dist.barrier()  # rank 0 would wait here forever if the launcher did not stop it
        elif mode == "too-many":
            ddp_training.prepare_loader(Subset(train_ds, [0]), batch_size=2)
        else:
            shards = shards_per_epoch(3)
            state = ddp_training.train(device)
            flat = torch.cat([t.flatten().cpu() for t in state.values()])
            everyone: list = [None] * dist.get_world_size()
            dist.all_gather_object(everyone, flat.tolist())
            if rank == 0:
                result = {"world_size": dist.get_world_size(), "shards": shards, "parameters": everyone}
                with open(result_file, "w") as f:
                    json.dump(result, f)
    finally:
        dist.destroy_process_group()
    sys.stdout.flush()
    os._exit(0)  # as the script does: never race Gloo's threads at interpreter shutdown


if __name__ == "__main__":
    main(*sys.argv[1:3])
