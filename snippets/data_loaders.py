"""A.6 Setting up efficient data loaders."""

import torch

from snippets.toy_data import train_ds

# --8<-- [start:len]
print(len(train_ds))
# --8<-- [end:len]

# --8<-- [start:shuffled]
from torch.utils.data import DataLoader

torch.manual_seed(123)

train_loader = DataLoader(
    dataset=train_ds,
    batch_size=2,
    shuffle=True,
    num_workers=0,
)

for idx, (x, y) in enumerate(train_loader):
    print(f"Batch {idx + 1}:", x, y)
# --8<-- [end:shuffled]

# The page goes on with snippets/toy_data.py:loaders, which continues the same random stream.
from snippets.toy_data import test_loader, train_loader

# --8<-- [start:drop-last]
for idx, (x, y) in enumerate(train_loader):
    print(f"Batch {idx + 1}:", x, y)
# --8<-- [end:drop-last]

# --8<-- [start:test-loader]
for x, y in test_loader:
    print(x, y)
# --8<-- [end:test-loader]
