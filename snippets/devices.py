"""A.9.1 Computations on devices."""

from snippets.errors import shows_error

# --8<-- [start:choose]
import torch


def choose_device():
    """The fastest device this machine offers: a CUDA GPU, then an Apple GPU, then the CPU."""
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


device = choose_device()
print(device)
# --8<-- [end:choose]

# --8<-- [start:cuda]
device = torch.device("cuda")  # the current CUDA GPU; "cuda:1" picks the second one
print(device.type)
# --8<-- [end:cuda]

# --8<-- [start:mps]
device = torch.device("mps")  # the GPU of an Apple Silicon Mac
print(device.type)
# --8<-- [end:mps]

# --8<-- [start:cpu]
device = torch.device("cpu")
print(device.type)
# --8<-- [end:cpu]

# --8<-- [start:move-tensors]
device = choose_device()
tensor_1 = torch.tensor([1.0, 2.0, 3.0]).to(device)
tensor_2 = torch.tensor([4.0, 5.0, 6.0]).to(device)
print(tensor_1 + tensor_2)
# --8<-- [end:move-tensors]

# --8<-- [start:to-semantics]
t = torch.tensor([1.0, 2.0, 3.0])
print(t.to(t.device) is t)  # already there: .to returns the tensor itself
print(t.to(torch.float64) is t)  # a change: .to returns a new tensor, `t` is unchanged

model = torch.nn.Linear(3, 1)
print(model.to(device) is model)  # modules move in place and return themselves
# --8<-- [end:to-semantics]

with shows_error(RuntimeError):
    # --8<-- [start:mixed-devices]
    on_meta = torch.tensor([1.0, 2.0, 3.0], device="meta")
    on_cpu = torch.tensor([4.0, 5.0, 6.0])
    on_meta + on_cpu
    # --8<-- [end:mixed-devices]

# --8<-- [start:cpu-scalar]
print((on_meta + torch.tensor(2.0)).device)  # a 0-dimensional CPU tensor counts as a number
# --8<-- [end:cpu-scalar]
