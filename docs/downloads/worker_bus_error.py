import os
import re
import signal

from torch.utils.data import DataLoader, Dataset


class OutOfSharedMemory(Dataset):
    """Stands in for a data set whose batches no longer fit into /dev/shm: its worker gets the signal that the
    kernel sends a process writing to shared memory that has run out, SIGBUS."""

    def __len__(self):
        return 4

    def __getitem__(self, index):
        os.kill(os.getpid(), signal.SIGBUS)


def main():
    loader = DataLoader(OutOfSharedMemory(), batch_size=2, num_workers=1)
    try:
        next(iter(loader))
    except RuntimeError as error:
        # The worker's death, then the loop's own error; the process ids differ on every run.
        for reported in (error.__cause__, error):
            print(re.sub(r"\d+", "...", f"{type(reported).__name__}: {reported}"))


if __name__ == "__main__":  # the workers import this file on macOS, and on Linux from Python 3.14
    main()
