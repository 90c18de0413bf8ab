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

# --8<-- [start:steps]
from torch.utils.data import DataLoader

world_size = 2
samplers = [
    DistributedSampler(train_ds, num_replicas=world_size, rank=rank, shuffle=False) for rank in range(world_size)
]
loaders = [DataLoader(train_ds, batch_size=2, sampler=sampler) for sampler in samplers]
for step, batches in enumerate(zip(*loaders), start=1):
    sizes = [len(labels) for _, labels in batches]
    print(f"step {step}: {' + '.join(map(str, sizes))} = {sum(sizes)} examples")
counted = sum(len(sampler) for sampler in samplers)  # what counts summed over the ranks cover
print(f"{counted} predictions counted for {len(train_ds)} examples")
# --8<-- [end:steps]
