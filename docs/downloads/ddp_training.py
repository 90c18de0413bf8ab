import gc
import os

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

def choose_device(local_rank):
    """The device this process trains on: its own CUDA GPU, or the CPU on a machine without CUDA GPUs."""
    if not torch.cuda.is_available():
        return torch.device("cpu")
    device = torch.device("cuda", local_rank)
    torch.cuda.set_device(device)
    return device


def choose_backend(device):
    """How the processes exchange gradients: NCCL between CUDA GPUs, Gloo between CPU processes."""
    if device.type != "cuda":
        return "gloo"
    if not dist.is_nccl_available():  # Windows: its Gloo crashes on CUDA tensors, so stop here instead
        raise RuntimeError(
            "DDP on CUDA GPUs needs NCCL, which this build of PyTorch lacks (Windows builds do). Run the script "
            "in WSL2, or train on the CPU: hide the GPUs with CUDA_VISIBLE_DEVICES=-1 before starting it."
        )
    return "nccl"



def setup():
    """Join the process group that torchrun describes in each process's environment."""
    if "LOCAL_RANK" not in os.environ:
        raise SystemExit("start this script with torchrun: torchrun --standalone --nproc_per_node=2 ddp_training.py")
    processes = int(os.environ["LOCAL_WORLD_SIZE"])  # how many torchrun started on this machine
    gpus = torch.cuda.device_count()
    if torch.cuda.is_available() and gpus < processes:  # each process needs a GPU of its own
        raise RuntimeError(
            f"torchrun started {processes} processes on this machine, but it has {gpus} "
            "CUDA GPU(s). Start one process per GPU: torchrun --standalone --nproc_per_node=gpu ddp_training.py, "
            'or train on the CPU: CUDA_VISIBLE_DEVICES="" torchrun --standalone --nproc_per_node=2 ddp_training.py'
        )
    device = choose_device(int(os.environ["LOCAL_RANK"]))
    backend = choose_backend(device)
    # The rank, the number of processes and where to meet: init_process_group reads them from the environment.
    dist.init_process_group(backend)  # choose_device has made this process's GPU the current one
    return device



def prepare_loader(dataset, batch_size):
    # Each rank gets its own shard of the data set. The sampler shuffles (the loader must not), and
    # pinned memory makes the copies to a CUDA GPU faster.
    sampler = DistributedSampler(dataset, shuffle=True, seed=123)
    loader = DataLoader(dataset, batch_size=batch_size, sampler=sampler, pin_memory=torch.cuda.is_available())
    return loader, sampler


def train(device, num_epochs=3):
    rank = dist.get_rank()
    train_loader, sampler = prepare_loader(train_ds, batch_size=2)

    torch.manual_seed(123)  # reproducible initial weights; DDP copies rank 0's weights to every other rank
    model = DDP(NeuralNetwork(num_inputs=2, num_outputs=2).to(device))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)

    for epoch in range(num_epochs):
        sampler.set_epoch(epoch)  # a new order every epoch, the same on every rank
        model.train()
        for features, labels in train_loader:
            features, labels = features.to(device), labels.to(device)
            loss = F.cross_entropy(model(features), labels)
            optimizer.zero_grad()
            loss.backward()  # DDP averages the gradients of all ranks here
            optimizer.step()
        if rank == 0:
            print(f"Epoch {epoch + 1:03d}/{num_epochs:03d} | rank 0 loss: {loss:.2f}")

    model.eval()
    with torch.no_grad():
        features = torch.stack([x for x, _ in test_ds]).to(device)
        predictions = model(features).argmax(dim=1)
    if rank == 0:  # every rank holds the same model: report and save it once
        print("Test predictions:", predictions.tolist())
        torch.save(model.module.state_dict(), "model.pth")
    return model.module.state_dict()


def run(device):
    """Train, then leave the process group."""
    try:
        train(device)
        gc.collect()  # free what training left behind while the process group still exists (see the note)
    finally:
        dist.destroy_process_group()



if __name__ == "__main__":
    run(setup())
