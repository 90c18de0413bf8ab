"""A.5 and exercise A.3: the parameter count follows the formula the pages give; which losses take logits."""

import pytest
import torch
import torch.nn.functional as F

from snippets.neural_network import NeuralNetwork


def formula(num_inputs: int, num_outputs: int) -> int:
    return (num_inputs * 30 + 30) + (30 * 20 + 20) + (20 * num_outputs + num_outputs)


@pytest.mark.parametrize(("num_inputs", "num_outputs", "expected"), [(50, 3, 2213), (2, 2, 752), (7, 11, 1091)])
def test_parameter_count_matches_the_formula(num_inputs, num_outputs, expected):
    model = NeuralNetwork(num_inputs, num_outputs)
    count = sum(p.numel() for p in model.parameters() if p.requires_grad)
    assert count == formula(num_inputs, num_outputs) == expected


def test_cross_entropy_takes_logits_and_binary_cross_entropy_takes_probabilities():
    # cross_entropy and binary_cross_entropy_with_logits apply (log-)softmax or sigmoid themselves;
    # binary_cross_entropy, used in A.3 and A.4, expects probabilities.
    logits, labels = torch.tensor([[2.0, -1.0, 0.5], [0.1, 0.2, 3.0]]), torch.tensor([0, 2])
    assert torch.allclose(F.cross_entropy(logits, labels), F.nll_loss(torch.log_softmax(logits, dim=1), labels))
    z, y = torch.tensor([2.42, -0.7]), torch.tensor([1.0, 0.0])
    assert torch.allclose(F.binary_cross_entropy_with_logits(z, y), F.binary_cross_entropy(torch.sigmoid(z), y))
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        F.binary_cross_entropy(z, y)  # logits are not probabilities
