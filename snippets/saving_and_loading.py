"""A.8 Saving and loading models."""

import torch
import torch.nn.functional as F

from snippets.neural_network import NeuralNetwork
from snippets.toy_data import train_ds, train_loader
from snippets.training_loop import X_train, model

# --8<-- [start:save]
torch.save(model.state_dict(), "model.pth")
# --8<-- [end:save]

# --8<-- [start:state-dict]
for name, tensor in model.state_dict().items():
    print(f"{name:<16} {tuple(tensor.shape)}")
# --8<-- [end:state-dict]

# --8<-- [start:load]
model = NeuralNetwork(2, 2)  # the same architecture as the saved model
print(model.load_state_dict(torch.load("model.pth", weights_only=True)))
# --8<-- [end:load]

# --8<-- [start:predict]
model.eval()
with torch.no_grad():
    print(torch.argmax(model(X_train), dim=1))
# --8<-- [end:predict]

# --8<-- [start:map-location]
if torch.cuda.is_available():
    device = torch.device("cuda")
elif torch.backends.mps.is_available():
    device = torch.device("mps")
else:
    device = torch.device("cpu")
state_dict = torch.load("model.pth", map_location=device, weights_only=True)
print({tensor.device.type for tensor in state_dict.values()})
# --8<-- [end:map-location]


# --8<-- [start:checkpoint]
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
# --8<-- [end:checkpoint]

# --8<-- [start:resume]
checkpoint = torch.load("checkpoint.pth", weights_only=True)
model = NeuralNetwork(2, 2)
model.load_state_dict(checkpoint["model"])
optimizer = torch.optim.AdamW(model.parameters(), lr=0.01)  # the same optimizer and settings
optimizer.load_state_dict(checkpoint["optimizer"])
print("steps taken:", int(optimizer.state_dict()["state"][0]["step"]))

for epoch in range(checkpoint["epoch"] + 1, 4):  # go on from the epoch after the saved one
    print(f"Epoch {epoch + 1}: loss {train_epoch(model, optimizer):.2f}")
# --8<-- [end:resume]


# --8<-- [start:untrusted]
class Payload:
    """Stands for an attacker's code: unpickling this object calls print."""

    def __reduce__(self):
        return (print, ("Arbitrary code ran while loading!",))


torch.save({"layers.0.weight": torch.zeros(30, 2), "payload": Payload()}, "untrusted.pth")
# --8<-- [end:untrusted]

# --8<-- [start:refused]
import pickle

try:
    torch.load("untrusted.pth", weights_only=True)
except pickle.UnpicklingError as error:
    refusal = next(line for line in str(error).splitlines() if "Unsupported" in line)  # why, of a long message
    print(refusal.strip())
# --8<-- [end:refused]

# --8<-- [start:unsafe]
checkpoint = torch.load("untrusted.pth", weights_only=False)  # runs the payload: never with a file you do not trust
# --8<-- [end:unsafe]

# --8<-- [start:exact-uninterrupted]
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
# --8<-- [end:exact-uninterrupted]

# --8<-- [start:exact-differs]
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
# --8<-- [end:exact-differs]

# --8<-- [start:exact-checkpoint]
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
# --8<-- [end:exact-checkpoint]

# --8<-- [start:exact-resume]
model, optimizer = new_run()
checkpoint = torch.load("checkpoint.pth", weights_only=True)
model.load_state_dict(checkpoint["model"])
optimizer.load_state_dict(checkpoint["optimizer"])
torch.set_rng_state(checkpoint["rng"])
generator = torch.Generator()
generator.set_state(checkpoint["loader_rng"])
train_epochs(model, optimizer, new_loader(generator), range(checkpoint["epoch"] + 1, 4))
print("the same weights as without the break:", same_weights(model.state_dict(), uninterrupted))
# --8<-- [end:exact-resume]
