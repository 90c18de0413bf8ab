"""The environment check (docs/setting-up.md) names the right device on machines the test suite is not run on."""

import torch

from snippets import check_environment


def device_line(capsys) -> str:
    check_environment.main()
    return capsys.readouterr().out.splitlines()[-1]


def test_a_cuda_build_without_a_gpu_uses_the_cpu(monkeypatch, capsys) -> None:
    monkeypatch.setattr(torch.version, "cuda", "12.8")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert device_line(capsys) == "Device to use: cpu"


def test_a_cuda_gpu_is_named_and_used(monkeypatch, capsys) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda index: "Some GPU")
    check_environment.main()
    printed = capsys.readouterr().out
    assert "CUDA GPU: Some GPU\n" in printed
    assert printed.endswith("Device to use: cuda\n")


def test_an_apple_gpu_is_used_when_there_is_no_cuda(monkeypatch, capsys) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert device_line(capsys) == "Device to use: mps"
