"""Check that this Python environment is ready for the book's code: python check_environment.py

Prints the versions of Python, PyTorch and NumPy, which accelerators PyTorch can use, and the device a
training script should pick. Runs with any PyTorch from 2.0 on.
"""

import platform

import numpy
import torch


def main() -> None:
    print(f"Python:  {platform.python_version()}")
    print(f"PyTorch: {torch.__version__}")
    print(f"NumPy:   {numpy.__version__}")

    cuda = torch.cuda.is_available()
    print(f"CUDA GPU available: {cuda}")
    if cuda:
        print(f"CUDA GPU: {torch.cuda.get_device_name(0)}")
    elif torch.version.cuda is not None:
        print("This is a CUDA build of PyTorch, but it finds no usable NVIDIA GPU or driver.")
    mps = torch.backends.mps.is_available()
    print(f"Apple GPU (MPS) available: {mps}")

    device = torch.device("cuda" if cuda else "mps" if mps else "cpu")
    print(f"Device to use: {device}")


if __name__ == "__main__":
    main()
