import gc

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import DataLoader, DistributedSampler


import torch


class NeuralNetwork(torch.nn.Module):
    def __init__(self, num_inputs, num_outputs):
        super().__init__()

        self.layers = torch.nn.Sequential(
            # 1st hidden layer
            torch.nn.Linear(num_inputs, 30),
            torch.nn.ReLU(),
            # 2nd hidden layer
            torch.nn.Linear(30, 20),
            torch.nn.ReLU(),
            # output layer
            torch.nn.Linear(20, num_outputs),
        )

    def forward(self, x):
        logits = self.layers(x)
        return logits



import torch

X_train = torch.tensor([
    [-1.2, 3.1],
    [-0.9, 2.9],
    [-0.5, 2.6],
    [2.3, -1.1],
    [2.7, -1.5],
])
y_train = torch.tensor([0, 0, 0, 1, 1])

X_test = torch.tensor([
    [-0.8, 2.8],
    [2.6, -1.6],
])
y_test = torch.tensor([0, 1])

from torch.utils.data import Dataset


class ToyDataset(Dataset):
    def __init__(self, X, y):
        self.features = X
        self.labels = y

    def __getitem__(self, index):
        one_x = self.features[index]
        one_y = self.labels[index]
        return one_x, one_y

    def __len__(self):
        return self.labels.shape[0]


train_ds = ToyDataset(X_train, y_train)
test_ds = ToyDataset(X_test, y_test)

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



if __name__ == "__main__":
    main()
