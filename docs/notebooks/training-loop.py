"""A.7 A typical training loop: the code of this chapter of PyTorch Primer, as one script.

Generated from the chapter's page: each `# %%` line starts one of its code blocks, in page order. Run it
with `python training-loop.py`; it prints what the page shows under each block.
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

# %% The loop
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

# %% Predictions
model.eval()
with torch.no_grad():
    outputs = model(X_train)
print(outputs)

# %%
torch.set_printoptions(sci_mode=False)
probas = torch.softmax(outputs, dim=1)
print(probas)

# %%
predictions = torch.argmax(probas, dim=1)
print(predictions)
print(torch.argmax(outputs, dim=1))  # softmax keeps the order, so the logits give the same answer
print(predictions == y_train)
print(torch.sum(predictions == y_train))

# %% `torch.no_grad` or `torch.inference_mode`
with torch.no_grad():
    outputs = model(X_train)
print(outputs.requires_grad, outputs.is_inference())

with torch.inference_mode():
    outputs = model(X_train)
print(outputs.requires_grad, outputs.is_inference())

# %%
weights = torch.ones(3, requires_grad=True)
normal = torch.ones(3)
with torch.inference_mode():
    created = normal * 2  # a new tensor: an inference tensor
    view = normal[:2]  # a view of a normal tensor: a normal tensor
print(created.is_inference(), view.is_inference())

(weights + created).sum().backward()  # the gradient of a sum needs no input saved: allowed
print(weights.grad)

# %%
try:
    with torch.inference_mode():
        features = X_train / X_train.abs().max()  # say, preprocessing done in inference mode
    loss = F.cross_entropy(model(features), y_train)  # training on it fails
except Exception as error:  # raised on purpose: the page shows this error; print it and go on
    print("".join(traceback.format_exception_only(error)), end="")

# %% Accuracy
def compute_accuracy(model, dataloader):
    model.eval()
    correct = 0.0
    total_examples = 0

    for features, labels in dataloader:
        with torch.no_grad():
            logits = model(features)

        predictions = torch.argmax(logits, dim=1)
        compare = labels == predictions
        correct += torch.sum(compare)
        total_examples += len(compare)

    return (correct / total_examples).item()

# %%
print(compute_accuracy(model, train_loader))
print(compute_accuracy(model, test_loader))

# %%
from torch.utils.data import DataLoader

# train_loader drops the last, incomplete batch (drop_last=True): it shows the model 4 of the 5 examples.
every_train_example = DataLoader(train_ds, batch_size=2)
print(compute_accuracy(model, every_train_example))
