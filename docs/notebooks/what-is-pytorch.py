"""A.1 What is PyTorch: the code of this chapter of PyTorch Primer, as one script.

Generated from the chapter's page: each `# %%` line starts one of its code blocks, in page order. Run it
with `python what-is-pytorch.py`; it prints what the page shows under each block.
"""

# %% A.1.3 Installing PyTorch
import torch

print(torch.__version__)

# %% Is there a GPU PyTorch can use?
print(torch.cuda.is_available())

# %%
print(torch.backends.mps.is_available())
