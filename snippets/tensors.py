"""A.2 Understanding tensors."""

from snippets.errors import shows_error

# --8<-- [start:ranks]
import torch

scalar = torch.tensor(1)  # rank 0
vector = torch.tensor([1, 2, 3])  # rank 1
matrix = torch.tensor([[1, 2], [3, 4]])  # rank 2
cube = torch.tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]])  # rank 3

for name, t in [("scalar", scalar), ("vector", vector), ("matrix", matrix), ("cube", cube)]:
    print(f"{name:<6} rank={t.ndim} shape={tuple(t.shape)}")
# --8<-- [end:ranks]

# --8<-- [start:numpy]
import numpy as np

array = np.array([1.0, 2.0, 3.0])
copied = torch.tensor(array)  # a copy of the data
shared = torch.from_numpy(array)  # the same memory as `array`

array[0] = 100.0
print(copied)
print(shared)
# --8<-- [end:numpy]

# --8<-- [start:dtype-defaults]
print(torch.tensor([1, 2, 3]).dtype)
print(torch.tensor([1.0, 2.0, 3.0]).dtype)
# --8<-- [end:dtype-defaults]

# --8<-- [start:dtype-to]
floats = torch.tensor([1, 2, 3]).to(torch.float32)
print(floats, floats.dtype)
# --8<-- [end:dtype-to]

# --8<-- [start:shape]
t = torch.tensor([[1, 2, 3], [4, 5, 6]])
print(t.shape)
# --8<-- [end:shape]

# --8<-- [start:reshape]
print(t.reshape(3, 2))
print(t.view(3, 2))
# --8<-- [end:reshape]

# --8<-- [start:transpose]
print(t.T)
print(t.T.is_contiguous())
print(t.stride(), t.T.stride())
# --8<-- [end:transpose]

# --8<-- [start:transpose-batch]
batch = torch.arange(12).reshape(2, 2, 3)  # two 2x3 matrices
print(batch.mT.shape)  # the last two dimensions swapped: two 3x2 matrices
print(batch.transpose(1, 2).shape)  # the same, naming the dimensions
# --8<-- [end:transpose-batch]

with shows_error(RuntimeError):
    # --8<-- [start:view-error]
    t.T.view(6)
    # --8<-- [end:view-error]

# --8<-- [start:view-non-contiguous]
print(t.T.view(3, 1, 2).shape)  # a new dimension of size 1 fits the strides of t.T
row = torch.tensor([[1, 2, 3]])
print(row.T.is_contiguous())  # one row: its transpose keeps the elements in the same order
# --8<-- [end:view-non-contiguous]

# --8<-- [start:reshape-copies]
print(t.T.reshape(6))
# --8<-- [end:reshape-copies]

# --8<-- [start:matmul]
print(t.matmul(t.T))
print(t @ t.T)
# --8<-- [end:matmul]

with shows_error(RuntimeError):
    # --8<-- [start:matmul-error]
    t @ t
    # --8<-- [end:matmul-error]
