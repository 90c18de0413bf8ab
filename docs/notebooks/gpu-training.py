"""A.9 Optimizing training performance with GPUs: the code of this chapter of PyTorch Primer, as one script.

Generated from the chapter's page: each `# %%` line starts one of its code blocks, in page order. Run it
with `python gpu-training.py`; it prints what the page shows under each block.
"""

import traceback  # to print, as the page shows it, each error a block raises on purpose

# %% A.9.1 PyTorch computations on GPU devices
import torch


def choose_device():
    """The fastest device this machine offers: a CUDA GPU, then an Apple GPU, then the CPU."""
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


device = choose_device()
print(device)

# %%
device = torch.device("cuda")  # the current CUDA GPU; "cuda:1" picks the second one
print(device.type)

# %%
device = torch.device("mps")  # the GPU of an Apple Silicon Mac
print(device.type)

# %%
device = torch.device("cpu")
print(device.type)

# %% Moving tensors and models
device = choose_device()
tensor_1 = torch.tensor([1.0, 2.0, 3.0]).to(device)
tensor_2 = torch.tensor([4.0, 5.0, 6.0]).to(device)
print(tensor_1 + tensor_2)

# %%
t = torch.tensor([1.0, 2.0, 3.0])
print(t.to(t.device) is t)  # already there: .to returns the tensor itself
print(t.to(torch.float64) is t)  # a change: .to returns a new tensor, `t` is unchanged

model = torch.nn.Linear(3, 1)
print(model.to(device) is model)  # modules move in place and return themselves

# %%
try:
    on_meta = torch.tensor([1.0, 2.0, 3.0], device="meta")
    on_cpu = torch.tensor([4.0, 5.0, 6.0])
    on_meta + on_cpu
except Exception as error:  # raised on purpose: the page shows this error; print it and go on
    print("".join(traceback.format_exception_only(error)), end="")

# %%
print((on_meta + torch.tensor(2.0)).device)  # a 0-dimensional CPU tensor counts as a number

# %% A.9.2 Single-GPU training
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

from torch.utils.data import DataLoader

train_loader = DataLoader(
    dataset=train_ds,
    batch_size=2,
    shuffle=True,
    num_workers=0,
    drop_last=True,
)

test_loader = DataLoader(
    dataset=test_ds,
    batch_size=2,
    shuffle=False,
    num_workers=0,
)

# %%
import torch.nn.functional as F

device = choose_device()

torch.manual_seed(123)
model = NeuralNetwork(num_inputs=2, num_outputs=2)
model = model.to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)

num_epochs = 3
for epoch in range(num_epochs):
    model.train()
    for batch_idx, (features, labels) in enumerate(train_loader):
        features, labels = features.to(device), labels.to(device)
        logits = model(features)
        loss = F.cross_entropy(logits, labels)  # the loss function applies softmax itself

        optimizer.zero_grad()  # forget the gradients of the previous batch
        loss.backward()  # compute the gradients of the loss
        optimizer.step()  # update the parameters with the gradients

        print(
            f"Epoch: {epoch + 1:03d}/{num_epochs:03d}"
            f" | Batch {batch_idx + 1:03d}/{len(train_loader):03d}"
            f" | Train Loss: {loss:.2f}"
        )

    model.eval()
    # optional: evaluate the model here, e.g. on a validation set

# %%
def compute_accuracy(model, dataloader, device):
    model.eval()
    correct = 0.0
    total_examples = 0

    for features, labels in dataloader:
        features, labels = features.to(device), labels.to(device)
        with torch.no_grad():
            logits = model(features)

        predictions = torch.argmax(logits, dim=1)
        compare = labels == predictions
        correct += torch.sum(compare)
        total_examples += len(compare)

    return (correct / total_examples).item()


print(compute_accuracy(model, train_loader, device))
print(compute_accuracy(model, test_loader, device))

# %%
from torch.utils.data import DataLoader

# train_loader drops the last, incomplete batch (drop_last=True): it shows the model 4 of the 5 examples.
every_train_example = DataLoader(train_ds, batch_size=2)
print(compute_accuracy(model, every_train_example, device))

# The page saves a script as ddp_spawn.py (download it from the page) and starts it below.

# The page runs, in a shell:
#   python ddp_spawn.py

# %%
from torch.utils.data import DistributedSampler

for world_size in (2, 8):
    shards = [
        list(DistributedSampler(train_ds, num_replicas=world_size, rank=rank, shuffle=False))
        for rank in range(world_size)
    ]
    print(f"{world_size} processes:", shards)

# %% Batch sizes and metrics
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
