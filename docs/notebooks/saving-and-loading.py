"""A.8 Saving and loading models: the code of this chapter of PyTorch Primer, as one script.

Generated from the chapter's page: each `# %%` line starts one of its code blocks, in page order. Run it
with `python saving-and-loading.py`; it prints what the page shows under each block.
"""

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

torch.manual_seed(123)
model = NeuralNetwork(num_inputs=2, num_outputs=2)
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)

num_epochs = 3
for epoch in range(num_epochs):
    model.train()
    for batch_idx, (features, labels) in enumerate(train_loader):
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

# %% Saving
torch.save(model.state_dict(), "model.pth")

# %%
for name, tensor in model.state_dict().items():
    print(f"{name:<16} {tuple(tensor.shape)}")

# %% Loading
model = NeuralNetwork(2, 2)  # the same architecture as the saved model
print(model.load_state_dict(torch.load("model.pth", weights_only=True)))

# %%
model.eval()
with torch.no_grad():
    print(torch.argmax(model(X_train), dim=1))

# %% Loading on another device
if torch.cuda.is_available():
    device = torch.device("cuda")
elif torch.backends.mps.is_available():
    device = torch.device("mps")
else:
    device = torch.device("cpu")
state_dict = torch.load("model.pth", map_location=device, weights_only=True)
print({tensor.device.type for tensor in state_dict.values()})

# %% Resuming training
def train_epoch(model, optimizer):
    model.train()
    for features, labels in train_loader:
        loss = F.cross_entropy(model(features), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return loss.item()


torch.manual_seed(123)
model = NeuralNetwork(2, 2)
optimizer = torch.optim.AdamW(model.parameters(), lr=0.01)  # keeps two running averages per parameter
for epoch in range(2):
    print(f"Epoch {epoch + 1}: loss {train_epoch(model, optimizer):.2f}")
torch.save(
    {"epoch": epoch, "model": model.state_dict(), "optimizer": optimizer.state_dict()},
    "checkpoint.pth",
)

# %%
checkpoint = torch.load("checkpoint.pth", weights_only=True)
model = NeuralNetwork(2, 2)
model.load_state_dict(checkpoint["model"])
optimizer = torch.optim.AdamW(model.parameters(), lr=0.01)  # the same optimizer and settings
optimizer.load_state_dict(checkpoint["optimizer"])
print("steps taken:", int(optimizer.state_dict()["state"][0]["step"]))

for epoch in range(checkpoint["epoch"] + 1, 4):  # go on from the epoch after the saved one
    print(f"Epoch {epoch + 1}: loss {train_epoch(model, optimizer):.2f}")

# %% Resuming exactly
from torch.utils.data import DataLoader


def new_run():
    """A fresh process's start: seeded, with the model and optimizer of the recipe above."""
    torch.manual_seed(123)
    model = NeuralNetwork(2, 2)
    return model, torch.optim.AdamW(model.parameters(), lr=0.01)


def new_loader(generator):
    # The loader's own generator decides the order of every epoch, apart from the global one.
    return DataLoader(train_ds, batch_size=2, shuffle=True, drop_last=True, generator=generator)


def train_epochs(model, optimizer, loader, epochs):
    model.train()
    for _epoch in epochs:
        for features, labels in loader:
            loss = F.cross_entropy(model(features), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()


def same_weights(a, b):
    return all(torch.equal(a[name], b[name]) for name in a)


model, optimizer = new_run()
train_epochs(model, optimizer, new_loader(torch.Generator().manual_seed(123)), range(4))
uninterrupted = model.state_dict()

# %%
# Epochs 1 and 2, then the recipe's checkpoint: model, optimizer, epoch.
model, optimizer = new_run()
train_epochs(model, optimizer, new_loader(torch.Generator().manual_seed(123)), range(2))
torch.save({"epoch": 1, "model": model.state_dict(), "optimizer": optimizer.state_dict()}, "checkpoint.pth")

# Later, in a new process: epochs 3 and 4.
model, optimizer = new_run()
checkpoint = torch.load("checkpoint.pth", weights_only=True)
model.load_state_dict(checkpoint["model"])
optimizer.load_state_dict(checkpoint["optimizer"])
train_epochs(model, optimizer, new_loader(torch.Generator().manual_seed(123)), range(2, 4))
print("the same weights as without the break:", same_weights(model.state_dict(), uninterrupted))

# %%
model, optimizer = new_run()
generator = torch.Generator().manual_seed(123)
train_epochs(model, optimizer, new_loader(generator), range(2))
torch.save(
    {
        "epoch": 1,
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "rng": torch.get_rng_state(),  # the global generator: dropout, random initialization, ...
        "loader_rng": generator.get_state(),  # the order of the epochs still to come
    },
    "checkpoint.pth",
)

# %%
model, optimizer = new_run()
checkpoint = torch.load("checkpoint.pth", weights_only=True)
model.load_state_dict(checkpoint["model"])
optimizer.load_state_dict(checkpoint["optimizer"])
torch.set_rng_state(checkpoint["rng"])
generator = torch.Generator()
generator.set_state(checkpoint["loader_rng"])
train_epochs(model, optimizer, new_loader(generator), range(checkpoint["epoch"] + 1, 4))
print("the same weights as without the break:", same_weights(model.state_dict(), uninterrupted))

# %% Why `weights_only=True`
class Payload:
    """Stands for an attacker's code: unpickling this object calls print."""

    def __reduce__(self):
        return (print, ("Arbitrary code ran while loading!",))


torch.save({"layers.0.weight": torch.zeros(30, 2), "payload": Payload()}, "untrusted.pth")

# %%
import pickle

try:
    torch.load("untrusted.pth", weights_only=True)
except pickle.UnpicklingError as error:
    refusal = next(line for line in str(error).splitlines() if "Unsupported" in line)  # why, of a long message
    print(refusal.strip())

# %%
checkpoint = torch.load("untrusted.pth", weights_only=False)  # runs the payload: never with a file you do not trust
