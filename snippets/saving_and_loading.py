"""A.8 Saving and loading models."""

import torch

from snippets.neural_network import NeuralNetwork
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
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
state_dict = torch.load("model.pth", map_location=device, weights_only=True)
print({tensor.device.type for tensor in state_dict.values()})
# --8<-- [end:map-location]


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
