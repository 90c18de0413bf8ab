"""Common errors: the errors a reader of the appendix runs into, each with its fix."""

import pickle

# --8<-- [start:setup]
import torch
import torch.nn.functional as F

# --8<-- [end:setup]
from snippets.errors import shows_error
from snippets.neural_network import NeuralNetwork
from snippets.toy_data import X_train, train_ds, y_train

# --8<-- [start:model]
torch.manual_seed(123)
model = NeuralNetwork(2, 2)
logits = model(X_train)
# --8<-- [end:model]

if not torch.cuda.is_available():  # the page runs this block only on a machine without a CUDA GPU
    with shows_error(RuntimeError):
        # --8<-- [start:cuda-error]
        features = torch.tensor([[-1.2, 3.1], [2.7, -1.5]])
        features.to("cuda")
        # --8<-- [end:cuda-error]

# --8<-- [start:cuda-fix]
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")  # a GPU where there is one
print(device)
# --8<-- [end:cuda-fix]

with shows_error(RuntimeError):
    # --8<-- [start:view-error]
    x = torch.arange(6).reshape(2, 3)
    x.T.view(6)
    # --8<-- [end:view-error]

# --8<-- [start:view-fix]
print(x.T.reshape(6))  # copies only when it must
print(x.T.contiguous().view(6))  # or make the copy explicit
# --8<-- [end:view-fix]

with shows_error(RuntimeError):
    # --8<-- [start:float64-error]
    import numpy as np

    features = torch.from_numpy(np.array([[-1.2, 3.1], [2.7, -1.5]]))  # NumPy's floats are float64
    model(features)
    # --8<-- [end:float64-error]

# --8<-- [start:float64-fix]
print(model(features.float()).shape)  # the model's weights are float32, so the data must be too
# --8<-- [end:float64-fix]

with shows_error(RuntimeError):
    # --8<-- [start:shape-error]
    wrong_model = NeuralNetwork(3, 2)  # three inputs, but the examples have two features
    wrong_model(X_train)
    # --8<-- [end:shape-error]

# --8<-- [start:shape-fix]
right_model = NeuralNetwork(num_inputs=X_train.shape[1], num_outputs=2)
print(right_model(X_train).shape)
# --8<-- [end:shape-fix]

with shows_error(RuntimeError):
    # --8<-- [start:backward-error]
    loss = F.cross_entropy(model(X_train), y_train)
    loss.backward()
    loss.backward()
    # --8<-- [end:backward-error]

# --8<-- [start:backward-fix]
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
for step in range(3):
    loss = F.cross_entropy(model(X_train), y_train)  # a new forward pass builds a new graph
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    print(f"step {step}: loss {loss.item():.2f}")
# --8<-- [end:backward-fix]

with shows_error(RuntimeError):
    # --8<-- [start:numpy-error]
    probabilities = torch.softmax(model(X_train), dim=1)  # computed from the weights: part of the graph
    probabilities.numpy()
    # --8<-- [end:numpy-error]

# --8<-- [start:numpy-fix]
array = probabilities.detach().numpy()  # the same numbers, without the graph
print(type(array).__name__, array.dtype, array.shape)

with torch.no_grad():  # or record no graph in the first place, as when predicting
    array = torch.softmax(model(X_train), dim=1).numpy()
print(type(array).__name__, array.dtype, array.shape)
# --8<-- [end:numpy-fix]

with shows_error(RuntimeError):
    # --8<-- [start:target-dtype-error]
    labels = torch.tensor([0.0, 0.0, 0.0, 1.0, 1.0])  # class labels written with a decimal point: float32
    F.cross_entropy(logits, labels)
    # --8<-- [end:target-dtype-error]

# --8<-- [start:target-dtype-fix]
print(labels.long())
print(F.cross_entropy(logits, labels.long()))
# --8<-- [end:target-dtype-fix]

with shows_error(IndexError):
    # --8<-- [start:target-range-error]
    labels = torch.tensor([1, 1, 1, 2, 2])  # classes numbered from 1, but the model has outputs 0 and 1
    F.cross_entropy(logits, labels)
    # --8<-- [end:target-range-error]

