"""Common errors: the messages the page quotes, not runs, are the ones the installed PyTorch writes.

A message that only a GPU, or a build this project does not test with, can produce is shown in a block titled
"Quoted, not run: ...". Each such block is checked here against the installed PyTorch: where the text lives in
its Python source, that code is run with what it needs stood in (no CUDA functions, a Pascal GPU) and its
message compared with the quote; the words of a CUDA error come from the CUDA runtime, whose library the
default Linux wheel installs beside torch, and are looked for there. A `...` line stands for lines left out.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
import torch

from primer.paths import DOCS
from tests import dependencies

PAGE = DOCS / "common-errors.md"
QUOTED = re.compile(r'^``` \{ \.text title="Quoted, not run: ([^"]+)" \}\n(.*?)^```$', re.DOTALL | re.MULTILINE)


def quoted() -> dict[str, str]:
    """The page's quoted blocks: title (after "Quoted, not run: ") -> text."""
    return dict(QUOTED.findall(PAGE.read_text(encoding="utf-8")))


def shown_as_quoted(quote: str, printed: str) -> list[str]:
    """The lines of a quote (`...` aside) that are not lines of what was printed, in that order (spaces at the
    end of a line aside, which the page cannot show)."""
    lines, missing, at = [line.rstrip() for line in printed.splitlines()], [], 0
    for line in (line.rstrip() for line in quote.splitlines()):
        if line == "...":
            continue
        try:
            at = lines.index(line, at) + 1
        except ValueError:
            missing.append(line)
    return missing


def test_a_quote_must_match_line_for_line():
    assert shown_as_quoted("a\n...\nc", "a\nb\nc") == []
    assert shown_as_quoted("a\nc\n", "a\nb\nc") == []
    assert shown_as_quoted("c\na", "a\nb\nc") == ["a"], "the order counts"
    assert shown_as_quoted("a\nb!", "a\nb\nc") == ["b!"]


def cpu_only_build(monkeypatch) -> str:
    """What `.to("cuda")` raises where torch has no CUDA functions, as in a CPU-only build."""
    monkeypatch.delattr(torch._C, "_cuda_getDeviceCount")
    with pytest.raises(AssertionError) as raised:
        torch.cuda._lazy_init()
    return f"AssertionError: {raised.value}"


PASCAL = ("NVIDIA GeForce GTX 1080", (6, 1))  # the GPU the page's quote names


def pascal_gpu(monkeypatch) -> str:
    """The warnings the installed PyTorch's first use of CUDA gives on a Pascal GPU (its capability checks, run
    with the GPU stood in), then the CUDA runtime's message for a kernel it cannot run, as torch raises it."""
    if torch.version.cuda is None:
        dependencies.not_here("a CPU-only torch runs no capability check")
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda device=None: PASCAL[0])
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda device=None: PASCAL[1])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        torch.cuda._check_capability()
        torch.cuda._check_cubins()
    shown = [f"{warning.category.__name__}: {warning.message}" for warning in caught]
    # The words of the error are the CUDA runtime's, found in the library pip installed beside torch.
    runtime = next(Path(torch.__file__).parent.parent.glob("nvidia/cu*/lib/libcudart.so*"), None)
    if runtime is None:
        dependencies.not_here("no CUDA runtime is installed beside torch (not a Linux CUDA wheel)")
    message = "no kernel image is available for execution on the device"
    assert message.encode() in runtime.read_bytes(), f"{runtime.name} has no message {message!r}"
    assert issubclass(torch.AcceleratorError, RuntimeError)
    return "\n".join([*shown, f"torch.AcceleratorError: CUDA error: {message}"])


PRODUCERS = {
    "a CPU-only build of PyTorch": cpu_only_build,
    "a Pascal GPU with the default CUDA 13 wheel": pascal_gpu,
}


def test_every_quoted_block_is_checked():
    assert set(quoted()) == set(PRODUCERS), "each quoted block needs its producer here, and each producer a block"


@pytest.mark.parametrize("title", list(PRODUCERS))
def test_a_quoted_message_is_what_the_installed_pytorch_writes(title, monkeypatch):
    quote = quoted()[title]
    printed = PRODUCERS[title](monkeypatch)
    missing = shown_as_quoted(quote, printed)
    assert not missing, (
        f"{PAGE.name}, block {title!r}: lines torch {torch.__version__} does not write {missing}\n{printed}"
    )
