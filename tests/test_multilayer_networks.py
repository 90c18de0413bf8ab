"""A.5 and exercise A.3: the parameter count follows the formula the pages give."""

import pytest

from snippets.neural_network import NeuralNetwork


def formula(num_inputs: int, num_outputs: int) -> int:
    return (num_inputs * 30 + 30) + (30 * 20 + 20) + (20 * num_outputs + num_outputs)


@pytest.mark.parametrize(("num_inputs", "num_outputs", "expected"), [(50, 3, 2213), (2, 2, 752), (7, 11, 1091)])
def test_parameter_count_matches_the_formula(num_inputs, num_outputs, expected):
    model = NeuralNetwork(num_inputs, num_outputs)
    count = sum(p.numel() for p in model.parameters() if p.requires_grad)
    assert count == formula(num_inputs, num_outputs) == expected
