"""A.2 Understanding tensors: the code of this chapter of PyTorch Primer, as one script.

Generated from the chapter's page: each `# %%` line starts one of its code blocks, in page order. Run it
with `python tensors.py`; it prints what the page shows under each block.
"""

import traceback  # to print, as the page shows it, each error a block raises on purpose

# %% A.2.1 Scalars, vectors, matrices and tensors
import torch

scalar = torch.tensor(1)  # rank 0
vector = torch.tensor([1, 2, 3])  # rank 1
matrix = torch.tensor([[1, 2], [3, 4]])  # rank 2
cube = torch.tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]])  # rank 3

for name, t in [("scalar", scalar), ("vector", vector), ("matrix", matrix), ("cube", cube)]:
    print(f"{name:<6} rank={t.ndim} shape={tuple(t.shape)}")

# %% From NumPy and back
import numpy as np

array = np.array([1.0, 2.0, 3.0])
copied = torch.tensor(array)  # a copy of the data
shared = torch.from_numpy(array)  # the same memory as `array`

array[0] = 100.0
print(copied)
print(shared)

# %% A.2.2 Tensor data types
print(torch.tensor([1, 2, 3]).dtype)
print(torch.tensor([1.0, 2.0, 3.0]).dtype)

# %%
floats = torch.tensor([1, 2, 3]).to(torch.float32)
print(floats, floats.dtype)

# %% A.2.3 Common tensor operations
t = torch.tensor([[1, 2, 3], [4, 5, 6]])
print(t.shape)

# %% Reshaping: `reshape` and `view`
print(t.reshape(3, 2))
print(t.view(3, 2))

# %% Transposing
print(t.T)
print(t.T.is_contiguous())
print(t.stride(), t.T.stride())

# %%
batch = torch.arange(12).reshape(2, 2, 3)  # two 2x3 matrices
print(batch.mT.shape)  # the last two dimensions swapped: two 3x2 matrices
print(batch.transpose(1, 2).shape)  # the same, naming the dimensions

# %%
try:
    t.T.view(6)
except Exception as error:  # raised on purpose: the page shows this error; print it and go on
    print("".join(traceback.format_exception_only(error)), end="")

# %%
print(t.T.reshape(6))

# %%
print(t.T.view(3, 1, 2).shape)  # a new dimension of size 1 fits the strides of t.T
row = torch.tensor([[1, 2, 3]])
print(row.T.is_contiguous())  # one row: its transpose keeps the elements in the same order

# %% Matrix multiplication
print(t.matmul(t.T))
print(t @ t.T)

# %%
try:
    t @ t
except Exception as error:  # raised on purpose: the page shows this error; print it and go on
    print("".join(traceback.format_exception_only(error)), end="")
