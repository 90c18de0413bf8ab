"""Exercises: the code of this chapter of PyTorch Primer, as one script.

Generated from the chapter's page: each `# %%` line starts one of its code blocks, in page order. Run it
with `python exercises.py`; it prints what the page shows under each block.
"""

import traceback  # to print, as the page shows it, each error a block raises on purpose

# %% Exercise A.1: install PyTorch
import torch

print("PyTorch:", torch.__version__)

# %% Exercise A.2: check your environment
print("CUDA GPU:", torch.cuda.is_available())
print("Apple GPU:", torch.backends.mps.is_available())

# %% Exercise A.3: count the parameters
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
model = NeuralNetwork(2, 2)
num_params = sum(p.numel() for p in model.parameters() if p.requires_grad)
print(num_params)

# %%
layers = [(2, 30), (30, 20), (20, 2)]  # (inputs, outputs) of each Linear layer
print(sum(inputs * outputs + outputs for inputs, outputs in layers))

# %% Exercise A.4: time a matrix multiplication
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

# %% Beyond the book: reshape after a transpose
x = torch.arange(12)
print(x.reshape(3, 4))
print(x.reshape(3, 4).T.reshape(2, 6))

# %%
try:
    x.reshape(3, 4).T.view(2, 6)
except Exception as error:  # raised on purpose: the page shows this error; print it and go on
    print("".join(traceback.format_exception_only(error)), end="")
