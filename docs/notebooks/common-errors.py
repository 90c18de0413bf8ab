"""Common errors: the code of this chapter of PyTorch Primer, as one script.

Generated from the chapter's page: each `# %%` line starts one of its code blocks, in page order. Run it
with `python common-errors.py`; it prints what the page shows under each block.
"""

import traceback  # to print, as the page shows it, each error a block raises on purpose

# %%
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

# %%
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

# %%
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

# %%
import torch
import torch.nn.functional as F

torch.manual_seed(123)
model = NeuralNetwork(2, 2)
logits = model(X_train)

# The page runs this on a machine without an NVIDIA GPU only:
# features = torch.tensor([[-1.2, 3.1], [2.7, -1.5]])
# features.to("cuda")

# %%
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")  # a GPU where there is one
print(device)

# %% view size is not compatible with input tensor's size and stride
try:
    x = torch.arange(6).reshape(2, 3)
    x.T.view(6)
except Exception as error:  # raised on purpose: the page shows this error; print it and go on
    print("".join(traceback.format_exception_only(error)), end="")

# %%
print(x.T.reshape(6))  # copies only when it must
print(x.T.contiguous().view(6))  # or make the copy explicit

# %% mat1 and mat2 must have the same dtype
try:
    import numpy as np
    
    features = torch.from_numpy(np.array([[-1.2, 3.1], [2.7, -1.5]]))  # NumPy's floats are float64
    model(features)
except Exception as error:  # raised on purpose: the page shows this error; print it and go on
    print("".join(traceback.format_exception_only(error)), end="")

# %%
print(model(features.float()).shape)  # the model's weights are float32, so the data must be too

# %% mat1 and mat2 shapes cannot be multiplied
try:
    wrong_model = NeuralNetwork(3, 2)  # three inputs, but the examples have two features
    wrong_model(X_train)
except Exception as error:  # raised on purpose: the page shows this error; print it and go on
    print("".join(traceback.format_exception_only(error)), end="")

# %%
right_model = NeuralNetwork(num_inputs=X_train.shape[1], num_outputs=2)
print(right_model(X_train).shape)

# %% Trying to backward through the graph a second time
try:
    loss = F.cross_entropy(model(X_train), y_train)
    loss.backward()
    loss.backward()
except Exception as error:  # raised on purpose: the page shows this error; print it and go on
    print("".join(traceback.format_exception_only(error)), end="")

# %%
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
for step in range(3):
    loss = F.cross_entropy(model(X_train), y_train)  # a new forward pass builds a new graph
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    print(f"step {step}: loss {loss.item():.2f}")

# %% Can't call numpy() on Tensor that requires grad
try:
    probabilities = torch.softmax(model(X_train), dim=1)  # computed from the weights: part of the graph
    probabilities.numpy()
except Exception as error:  # raised on purpose: the page shows this error; print it and go on
    print("".join(traceback.format_exception_only(error)), end="")

# %%
array = probabilities.detach().numpy()  # the same numbers, without the graph
print(type(array).__name__, array.dtype, array.shape)

with torch.no_grad():  # or record no graph in the first place, as when predicting
    array = torch.softmax(model(X_train), dim=1).numpy()
print(type(array).__name__, array.dtype, array.shape)

# %% expected target dtype to be Long or Byte, but got Float
try:
    labels = torch.tensor([0.0, 0.0, 0.0, 1.0, 1.0])  # class labels written with a decimal point: float32
    F.cross_entropy(logits, labels)
except Exception as error:  # raised on purpose: the page shows this error; print it and go on
    print("".join(traceback.format_exception_only(error)), end="")

# %%
print(labels.long())
print(F.cross_entropy(logits, labels.long()))

# %% Target 2 is out of bounds
try:
    labels = torch.tensor([1, 1, 1, 2, 2])  # classes numbered from 1, but the model has outputs 0 and 1
    F.cross_entropy(logits, labels)
except Exception as error:  # raised on purpose: the page shows this error; print it and go on
    print("".join(traceback.format_exception_only(error)), end="")

