"""Since the book's PyTorch 2.0.1: the code of this chapter of PyTorch Primer, as one script.

Generated from the chapter's page: each `# %%` line starts one of its code blocks, in page order. Run it
with `python since-2-0-1.py`; it prints what the page shows under each block.
"""

import traceback  # to print, as the page shows it, each error a block raises on purpose

# %% `torch.load` loads only weights, by default
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

# %%
torch.save({"weights": torch.ones(2), "args": vars(args)}, "checkpoint.pth")
checkpoint = torch.load("checkpoint.pth", weights_only=True)
print("loaded:", checkpoint["args"])

# %% A device-neutral `torch.accelerator`
print(hasattr(torch, "accelerator"))

# %% Mixed precision: `torch.autocast`
torch.manual_seed(123)
layer = torch.nn.Linear(4, 2)
features = torch.randn(3, 4)
with torch.autocast(device_type="cpu", dtype=torch.bfloat16):
    logits = layer(features)  # the matrix multiplication runs in bfloat16
print("result:", logits.dtype)
print("weights:", layer.weight.dtype)  # the parameters stay 32-bit
logits.float().pow(2).mean().backward()  # backward outside the autocast block, as usual
print("gradients:", layer.weight.grad.dtype)
info = torch.finfo(torch.bfloat16)
print(f"bfloat16 keeps {info.bits} bits; eps {info.eps}, resolution {info.resolution}")

# %%
print("torch.amp.GradScaler:", hasattr(torch.amp, "GradScaler"))
print("torch.cuda.amp.GradScaler:", hasattr(torch.cuda.amp, "GradScaler"))

# %% Compiling a model: `torch.compile`
try:
    torch.manual_seed(123)
    model = torch.nn.Sequential(torch.nn.Linear(2, 30), torch.nn.ReLU(), torch.nn.Linear(30, 2))
    # backend="eager" captures the graph but generates no code: it shows what compiling adds, without a C++ compiler
    compiled = torch.compile(model, backend="eager")
    features = torch.randn(5, 2)
    print("the same result:", torch.equal(compiled(features), model(features)))
    print("the same parameters:", next(compiled.parameters()) is next(model.parameters()))
    print("its state_dict's names:", list(compiled.state_dict())[:2])  # save model.state_dict() instead
except Exception as error:  # raised on purpose: the page shows this error; print it and go on
    print("".join(traceback.format_exception_only(error)), end="")
