"""A.8 Saving and loading models."""

import torch
import torch.nn.functional as F

from snippets.neural_network import NeuralNetwork
from snippets.toy_data import train_loader
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
