"""A.7 A typical training loop."""

import torch

from snippets.errors import shows_error
from snippets.toy_data import X_train, test_loader, train_ds, train_loader, y_train
from snippets.neural_network import NeuralNetwork

# --8<-- [start:train]
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
# --8<-- [end:train]

# --8<-- [start:logits]
model.eval()
with torch.no_grad():
    outputs = model(X_train)
print(outputs)
# --8<-- [end:logits]

# --8<-- [start:probabilities]
torch.set_printoptions(sci_mode=False)
probas = torch.softmax(outputs, dim=1)
print(probas)
# --8<-- [end:probabilities]

# --8<-- [start:predictions]
predictions = torch.argmax(probas, dim=1)
print(predictions)
print(torch.argmax(outputs, dim=1))  # softmax keeps the order, so the logits give the same answer
print(predictions == y_train)
print(torch.sum(predictions == y_train))
# --8<-- [end:predictions]

# --8<-- [start:inference-mode]
with torch.no_grad():
    outputs = model(X_train)
print(outputs.requires_grad, outputs.is_inference())

with torch.inference_mode():
    outputs = model(X_train)
print(outputs.requires_grad, outputs.is_inference())
# --8<-- [end:inference-mode]

# --8<-- [start:inference-tensors]
weights = torch.ones(3, requires_grad=True)
normal = torch.ones(3)
with torch.inference_mode():
    created = normal * 2  # a new tensor: an inference tensor
    view = normal[:2]  # a view of a normal tensor: a normal tensor
print(created.is_inference(), view.is_inference())

(weights + created).sum().backward()  # the gradient of a sum needs no input saved: allowed
print(weights.grad)
# --8<-- [end:inference-tensors]

with shows_error(RuntimeError):
    # --8<-- [start:inference-tensor-error]
    with torch.inference_mode():
        features = X_train / X_train.abs().max()  # say, preprocessing done in inference mode
    loss = F.cross_entropy(model(features), y_train)  # training on it fails
    # --8<-- [end:inference-tensor-error]


# --8<-- [start:accuracy]
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


# --8<-- [end:accuracy]


# --8<-- [start:evaluate]
print(compute_accuracy(model, train_loader))
print(compute_accuracy(model, test_loader))
# --8<-- [end:evaluate]

# --8<-- [start:evaluate-all]
from torch.utils.data import DataLoader

# train_loader drops the last, incomplete batch (drop_last=True): it shows the model 4 of the 5 examples.
every_train_example = DataLoader(train_ds, batch_size=2)
print(compute_accuracy(model, every_train_example))
# --8<-- [end:evaluate-all]
