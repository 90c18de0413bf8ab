"""The versions the site's outputs were produced with."""

# --8<-- [start:torch]
import torch

print(torch.__version__)
# --8<-- [end:torch]
