"""A.5 Implementing multilayer neural networks."""

import torch

from snippets.neural_network import NeuralNetwork

# --8<-- [start:print]
model = NeuralNetwork(50, 3)
print(model)
# --8<-- [end:print]

# --8<-- [start:count]
num_params = sum(p.numel() for p in model.parameters() if p.requires_grad)
print("Total number of trainable model parameters:", num_params)
# --8<-- [end:count]

# --8<-- [start:weights]
print(model.layers[0].weight.shape)
# --8<-- [end:weights]

# --8<-- [start:seed]
torch.manual_seed(123)
model = NeuralNetwork(50, 3)
print(model.layers[0].weight[:2, :5])
# --8<-- [end:seed]

# --8<-- [start:forward]
torch.manual_seed(123)
X = torch.rand((1, 50))
out = model(X)
print(out)
# --8<-- [end:forward]

# --8<-- [start:no-grad]
with torch.no_grad():
    out = model(X)
print(out)
# --8<-- [end:no-grad]

# --8<-- [start:softmax]
with torch.no_grad():
    out = torch.softmax(model(X), dim=1)
print(out)
# --8<-- [end:softmax]
