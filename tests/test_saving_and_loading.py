"""A.8: a saved model loads with identical predictions, and the page's loading code refuses a malicious pickle."""

import pathlib
import pickle
from pathlib import Path

import pytest
import torch

from primer.pages.expand import include
from primer.paths import CONFIG
from snippets.neural_network import NeuralNetwork
from snippets.toy_data import X_test, X_train, train_ds

LOAD = include("snippets/saving_and_loading.py:load", CONFIG)  # the code the page shows
MAP_LOCATION = include("snippets/saving_and_loading.py:map-location", CONFIG)


def load_as_the_page_does(directory: Path, monkeypatch: pytest.MonkeyPatch) -> torch.nn.Module:
    namespace = {"torch": torch, "NeuralNetwork": NeuralNetwork}
    monkeypatch.chdir(directory)  # the page loads "model.pth" from the working directory
    exec(LOAD, namespace)
    return namespace["model"]


def test_save_then_load_gives_identical_predictions(tmp_path, monkeypatch):
    from snippets.training_loop import model

    torch.save(model.state_dict(), tmp_path / "model.pth")
    loaded = load_as_the_page_does(tmp_path, monkeypatch)
    model.eval()
    loaded.eval()
    with torch.no_grad():
        for X in (X_train, X_test):
            assert torch.equal(model(X), loaded(X))


class Payload:
    """Unpickling this object touches a file: it stands for any code an attacker wants to run."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (pathlib.Path.touch, (self.marker,))


def test_the_documented_loading_code_refuses_a_malicious_checkpoint(tmp_path, monkeypatch):
    marker = tmp_path / "payload-ran"
    checkpoint = {**NeuralNetwork(2, 2).state_dict(), "payload": Payload(marker)}
    torch.save(checkpoint, tmp_path / "model.pth")

    with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
        load_as_the_page_does(tmp_path, monkeypatch)
    assert not marker.exists()

    # The payload is real: loading without weights_only runs it.
    torch.load(tmp_path / "model.pth", weights_only=False)
    assert marker.exists()


@pytest.mark.skipif(torch.cuda.is_available(), reason="with a CUDA GPU the checkpoint loads without map_location")
def test_map_location_loads_a_gpu_checkpoint_on_a_machine_without_a_gpu(tmp_path, monkeypatch, capsys):
    # A checkpoint saved from a CUDA GPU records "cuda:0" as the place of every tensor; stand in for one.
    monkeypatch.setattr(torch.serialization, "location_tag", lambda storage: "cuda:0")
    torch.save(NeuralNetwork(2, 2).state_dict(), tmp_path / "model.pth")
    monkeypatch.undo()

    with pytest.raises(RuntimeError, match="map_location"):
        torch.load(tmp_path / "model.pth", weights_only=True)
    monkeypatch.chdir(tmp_path)
    namespace = {"torch": torch}
    exec(MAP_LOCATION, namespace)  # the page's code
    assert all(tensor.device.type == "cpu" for tensor in namespace["state_dict"].values())
    assert capsys.readouterr().out == "{'cpu'}\n"


EXACT = [
    include(f"snippets/saving_and_loading.py:{section}", CONFIG)
    for section in ("exact-uninterrupted", "exact-differs", "exact-checkpoint", "exact-resume")
]


def test_resuming_with_the_generators_gives_the_uninterrupted_weights(tmp_path, monkeypatch):
    """The page's exact resumption, run as the page runs it: the recipe without the generators' states
    ends with other weights than four epochs without a break; with them, with the very same weights."""
    import torch.nn.functional as F

    monkeypatch.chdir(tmp_path)  # the page saves checkpoint.pth in its working directory
    namespace = {
        "torch": torch,
        "F": F,
        "NeuralNetwork": NeuralNetwork,
        "train_ds": train_ds,
        "print": lambda *args: None,
    }
    uninterrupted, differs, checkpoint, resume = EXACT
    exec(uninterrupted, namespace)
    expected = {name: tensor.clone() for name, tensor in namespace["uninterrupted"].items()}

    exec(differs, namespace)
    assert not namespace["same_weights"](namespace["model"].state_dict(), expected)

    exec(checkpoint, namespace)
    exec(resume, namespace)
    resumed = namespace["model"].state_dict()
    assert resumed.keys() == expected.keys()
    for name, tensor in expected.items():
        assert torch.equal(resumed[name], tensor), name
