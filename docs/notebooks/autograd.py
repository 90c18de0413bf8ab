"""A.4 Automatic differentiation made easy: the code of this chapter of PyTorch Primer, as one script.

Generated from the chapter's page: each `# %%` line starts one of its code blocks, in page order. Run it
with `python autograd.py`; it prints what the page shows under each block.
"""

# %%
import torch
import torch.nn.functional as F
from torch.autograd import grad

y = torch.tensor([1.0])
x1 = torch.tensor([1.1])
w1 = torch.tensor([2.2], requires_grad=True)
b = torch.tensor([0.0], requires_grad=True)

z = x1 * w1 + b
a = torch.sigmoid(z)
loss = F.binary_cross_entropy(a, y)
print(loss)

# %% Gradients by the chain rule
grad_L_w1 = grad(loss, w1, retain_graph=True)
grad_L_b = grad(loss, b, retain_graph=True)

print(grad_L_w1)
print(grad_L_b)

# %% Calling `backward()`
loss.backward()

print(w1.grad)
print(b.grad)

# %% Gradients accumulate
z = x1 * w1 + b  # the same forward pass again, recording a new graph
a = torch.sigmoid(z)
loss = F.binary_cross_entropy(a, y)
loss.backward()  # a second backward pass, without clearing .grad first

print(w1.grad)  # the new gradient was added to the stored one
print(b.grad)
