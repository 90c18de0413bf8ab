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

# --8<-- [start:autocast]
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
# --8<-- [end:autocast]

# --8<-- [start:grad-scaler]
print("torch.amp.GradScaler:", hasattr(torch.amp, "GradScaler"))
print("torch.cuda.amp.GradScaler:", hasattr(torch.cuda.amp, "GradScaler"))
# --8<-- [end:grad-scaler]

# --8<-- [start:compile]
torch.manual_seed(123)
model = torch.nn.Sequential(torch.nn.Linear(2, 30), torch.nn.ReLU(), torch.nn.Linear(30, 2))
# backend="eager" captures the graph but generates no code: it shows what compiling adds, without a C++ compiler
compiled = torch.compile(model, backend="eager")
features = torch.randn(5, 2)
print("the same result:", torch.equal(compiled(features), model(features)))
print("the same parameters:", next(compiled.parameters()) is next(model.parameters()))
print("its state_dict's names:", list(compiled.state_dict())[:2])  # save model.state_dict() instead
# --8<-- [end:compile]