# %%
print(F.cross_entropy(logits, labels - 1))  # classes numbered from 0

# %% Weights only load failed
try:
    class Payload:
        """What a file posing as a checkpoint can carry: unpickling it calls any function it names."""
    
        def __reduce__(self):
            return (print, ("This ran while the file was loading.",))
    
    torch.save({"model": model.state_dict(), "extra": Payload()}, "untrusted.pth")
    torch.load("untrusted.pth", weights_only=True)
except Exception as error:  # raised on purpose: the page shows this error; print it and go on
    print("".join(traceback.format_exception_only(error)), end="")

# %%
torch.save(model.state_dict(), "model.pth")  # tensors only
state_dict = torch.load("model.pth", weights_only=True)
print(list(state_dict))

# %% Tensor on device ... is not on the expected device
try:
    model_elsewhere = NeuralNetwork(2, 2).to("meta")  # the model is on a second device
    model_elsewhere(X_train)  # the batch is still on the CPU
except Exception as error:  # raised on purpose: the page shows this error; print it and go on
    print("".join(traceback.format_exception_only(error)), end="")

# %%
device = next(model_elsewhere.parameters()).device  # where the model lives
out = model_elsewhere(X_train.to(device))
print(out.device, out.shape)

# %% CUDA out of memory
import re

try:
    torch.empty(2**62, dtype=torch.uint8)  # 4 EiB, far more memory than any machine has
except RuntimeError as error:
    print(type(error).__name__, "| a torch.cuda.OutOfMemoryError:", isinstance(error, torch.cuda.OutOfMemoryError))
    print(re.search(r"you tried to allocate \d+ bytes", str(error))[0])

# %%
torch.manual_seed(123)
model = NeuralNetwork(num_inputs=2, num_outputs=2)

total_loss = 0.0
for _ in range(3):
    loss = F.cross_entropy(model(X_train), y_train)
    total_loss += loss  # a tensor that keeps every step's graph, and its activations, alive
print(type(total_loss).__name__, "with a graph:", total_loss.grad_fn is not None)

total_loss = 0.0
for _ in range(3):
    loss = F.cross_entropy(model(X_train), y_train)
    total_loss += loss.item()  # a Python number: each step's graph is freed
print(type(total_loss).__name__)

with torch.no_grad():  # evaluation: no graph is recorded at all
    logits = model(X_train)
print("with a graph:", logits.grad_fn is not None)

# The page saves a script as worker_bus_error.py (download it from the page) and starts it below.

# The page runs, in a shell:
#   python worker_bus_error.py

# %% sampler option is mutually exclusive with shuffle
try:
    from torch.utils.data import DataLoader, DistributedSampler
    
    sampler = DistributedSampler(train_ds, num_replicas=2, rank=0)  # process 0 of 2, as under torchrun
    DataLoader(train_ds, batch_size=2, shuffle=True, sampler=sampler)
except Exception as error:  # raised on purpose: the page shows this error; print it and go on
    print("".join(traceback.format_exception_only(error)), end="")

# %%
loader = DataLoader(train_ds, batch_size=2, shuffle=False, sampler=sampler)  # the sampler shuffles
for epoch in range(2):
    sampler.set_epoch(epoch)  # a different order every epoch, the same on every process
    print(f"epoch {epoch}:", [labels.tolist() for _, labels in loader])

# The page saves a script as ddp_accuracy.py (download it from the page) and starts it below.

# The page runs, in a shell:
#   OMP_NUM_THREADS=1 torchrun --standalone --nproc_per_node=3 ddp_accuracy.py
#   OMP_NUM_THREADS=1 torchrun --standalone --nproc_per_node=5 ddp_accuracy.py 2> errors.txt || grep -o "ZeroDivisionError: [a-z ]*zero" errors.txt | sort -u

# %%
for drop_last in (True, False):
    batches = [
        len(DataLoader(train_ds, batch_size=2, drop_last=drop_last, sampler=DistributedSampler(train_ds, 5, rank)))
        for rank in range(5)
    ]
    print(f"5 ranks, drop_last={drop_last}: batches per rank {batches}")
