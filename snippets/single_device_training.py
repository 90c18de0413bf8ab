"""A.9.2 Single-GPU training: the A.7 loop with three lines added (the page highlights them)."""

import torch

from snippets.devices import choose_device
from snippets.neural_network import NeuralNetwork
from snippets.toy_data import test_loader, train_ds, train_loader

# --8<-- [start:train]
import torch.nn.functional as F

device = choose_device()

torch.manual_seed(123)
model = NeuralNetwork(num_inputs=2, num_outputs=2)
model = model.to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)

num_epochs = 3
for epoch in range(num_epochs):
    model.train()
    for batch_idx, (features, labels) in enumerate(train_loader):
        features, labels = features.to(device), labels.to(device)
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
# --8<-- [end:train]


# --8<-- [start:accuracy]
def compute_accuracy(model, dataloader, device):
    model.eval()
    correct = 0.0
    total_examples = 0

    for features, labels in dataloader:
        features, labels = features.to(device), labels.to(device)
        with torch.no_grad():
            logits = model(features)

        predictions = torch.argmax(logits, dim=1)
        compare = labels == predictions
        correct += torch.sum(compare)
        total_examples += len(compare)

    return (correct / total_examples).item()


print(compute_accuracy(model, train_loader, device))
print(compute_accuracy(model, test_loader, device))
# --8<-- [end:accuracy]

# --8<-- [start:accuracy-all]
from torch.utils.data import DataLoader

# train_loader drops the last, incomplete batch (drop_last=True): it shows the model 4 of the 5 examples.
every_train_example = DataLoader(train_ds, batch_size=2)
print(compute_accuracy(model, every_train_example, device))
# --8<-- [end:accuracy-all]
