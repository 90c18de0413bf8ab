"""Exercises and their solutions."""

from snippets.errors import shows_error
from snippets.neural_network import NeuralNetwork

# --8<-- [start:versions]
import torch

print("PyTorch:", torch.__version__)
print("CUDA GPU:", torch.cuda.is_available())
print("Apple GPU:", torch.backends.mps.is_available())
# --8<-- [end:versions]

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
import torch.utils.benchmark as benchmark

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
a = torch.rand(1000, 1000, device=device)
b = torch.rand(1000, 1000, device=device)

# Timer warms up, repeats, and waits for the GPU to finish before reading the clock.
timer = benchmark.Timer(stmt="a @ b", globals={"a": a, "b": b})
measurement = timer.blocked_autorange(min_run_time=0.2)
print(f"{device.type}: {measurement.median * 1e3:.1f} ms")
# --8<-- [end:timing]
