"""A.3 Seeing models as computation graphs: the code of this chapter of PyTorch Primer, as one script.

Generated from the chapter's page: each `# %%` line starts one of its code blocks, in page order. Run it
with `python computation-graphs.py`; it prints what the page shows under each block.
"""

# %%
import torch
import torch.nn.functional as F

y = torch.tensor([1.0])  # true label
x1 = torch.tensor([1.1])  # input feature
w1 = torch.tensor([2.2])  # weight parameter
b = torch.tensor([0.0])  # bias unit

z = x1 * w1 + b  # net input
a = torch.sigmoid(z)  # activation and output

loss = F.binary_cross_entropy(a, y)
print(loss)
