"""A.9.3 How DistributedSampler shards a data set that does not divide evenly among the processes."""

from snippets.toy_data import train_ds

# --8<-- [start:padding]
from torch.utils.data import DistributedSampler

for world_size in (2, 8):
    shards = [
        list(DistributedSampler(train_ds, num_replicas=world_size, rank=rank, shuffle=False))
        for rank in range(world_size)
    ]
    print(f"{world_size} processes:", shards)
# --8<-- [end:padding]
