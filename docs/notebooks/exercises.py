"""Exercises: the code of this chapter of PyTorch Primer, as one script.

Generated from the chapter's page: each `# %%` line starts one of its code blocks, in page order. Run it
with `python exercises.py`; it prints what the page shows under each block.
"""

import traceback  # to print, as the page shows it, each error a block raises on purpose

# %% Exercise A.1: install PyTorch
import torch

print("PyTorch:", torch.__version__)

# %% Exercise A.2: check your environment
print("CUDA GPU:", torch.cuda.is_available())
print("Apple GPU:", torch.backends.mps.is_available())

# %% Exercise A.3: count the parameters
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
model = NeuralNetwork(2, 2)
num_params = sum(p.numel() for p in model.parameters() if p.requires_grad)
print(num_params)

# %%
layers = [(2, 30), (30, 20), (20, 2)]  # (inputs, outputs) of each Linear layer
print(sum(inputs * outputs + outputs for inputs, outputs in layers))

# %% Exercise A.4: time a matrix multiplication
import timeit

import torch.mps  # PyTorch 2.0.1 does not import it with torch


def gpu_of_this_machine():
    """The GPU to compare with: a CUDA GPU, the GPU of an Apple Silicon Mac, or None."""
    if torch.cuda.is_available():
        return "cuda"
    if torch.backends.mps.is_available():
        return "mps"
    return None


def synchronize(device: str) -> None:
    """Wait until `device` has finished the work queued on it: a GPU returns before it has."""
    if device == "cuda":
        torch.cuda.synchronize()
    elif device == "mps":
        torch.mps.synchronize()


def matmul_ms(device: str) -> float:
    """The best time of `a @ b`, a 100×200 times a 200×300 matrix, on `device`, in milliseconds."""
    a = torch.rand(100, 200, device=device)
    b = torch.rand(200, 300, device=device)

    def product() -> None:
        a @ b
        synchronize(device)

    product()  # the first call pays one-time costs; leave it out
    return min(timeit.repeat(product, number=100, repeat=5)) / 100 * 1e3


print(f"CPU: {matmul_ms('cpu'):.3f} ms")
gpu = gpu_of_this_machine()
if gpu is None:
    print("GPU: none on this machine")
else:
    print(f"GPU ({gpu}): {matmul_ms(gpu):.3f} ms")

# %% Beyond the book: reshape after a transpose
x = torch.arange(12)
print(x.reshape(3, 4))
print(x.reshape(3, 4).T.reshape(2, 6))

# %%
try:
    x.reshape(3, 4).T.view(2, 6)
except Exception as error:  # raised on purpose: the page shows this error; print it and go on
    print("".join(traceback.format_exception_only(error)), end="")

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

# %% Beyond the book: standardize the features
mean = X_train.mean(dim=0)  # shape (2,): one mean per feature, that is per column
std = X_train.std(dim=0)
X_standardized = (X_train - mean) / std  # (5, 2) with (2,): the row of means is broadcast to every row
print(X_train.shape, mean.shape)
print(X_standardized.mean(dim=0).abs().max() < 1e-6)  # means of 0, up to rounding
print(X_standardized.std(dim=0))

# %% Beyond the book: a derivative by autograd
x = torch.tensor(2.0, requires_grad=True)
y = x**3
y.backward()
print(x.grad)  # autograd
print(3 * 2.0**2)  # by hand: the derivative of x³ is 3x²

# %% Beyond the book: batches per epoch
from torch.utils.data import DataLoader

for drop_last in (False, True):
    loader = DataLoader(train_ds, batch_size=2, shuffle=True, drop_last=drop_last)
    sizes = [len(labels) for _, labels in loader]
    print(f"drop_last={drop_last}: {len(loader)} batches per epoch, of sizes {sizes}")

# %% Beyond the book: the learning rate
import torch.nn.functional as F


def train(lr, num_epochs=3):
    """A.7's loop with another learning rate: the same seed, so the same initial weights and batches."""
    torch.manual_seed(123)
    model = NeuralNetwork(num_inputs=2, num_outputs=2)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for _ in range(num_epochs):
        model.train()
        for features, labels in train_loader:
            loss = F.cross_entropy(model(features), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return model, loss.item()


for lr in (0.01, 0.5, 5.0):
    model, last_batch_loss = train(lr)
    model.eval()
    with torch.no_grad():
        logits = model(X_train)  # all 5 training examples, not only the last batch
    loss = F.cross_entropy(logits, y_train).item()
    correct = (logits.argmax(dim=1) == y_train).sum().item()
    print(f"lr={lr}: last batch's loss {last_batch_loss:.2f}, loss on all 5 {loss:.2f}, {correct} of 5 right")

# %% Beyond the book: save, load, compare
model, _ = train(0.5)
torch.save(model.state_dict(), "model.pth")

restored = NeuralNetwork(num_inputs=2, num_outputs=2)  # new random weights, then the saved ones
restored.load_state_dict(torch.load("model.pth", weights_only=True))
restored.eval()
model.eval()
with torch.no_grad():
    print(torch.equal(restored(X_train), model(X_train)))

# %% Beyond the book: new tensors on the right device
on_meta = torch.ones(2, 3, device="meta")  # stands in for a tensor on a GPU
print(torch.zeros(2, 3).device)  # a new tensor goes on the CPU unless told otherwise
print(torch.zeros_like(on_meta).device, torch.zeros_like(on_meta).dtype)  # same shape, device and dtype
print(torch.zeros(5, device=on_meta.device).device)  # or name the device of a tensor you have
