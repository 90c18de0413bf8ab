"""Used later in the book: the code of this chapter of PyTorch Primer, as one script.

Generated from the chapter's page: each `# %%` line starts one of its code blocks, in page order. Run it
with `python used-later.py`; it prints what the page shows under each block.
"""

# %%
import torch


class NeuralNetwork(torch.nn.Module):
    def __init__(self, num_inputs, num_outputs):
        super().__init__()

        self.layers = torch.nn.Sequential(
            # 1st hidden layer
            torch.nn.Linear(num_inputs, 30),
            torch.nn.ReLU(),
            # 2nd hidden layer
            torch.nn.Linear(30, 20),
            torch.nn.ReLU(),
            # output layer
            torch.nn.Linear(20, num_outputs),
        )

    def forward(self, x):
        logits = self.layers(x)
        return logits

# %%
import torch

X_train = torch.tensor([
    [-1.2, 3.1],
    [-0.9, 2.9],
    [-0.5, 2.6],
    [2.3, -1.1],
    [2.7, -1.5],
])
y_train = torch.tensor([0, 0, 0, 1, 1])

X_test = torch.tensor([
    [-0.8, 2.8],
    [2.6, -1.6],
])
y_test = torch.tensor([0, 1])

# %%
import torch
import torch.nn.functional as F

# %% Embeddings: a lookup table that learns
torch.manual_seed(123)
embedding = torch.nn.Embedding(num_embeddings=6, embedding_dim=3)  # a vocabulary of 6 tokens, 3 numbers each
token_ids = torch.tensor([[2, 3, 5], [1, 2, 2]])  # a batch of 2 texts, 3 token ids each
vectors = embedding(token_ids)
print(vectors.shape)
print(torch.equal(vectors[0, 0], embedding.weight[2]))  # a lookup: row 2 of the weight matrix

# %% A causal mask: `torch.tril` and `masked_fill`
torch.manual_seed(123)
scores = torch.rand(4, 4)  # attention scores of 4 tokens for each other
mask = torch.tril(torch.ones(4, 4))  # 1 where a token may look: at itself and the tokens before it
print(mask)
masked = scores.masked_fill(mask == 0, -torch.inf)
weights = torch.softmax(masked, dim=-1)  # exp(-inf) is 0: no weight on future tokens
print(weights.round(decimals=2))

# %% Attention heads: `view` and `transpose(1, 2)`
torch.manual_seed(123)
batch, tokens, d_out, num_heads = 2, 4, 6, 3
head_dim = d_out // num_heads
queries = torch.rand(batch, tokens, d_out)

# Split the last dimension into heads, then put the head dimension before the tokens.
heads = queries.view(batch, tokens, num_heads, head_dim).transpose(1, 2)
print(heads.shape)  # (batch, heads, tokens, head_dim)
scores = heads @ heads.transpose(2, 3)  # every head attends on its own
print(scores.shape)  # (batch, heads, tokens, tokens)
context = torch.softmax(scores, dim=-1) @ heads  # a new tensor, laid out head by head
print(context.shape)  # (batch, heads, tokens, head_dim)

# Back to (batch, tokens, d_out). Undoing the transpose of `heads` restores the layout of `queries`, but
# `context` lies in memory head by head: swapped back, it is not contiguous, and `view` needs a copy.
print(heads.transpose(1, 2).is_contiguous(), context.transpose(1, 2).is_contiguous())
merged = context.transpose(1, 2).contiguous().view(batch, tokens, d_out)
print(merged.shape)

# %% Dropout in `train()` and in `eval()`
torch.manual_seed(123)
dropout = torch.nn.Dropout(p=0.5)
x = torch.ones(2, 6)
dropout.train()  # training: zero half of the values at random, scale the rest by 1 / (1 - p)
print(dropout(x))
dropout.eval()  # evaluation: pass everything through unchanged
print(dropout(x))

# %% `register_buffer`: state that is not trained
class CausalMask(torch.nn.Module):
    def __init__(self, context_length):
        super().__init__()
        # A buffer: part of the module's state and moved by .to(), but not a parameter, so never trained.
        self.register_buffer("mask", torch.triu(torch.ones(context_length, context_length), diagonal=1))

    def forward(self, scores):
        n = scores.shape[-1]
        return scores.masked_fill(self.mask.bool()[:n, :n], -torch.inf)


masking = CausalMask(context_length=4)
print(list(masking.state_dict()))  # saved with the model
print(list(masking.parameters()))  # but nothing for an optimizer
print(masking.to("meta").mask.device)  # and it moves with the module

# %% Cross-entropy over every token: `flatten(0, 1)`
torch.manual_seed(123)
logits = torch.randn(2, 3, 5)  # a batch of 2 texts, 3 tokens each, scores for a vocabulary of 5
targets = torch.tensor([[1, 0, 4], [2, 2, 3]])  # the token that should come next at each position
print(logits.flatten(0, 1).shape, targets.flatten().shape)  # one row per token, one target per row
loss = F.cross_entropy(logits.flatten(0, 1), targets.flatten())
print(loss)

# %% AdamW
torch.manual_seed(123)
model = NeuralNetwork(2, 2)
# Adam with decoupled weight decay: every step also shrinks the weights a little, towards zero.
optimizer = torch.optim.AdamW(model.parameters(), lr=0.01, weight_decay=0.1)
for step in range(5):
    loss = F.cross_entropy(model(X_train), y_train)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    print(f"step {step}: loss {loss.item():.3f}")
