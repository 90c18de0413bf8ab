"""A.9.2: the A.7 loop with the three device changes reaches 100 % accuracy on the chosen device."""

import pytest
import torch

from primer.pages.expand import include
from primer.paths import CONFIG

TRAIN = include("snippets/single_device_training.py:train", CONFIG)
ACCURACY = include("snippets/single_device_training.py:accuracy", CONFIG)


def train_on(device_name: str, capsys) -> tuple[float, float]:
    from snippets.neural_network import NeuralNetwork
    from snippets.toy_data import test_loader, train_loader

    namespace = {
        "torch": torch,
        "NeuralNetwork": NeuralNetwork,
        "train_loader": train_loader,
        "test_loader": test_loader,
        "choose_device": lambda: torch.device(device_name),
    }
    exec(TRAIN, namespace)
    exec(ACCURACY, namespace)
    assert namespace["model"].layers[0].weight.device.type == device_name
    *_, train_accuracy, test_accuracy = capsys.readouterr().out.split()
    return float(train_accuracy), float(test_accuracy)


def test_training_on_the_cpu_reaches_full_accuracy(capsys):
    assert train_on("cpu", capsys) == (1.0, 1.0)


@pytest.mark.gpu
def test_training_on_a_cuda_gpu_reaches_full_accuracy(capsys):
    assert train_on("cuda", capsys) == (1.0, 1.0)