# --8<-- [start:target-range-fix]
print(F.cross_entropy(logits, labels - 1))  # classes numbered from 0
# --8<-- [end:target-range-fix]

with shows_error(pickle.UnpicklingError):
    # --8<-- [start:unsafe-load-error]
    class Payload:
        """What a file posing as a checkpoint can carry: unpickling it calls any function it names."""

        def __reduce__(self):
            return (print, ("This ran while the file was loading.",))

    torch.save({"model": model.state_dict(), "extra": Payload()}, "untrusted.pth")
    torch.load("untrusted.pth", weights_only=True)
    # --8<-- [end:unsafe-load-error]

# --8<-- [start:unsafe-load-fix]
torch.save(model.state_dict(), "model.pth")  # tensors only
state_dict = torch.load("model.pth", weights_only=True)
print(list(state_dict))
# --8<-- [end:unsafe-load-fix]

with shows_error(RuntimeError):
    # --8<-- [start:device-error]
    model_elsewhere = NeuralNetwork(2, 2).to("meta")  # the model is on a second device
    model_elsewhere(X_train)  # the batch is still on the CPU
    # --8<-- [end:device-error]

# --8<-- [start:device-fix]
device = next(model_elsewhere.parameters()).device  # where the model lives
out = model_elsewhere(X_train.to(device))
print(out.device, out.shape)
# --8<-- [end:device-fix]

with shows_error(ValueError):
    # --8<-- [start:sampler-error]
    from torch.utils.data import DataLoader, DistributedSampler

    sampler = DistributedSampler(train_ds, num_replicas=2, rank=0)  # process 0 of 2, as under torchrun
    DataLoader(train_ds, batch_size=2, shuffle=True, sampler=sampler)
    # --8<-- [end:sampler-error]

# --8<-- [start:sampler-fix]
loader = DataLoader(train_ds, batch_size=2, shuffle=False, sampler=sampler)  # the sampler shuffles
for epoch in range(2):
    sampler.set_epoch(epoch)  # a different order every epoch, the same on every process
    print(f"epoch {epoch}:", [labels.tolist() for _, labels in loader])
# --8<-- [end:sampler-fix]

# --8<-- [start:ddp-shares]
for drop_last in (True, False):
    batches = [
        len(DataLoader(train_ds, batch_size=2, drop_last=drop_last, sampler=DistributedSampler(train_ds, 5, rank)))
        for rank in range(5)
    ]
    print(f"5 ranks, drop_last={drop_last}: batches per rank {batches}")
# --8<-- [end:ddp-shares]

# --8<-- [start:out-of-memory-cpu]
import re

try:
    torch.empty(2**62, dtype=torch.uint8)  # 4 EiB, far more memory than any machine has
except RuntimeError as error:
    print(type(error).__name__, "| a torch.cuda.OutOfMemoryError:", isinstance(error, torch.cuda.OutOfMemoryError))
    print(re.search(r"you tried to allocate \d+ bytes", str(error))[0])
# --8<-- [end:out-of-memory-cpu]

# --8<-- [start:out-of-memory-references]
torch.manual_seed(123)
model = NeuralNetwork(num_inputs=2, num_outputs=2)

total_loss = 0.0
for _ in range(3):
    loss = F.cross_entropy(model(X_train), y_train)
    total_loss += loss  # a tensor that keeps every step's graph, and its activations, alive
print(type(total_loss).__name__, "with a graph:", total_loss.grad_fn is not None)

total_loss = 0.0
for _ in range(3):
    loss = F.cross_entropy(model(X_train), y_train)
    total_loss += loss.item()  # a Python number: each step's graph is freed
print(type(total_loss).__name__)

with torch.no_grad():  # evaluation: no graph is recorded at all
    logits = model(X_train)
print("with a graph:", logits.grad_fn is not None)
# --8<-- [end:out-of-memory-references]
