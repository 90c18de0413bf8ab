"""A.9.2: the A.7 loop with the three device changes reaches 100 % accuracy on the chosen device, and the page
highlights exactly the lines that differ from A.7's loop."""

import difflib
import re

import pytest
import torch

from primer.pages.blocks import parse_info
from primer.pages.expand import include
from primer.paths import CONFIG, DOCS

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


def highlighted(page_text: str, target: str) -> list[int]:
    """The lines the page highlights (`hl_lines`) in the block that includes `target`."""
    found = re.search(rf'^```(?P<info>[^\n]*)\n--8<-- "{re.escape(target)}"\n```$', page_text, re.MULTILINE)
    assert found, f"no block shows {target}"
    numbers = []
    for part in parse_info(found["info"])[1].get("hl_lines", "").split():
        first, _, last = part.partition("-")
        numbers += range(int(first), int(last or first) + 1)
    return numbers


def lines_added_to(before: str, after: str) -> tuple[list[int], list[str]]:
    """The 1-based lines of `after` that `before` lacks (blank ones aside), and the lines of `before` it lacks."""
    old, new = before.split("\n"), after.split("\n")
    added, removed = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        added += [j + 1 for j in range(j1, j2) if tag in ("insert", "replace") and new[j].strip()]
        removed += [old[i] for i in range(i1, i2) if tag in ("delete", "replace") and old[i].strip()]
    return added, removed


def test_the_page_highlights_exactly_the_three_lines_that_differ_from_the_a7_loop():
    page = (DOCS / "gpu-training.md").read_text(encoding="utf-8")
    added, removed = lines_added_to(include("snippets/training_loop.py:train", CONFIG), TRAIN)
    assert not removed, f"the A.9 loop leaves out lines of A.7's: {removed}"
    assert len(added) == 3, [TRAIN.split("\n")[n - 1] for n in added]
    assert highlighted(page, "snippets/single_device_training.py:train") == added, (
        f"docs/gpu-training.md should highlight lines {added} of the A.9.2 loop (hl_lines), the lines it adds to A.7's"
    )
