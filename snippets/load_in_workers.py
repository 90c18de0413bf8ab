"""A.6 Loading in worker processes, from a script: the toy data set of A.6 loaded by two workers.

    python -m snippets.load_in_workers

The page shows it as one file, load_in_workers.py, with the data set of A.6 pasted in;
tests/test_data_loaders.py runs that file under the `spawn` start method, as macOS and Windows do.
"""

import torch

from snippets.toy_data import train_ds


# --8<-- [start:main]
from torch.utils.data import DataLoader


def main():
    torch.manual_seed(123)
    train_loader = DataLoader(
        dataset=train_ds,
        batch_size=2,
        shuffle=True,
        num_workers=2,
        persistent_workers=True,  # start the workers once, not at every epoch
    )
    for epoch in range(3):
        labels = [y.tolist() for _, y in train_loader]
        print(f"Epoch {epoch + 1}: labels {labels}")


# --8<-- [end:main]

# --8<-- [start:entry]
if __name__ == "__main__":  # true only in the process you started, not in the workers that import this file
    main()
# --8<-- [end:entry]
