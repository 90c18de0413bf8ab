"""Exercises and their solutions."""

from snippets.errors import shows_error
from snippets.neural_network import NeuralNetwork

# --8<-- [start:version]
import torch

print("PyTorch:", torch.__version__)
# --8<-- [end:version]

# --8<-- [start:gpu]
print("CUDA GPU:", torch.cuda.is_available())
print("Apple GPU:", torch.backends.mps.is_available())
# --8<-- [end:gpu]

# --8<-- [start:reshape]
x = torch.arange(12)
print(x.reshape(3, 4))
print(x.reshape(3, 4).T.reshape(2, 6))
# --8<-- [end:reshape]

with shows_error(RuntimeError):
    # --8<-- [start:view-error]
    x.reshape(3, 4).T.view(2, 6)
    # --8<-- [end:view-error]

# --8<-- [start:parameters]
model = NeuralNetwork(2, 2)
num_params = sum(p.numel() for p in model.parameters() if p.requires_grad)
print(num_params)
# --8<-- [end:parameters]

# --8<-- [start:parameters-by-hand]
layers = [(2, 30), (30, 20), (20, 2)]  # (inputs, outputs) of each Linear layer
print(sum(inputs * outputs + outputs for inputs, outputs in layers))
# --8<-- [end:parameters-by-hand]

# --8<-- [start:timing]
import timeit

import torch.mps  # PyTorch 2.0.1 does not import it with torch


def gpu_of_this_machine():
    """The GPU to compare with: a CUDA GPU, the GPU of an Apple Silicon Mac, or None."""
    if torch.cuda.is_available():
        return "cuda"
    if torch.backends.mps.is_available():
        return "mps"
    return None


def synchronize(device: str) -> None:
    """Wait until `device` has finished the work queued on it: a GPU returns before it has."""
    if device == "cuda":
        torch.cuda.synchronize()
    elif device == "mps":
        torch.mps.synchronize()


def matmul_ms(device: str) -> float:
    """The best time of `a @ b`, a 100×200 times a 200×300 matrix, on `device`, in milliseconds."""
    a = torch.rand(100, 200, device=device)
    b = torch.rand(200, 300, device=device)

    def product() -> None:
        a @ b
        synchronize(device)

    product()  # the first call pays one-time costs; leave it out
    return min(timeit.repeat(product, number=100, repeat=5)) / 100 * 1e3


print(f"CPU: {matmul_ms('cpu'):.3f} ms")
gpu = gpu_of_this_machine()
if gpu is None:
    print("GPU: none on this machine")
else:
    print(f"GPU ({gpu}): {matmul_ms(gpu):.3f} ms")
# --8<-- [end:timing]
