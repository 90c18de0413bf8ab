"""What a reader of the book, written for PyTorch 2.0.1, meets in the PyTorch of today."""

# --8<-- [start:load-default]
import argparse
import pickle

import torch

args = argparse.Namespace(learning_rate=0.5, num_epochs=3)  # a training script's settings
torch.save({"weights": torch.ones(2), "args": args}, "checkpoint.pth")
try:
    checkpoint = torch.load("checkpoint.pth")
    print("loaded:", checkpoint["args"])
except pickle.UnpicklingError as error:
    print("refused:", type(error).__name__)
# --8<-- [end:load-default]

# --8<-- [start:load-plain]
torch.save({"weights": torch.ones(2), "args": vars(args)}, "checkpoint.pth")
checkpoint = torch.load("checkpoint.pth", weights_only=True)
print("loaded:", checkpoint["args"])
# --8<-- [end:load-plain]

# --8<-- [start:accelerator]
print(hasattr(torch, "accelerator"))
# --8<-- [end:accelerator]
