"""A.1 What is PyTorch."""

# --8<-- [start:version]
import torch

print(torch.__version__)
# --8<-- [end:version]

# --8<-- [start:cuda]
print(torch.cuda.is_available())
# --8<-- [end:cuda]

# --8<-- [start:mps]
print(torch.backends.mps.is_available())
# --8<-- [end:mps]
