"""Run under torchrun by tests/test_ddp_training.py: drives the page's DDP script and reports what it saw.

    torchrun ... tests/ddp_probe.py MODE RESULT_FILE

MODE is `train` (every rank writes RESULT_FILE.RANK: the indices its sampler drew in each epoch of the script's
loop, the initial parameters of all ranks, and its own final parameters; each rank seeds differently) or
`raise` (rank 1 writes the time to RESULT_FILE.1, then fails on purpose).
"""

import gc
import json
import sys
import time
from pathlib import Path
from typing import ClassVar

import torch
import torch.distributed as dist

from snippets import ddp_training
from snippets.neural_network import NeuralNetwork


def gather(value) -> list:
    everyone: list = [None] * dist.get_world_size()
    dist.all_gather_object(everyone, value)
    return everyone


class RecordingSampler(ddp_training.DistributedSampler):
    """The script's sampler, recording the indices each epoch of the script's own loop draws (a script that
    forgot `set_epoch` would draw the same order every epoch)."""

    drawn: ClassVar[list[list[int]]] = []

    def __iter__(self):
        indices = list(super().__iter__())
        RecordingSampler.drawn.append(indices)
        return iter(indices)


def flat(state: dict) -> list[float]:
    return torch.cat([t.flatten().cpu() for t in state.values()]).tolist()


def seed_differently_on_every_rank(rank: int) -> None:
    """Make the script's torch.manual_seed(123) seed 123 + rank: the copies start from different weights."""
    manual_seed = torch.manual_seed
    torch.manual_seed = lambda seed: manual_seed(seed + rank)


def main(mode: str, result_file: str) -> None:
    device = ddp_training.setup()
    try:
        rank = dist.get_rank()
        if mode == "raise":
            if rank == 1:
                Path(f"{result_file}.{rank}").write_text(str(time.time()))
                raise RuntimeError("rank 1 failed on purpose")
            dist.barrier()  # rank 0 would wait here forever if the launcher did not stop it
        else:
            ddp_training.DistributedSampler = RecordingSampler
            seed_differently_on_every_rank(rank)
            torch.manual_seed(123)
            initial = gather(flat(NeuralNetwork(2, 2).state_dict()))
            final = flat(ddp_training.train(device))
            # Each rank writes its own file rather than gathering: so the last collective is the script's own,
            # and the probe ends the way the script does.
            shards = RecordingSampler.drawn
            result = {"world_size": dist.get_world_size(), "shards": shards, "initial": initial, "final": final}
            with open(f"{result_file}.{rank}", "w") as f:
                json.dump(result, f)
        gc.collect()  # as the script does before leaving the process group
    finally:
        dist.destroy_process_group()


if __name__ == "__main__":
    main(*sys.argv[1:3])
