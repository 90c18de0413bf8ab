"""A.9.3 The DDP script of snippets/ddp_training.py, started as the book does, with torch.multiprocessing.spawn.

    python -m snippets.ddp_spawn

The page shows it as one file, ddp_spawn.py: its imports are those of that whole file, which also holds the
sections it shares with ddp_training.py (choosing the device and backend, and the training itself).
"""

# ruff: noqa: F401 - the imports section serves the whole page script, including the shared sections
# --8<-- [start:imports]
import gc
import os
import socket
import sys

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import DataLoader, DistributedSampler

# --8<-- [end:imports]
from snippets.ddp_training import choose_backend, choose_device, run


# --8<-- [start:setup]
def setup(rank, world_size):
    """Join the process group: mp.spawn passes each process its rank, and the parent chose where to meet."""
    device = choose_device(rank)
    backend = choose_backend(device)
    dist.init_process_group(backend, rank=rank, world_size=world_size)
    return device


def worker(rank, world_size):
    """What every process runs; mp.spawn calls it with the process's rank first."""
    run(setup(rank, world_size))


def free_port():
    """A TCP port that no program listens on now, for the processes to meet at."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --8<-- [end:setup]


# --8<-- [start:entry]
if __name__ == "__main__":
    world_size = torch.cuda.device_count() if torch.cuda.is_available() else 2  # one process per GPU
    os.environ["MASTER_ADDR"] = "127.0.0.1"  # rank 0 listens at this address and port, the others connect
    os.environ["MASTER_PORT"] = str(free_port())
    if sys.platform == "win32":  # Windows builds lack libuv, which PyTorch 2.4 and some later releases ask for
        os.environ["USE_LIBUV"] = "0"
    mp.spawn(worker, args=(world_size,), nprocs=world_size)
# --8<-- [end:entry]
