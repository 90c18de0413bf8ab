"""GPUs on every platform: the code of this chapter of PyTorch Primer, as one script.

Generated from the chapter's page: each `# %%` line starts one of its code blocks, in page order. Run it
with `python gpu-platforms.py`; it prints what the page shows under each block.
"""

import traceback  # to print, as the page shows it, each error a block raises on purpose

# %% Choosing the device
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

# %% `torch.accelerator`: PyTorch 2.7 and later
try:
    import torch
    
    # PyTorch 2.7 or later. Without check_available=True, the result is the accelerator this build of PyTorch
    # was compiled for (CUDA for the default Linux wheel), whether or not the machine has one.
    accelerator = torch.accelerator.current_accelerator(check_available=True)  # None when none is usable
    device = accelerator if accelerator is not None else torch.device("cpu")
    print(device)
except Exception as error:  # raised on purpose: the page shows this error; print it and go on
    print("".join(traceback.format_exception_only(error)), end="")

# %% The meta device
with torch.device("meta"):  # what factory functions and layers create in here goes on the meta device
    big = torch.nn.Linear(50_000, 50_000)  # 2.5 billion weights: 10 GB in float32, none of it allocated

print(big.weight.shape, big.weight.device)
print(big(torch.empty(8, 50_000, device="meta")).shape)  # the output's shape, with nothing computed

# %% No 64-bit floats
import numpy as np

array = np.array([1.0, 2.0, 3.0])  # NumPy's floats are 64-bit
features = torch.from_numpy(array)
print(features.dtype)
features = features.to(torch.float32).to(device)  # convert on the CPU: an Apple GPU has no float64
print(features.dtype)

# %% Pinned memory
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

# %%
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

# The page saves a script as ddp_training.py (download it from the page) and starts it below.

# The page runs, in a shell:
#   torchrun --standalone --nproc_per_node=gpu ddp_training.py

# The page runs, in a shell:
#   OMP_NUM_THREADS=1 torchrun --standalone --nproc_per_node=2 ddp_training.py

# The page runs, in a shell:
#   OMP_NUM_THREADS=1 python -c "import torch; print(torch.get_num_threads())"
