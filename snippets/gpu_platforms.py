"""GPUs on every platform: the depth behind A.9 (torch.accelerator, the meta device, the Apple GPU, pinned memory)."""

from snippets.toy_data import train_ds

# --8<-- [start:accelerator]
import torch

# PyTorch 2.7 or later. Without check_available=True, the result is the accelerator this build of PyTorch
# was compiled for (CUDA for the default Linux wheel), whether or not the machine has one.
accelerator = torch.accelerator.current_accelerator(check_available=True)  # None when none is usable
device = accelerator if accelerator is not None else torch.device("cpu")
print(device)
# --8<-- [end:accelerator]

# --8<-- [start:meta]
with torch.device("meta"):  # what factory functions and layers create in here goes on the meta device
    big = torch.nn.Linear(50_000, 50_000)  # 2.5 billion weights: 10 GB in float32, none of it allocated

print(big.weight.shape, big.weight.device)
print(big(torch.empty(8, 50_000, device="meta")).shape)  # the output's shape, with nothing computed
# --8<-- [end:meta]

# --8<-- [start:float64]
import numpy as np

array = np.array([1.0, 2.0, 3.0])  # NumPy's floats are 64-bit
features = torch.from_numpy(array)
print(features.dtype)
features = features.to(torch.float32).to(device)  # convert on the CPU: an Apple GPU has no float64
print(features.dtype)
# --8<-- [end:float64]

# --8<-- [start:pinned]
from torch.utils.data import DataLoader

pinned_loader = DataLoader(
    dataset=train_ds,
    batch_size=2,
    shuffle=True,
    drop_last=True,
    pin_memory=device.type == "cuda",  # page-locked batches, which a CUDA GPU copies from directly
)
for features, labels in pinned_loader:
    # From page-locked memory the copy runs in the background, ordered before the GPU work that uses it.
    features = features.to(device, non_blocking=True)
    labels = labels.to(device, non_blocking=True)
print(features.device, labels.device)
# --8<-- [end:pinned]
