"""A.5 Implementing multilayer neural networks: the code of this chapter of PyTorch Primer, as one script.

Generated from the chapter's page: each `# %%` line starts one of its code blocks, in page order. Run it
with `python multilayer-networks.py`; it prints what the page shows under each block.
"""

# %% Defining a model
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
model = NeuralNetwork(50, 3)
print(model)

# %% Parameters
num_params = sum(p.numel() for p in model.parameters() if p.requires_grad)
print("Total number of trainable model parameters:", num_params)

# %%
print(model.layers[0].weight.shape)

# %%
torch.manual_seed(123)
model = NeuralNetwork(50, 3)
print(model.layers[0].weight[:2, :5])

# %% The forward pass
torch.manual_seed(123)
X = torch.rand((1, 50))
out = model(X)
print(out)

# %%
with torch.no_grad():
    out = model(X)
print(out)

# %% Logits and probabilities
with torch.no_grad():
    out = torch.softmax(model(X), dim=1)
print(out)
