"""The book's DDP recipe for the toy data set, started with torchrun on the CPU: how the ranks share the five
training examples, and what the book's per-rank accuracy does with them.

    torchrun --standalone --nproc_per_node=3 -m snippets.ddp_accuracy

Common errors shows it as one file, ddp_accuracy.py, with the model (A.5) and the data set (A.6) pasted in, and
runs it with 3 and with 5 processes.
"""

# --8<-- [start:imports]
import gc

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import DataLoader, DistributedSampler

# --8<-- [end:imports]
from snippets.neural_network import NeuralNetwork
from snippets.toy_data import train_ds


# --8<-- [start:main]
def compute_accuracy(model, dataloader):
    """As the book computes it: over this rank's batches only."""
    correct, total_examples = 0.0, 0
    for features, labels in dataloader:
        with torch.no_grad():
            predictions = model(features).argmax(dim=1)
        correct += (predictions == labels).sum().item()
        total_examples += len(labels)
    return correct / total_examples


def main():
    dist.init_process_group("gloo")  # the CPU: every process trains on it
    rank, world_size = dist.get_rank(), dist.get_world_size()
    # As in the book: the sampler gives each rank its share, and the loader drops a batch shorter than 2.
    train_loader = DataLoader(train_ds, batch_size=2, drop_last=True, sampler=DistributedSampler(train_ds))
    if rank == 0:  # before DDP's first exchange, which waits for every rank: printed before any rank fails
        examples = train_loader.sampler.total_size
        print(f"{world_size} ranks share {examples} examples (the data set has {len(train_ds)})", flush=True)
        print(f"rank 0: {len(list(train_loader.sampler))} example(s), {len(train_loader)} batch(es)", flush=True)

    torch.manual_seed(123)
    model = DDP(NeuralNetwork(num_inputs=2, num_outputs=2))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    for epoch in range(3):
        train_loader.sampler.set_epoch(epoch)
        for features, labels in train_loader:
            loss = F.cross_entropy(model(features), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

    model.eval()
    accuracy = compute_accuracy(model, train_loader)
    if rank == 0:
        print(f"rank 0: training accuracy {accuracy:.2f}")
    gc.collect()  # before leaving the group: Gloo can abort at exit otherwise (see GPUs on every platform)
    dist.destroy_process_group()


# --8<-- [end:main]

# --8<-- [start:entry]
if __name__ == "__main__":
    main()
# --8<-- [end:entry]
