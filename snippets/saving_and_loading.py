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
