"""A.9.1: device selection takes every branch, checked by simulating what the machine has."""

import re

import pytest
import torch

from primer.pages.expand import include
from primer.paths import CONFIG
from snippets import devices

# The device choices the page teaches, as the page shows them.
CHOICES = {
    "choose": include("snippets/devices.py:choose", CONFIG),
    "accelerator": include("snippets/gpu_platforms.py:accelerator", CONFIG),
}


@pytest.mark.parametrize(
    ("cuda", "mps", "expected"),
    [(True, True, "cuda"), (True, False, "cuda"), (False, True, "mps"), (False, False, "cpu")],
)
def test_choose_device_prefers_cuda_then_mps_then_cpu(monkeypatch, cuda, mps, expected):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps)
    assert devices.choose_device() == torch.device(expected)


@pytest.mark.parametrize("section", CHOICES)
@pytest.mark.parametrize("build", ["cuda", "mps"])
def test_a_gpu_build_on_a_machine_without_that_gpu_picks_the_cpu(monkeypatch, capsys, build, section):
    # The default Linux wheel is a CUDA build, also on a laptop without an NVIDIA GPU (and a macOS wheel is
    # an MPS build, also on an Intel Mac): torch.accelerator names the build's accelerator unless asked to
    # check that one is usable.
    def current_accelerator(check_available=False):
        return None if check_available else torch.device(build)

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    monkeypatch.setattr(torch.accelerator, "current_accelerator", current_accelerator)
    namespace = {"torch": torch}
    exec(CHOICES[section], namespace)
    assert namespace["device"] == torch.device("cpu")
    assert capsys.readouterr().out == "cpu\n"


def test_the_main_device_choice_uses_only_apis_that_torch_2_0_has():
    # The book pins torch 2.0.1, which has no torch.accelerator (2.6) nor its check_available argument (2.7).
    # These three calls exist there (torch.backends.mps.is_available since 1.12).
    used = set(re.findall(r"torch(?:\.\w+)+", CHOICES["choose"]))
    assert used == {"torch.cuda.is_available", "torch.backends.mps.is_available", "torch.device"}


def test_the_device_chosen_on_this_machine_holds_a_tensor():
    assert torch.ones(2, device=devices.choose_device()).sum().item() == 2


@pytest.mark.gpu
def test_mixing_a_cuda_and_a_cpu_tensor_fails():
    with pytest.raises(RuntimeError, match="same device"):
        torch.ones(2, device="cuda") + torch.ones(2)
