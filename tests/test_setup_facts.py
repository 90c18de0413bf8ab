"""The versions and platforms the pages tell a reader to set up with are the ones pyproject.toml and uv.lock say.

Each sentence below is on its page with the facts `primer.setup_facts.derive` reads from the lock and the
pyproject filled in (the Pythons the project is locked and tested for, the macOS the pinned torch's wheels
need, the CUDA build of the Linux torch, each environment's versions; its docstring says where each comes
from). A `uv lock` or a requires-python that changes one of those facts changes the sentence the test looks
for, and it fails, naming the page and the sentence it should now read, until the page is updated.
"""

from __future__ import annotations

import importlib.metadata
import re
import tomllib

import pytest

from primer import paths
from primer.setup_facts import Claim, UnknownCuda, derive, requires_python_min, unmet
from tests import dependencies

CLAIMS = [
    # Setting up: the virtual environment
    Claim(
        "docs/setting-up.md",
        "You need Python {python_min} to {python_max} for the versions this site's outputs come from, "
        "PyTorch {reference_torch} and NumPy {reference_numpy}",
    ),
    # NumPy's part: test_the_installed_numpy_needs_the_oldest_python_the_page_names. That the newest torch
    # does not install on the Python before either (torch 2.15's Requires-Python) is the page's word alone.
    Claim(
        "docs/setting-up.md",
        "NumPy {reference_numpy_minor} needs Python {python_min} or newer, and {python_max} is the newest Python "
        "this site is tested with. On Python {python_before_min}, `pip install torch numpy` quietly installs "
        "older releases of both",
    ),
    # Linux: the CUDA build PyPI serves, what it needs, and the index of that build
    Claim("docs/setting-up.md", "PyTorch {reference_torch}'s is a CUDA {linux_cuda} build"),
    Claim(
        "docs/setting-up.md",
        "an NVIDIA driver recent enough for CUDA {cuda_major} (version {cuda_driver} or newer",
    ),
    Claim(
        "docs/setting-up.md",
        "a GPU of the {cuda_oldest_gpu} generation or newer (a GeForce RTX 20 series, a T4, or anything later): "
        "CUDA {cuda_major} builds contain no code for older GPUs",
    ),
    Claim(
        "docs/setting-up.md", "pip install torch=={reference_torch} --index-url https://download.pytorch.org/whl/cu126"
    ),
    Claim(
        "docs/setting-up.md",
        "`{cuda_index}` is the CUDA {linux_cuda} build as above, `--index-url https://download.pytorch.org/whl/{cuda_index}`",
    ),
    # macOS
    Claim("docs/setting-up.md", "PyTorch {reference_torch}'s wheels need macOS {macos_min} or newer"),
    # Windows
    Claim(
        "docs/setting-up.md",
        "for example the CUDA {linux_cuda} build, for GPUs of the {cuda_oldest_gpu} generation or newer",
    ),
    Claim("docs/setting-up.md", "pip install torch --index-url https://download.pytorch.org/whl/{cuda_index}"),
    # Linux (ROCm): the pinned torch from the index the selector names
    Claim(
        "docs/setting-up.md", "pip install torch=={reference_torch} --index-url https://download.pytorch.org/whl/ROCM"
    ),
    # The pins
    Claim("docs/setting-up.md", "pip install torch=={reference_torch} numpy=={reference_numpy}"),
    # uv: its pip interface, its choice of index, a project
    Claim(
        "docs/setting-up.md", "uv pip install torch=={reference_torch} numpy=={reference_numpy} --torch-backend=auto"
    ),
    Claim("docs/setting-up.md", "`uv add torch=={reference_torch} numpy=={reference_numpy}`"),
    Claim(
        "docs/setting-up.md",
        "(`pip install torch=={reference_torch} --index-url ...`), then NumPy from PyPI "
        "(`pip install numpy=={reference_numpy}`)",
    ),
    Claim(
        "docs/setting-up.md",
        "To install {book_torch} itself, use Python {book_python_max} or older, as there are no {book_torch} "
        "wheels for newer ones, and NumPy {book_numpy_major}",
    ),
    Claim("docs/setting-up.md", 'pip install torch=={book_torch} "numpy<{book_numpy_next_major}"'),
    Claim(
        "docs/since-2-0-1.md",
        "PyTorch {book_torch} itself needs an older setup: Python {book_python_max} or older, and NumPy "
        '{book_numpy_major} (`pip install torch=={book_torch} "numpy<{book_numpy_next_major}"`)',
    ),
    Claim("docs/since-2-0-1.md", "PyTorch {latest_torch_minor} starts the message with the name of the operation"),
    Claim("docs/what-is-pytorch.md", "installed with `pip install torch=={reference_torch}`"),
    Claim("docs/faq.md", "(`pip install torch=={reference_torch}`)"),
    # The README says the same for the project's own set-up.
    Claim(
        "README.md",
        "(Apple silicon, macOS {macos_min} or newer, as torch {reference_torch_minor} needs)",
    ),
    Claim("README.md", "uv finds a Python from {project_python_min} to {python_max}"),
]

# Versions a page may pin that no environment locks, each for a reason the page gives.
UNLOCKED_PINS = {"2.2.2": "the last release for Intel Macs (Setting up)"}


def committed() -> tuple[dict, dict]:
    return (
        tomllib.loads((paths.ROOT / "uv.lock").read_text(encoding="utf-8")),
        tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8")),
    )


def pages() -> dict[str, str]:
    return {claim.page: (paths.ROOT / claim.page).read_text(encoding="utf-8") for claim in CLAIMS}


def test_every_claim_uses_a_derived_fact():
    facts = derive(*committed())
    for claim in CLAIMS:
        fields = set(re.findall(r"{(\w+)}", claim.template))
        assert fields, f"{claim.template!r} states nothing derived: it belongs on the page alone"
        assert fields <= facts.keys(), f"{claim.template!r}: unknown facts {fields - facts.keys()}"


def test_the_pages_state_what_the_lock_says():
    failures = unmet(CLAIMS, derive(*committed()), pages())
    assert not failures, "\n".join(failures)


def test_every_torch_pin_on_the_pages_is_locked():
    facts = derive(*committed())
    locked = {facts["reference_torch"], facts["latest_torch"], facts["book_torch"]}
    wrong = [
        f"{page}: torch=={version}"
        for page, text in pages().items()
        for version in re.findall(r"torch==([\w.+]+)", text)
        if version not in locked and version not in UNLOCKED_PINS
    ]
    assert not wrong, f"pins that no environment locks: {wrong}"


def test_the_installed_numpy_needs_the_oldest_python_the_page_names():
    """'NumPy 2.4 needs Python 3.11 or newer': the lock does not record NumPy's Requires-Python, its metadata does."""
    facts = derive(*committed())
    numpy = importlib.metadata.metadata("numpy")
    if numpy["Version"] != facts["reference_numpy"]:
        dependencies.not_here(f"NumPy {numpy['Version']} is installed, not the reference {facts['reference_numpy']}")
    assert requires_python_min(numpy["Requires-Python"]) == facts["python_min"], numpy["Requires-Python"]


CUDA_13_0 = 'name = "cuda-toolkit", version = "13.0.3.0"'
REQUIRES_PYTHON = 'requires-python = ">=3.11.5,<3.15"'


def _lock(change):
    return lambda lock, pyproject: (change(lock), pyproject)


def _pyproject(requires_python):
    return lambda lock, pyproject: (lock, pyproject.replace(REQUIRES_PYTHON, f'requires-python = "{requires_python}"'))


@pytest.mark.parametrize(
    ("change", "fact", "expected", "page_says"),
    [
        # torch's next release needs macOS 15
        (
            _lock(lambda lock: lock.replace("-macosx_14_0_arm64.whl", "-macosx_15_0_arm64.whl")),
            "macos_min",
            "15",
            "macOS 14",
        ),
        # the Linux wheel becomes a CUDA 13.2 build
        (
            _lock(lambda lock: lock.replace(CUDA_13_0, CUDA_13_0.replace("13.0.3.0", "13.2.2"))),
            "cuda_index",
            "cu132",
            "CUDA 13.0",
        ),
        # the project drops Python 3.11
        (_pyproject(">=3.12,<3.15"), "python_min", "3.12", "Python 3.11 to 3.14"),
        # the project is no longer tested on Python 3.14
        (_pyproject(">=3.11.5,<3.14"), "python_max", "3.13", "3.14 is the newest Python"),
    ],
    ids=["macos", "cuda", "python-oldest", "python-newest"],
)
def test_a_lock_or_requires_python_that_changes_a_fact_fails_the_check(change, fact, expected, page_says):
    lock_text = (paths.ROOT / "uv.lock").read_text(encoding="utf-8")
    pyproject_text = (paths.ROOT / "pyproject.toml").read_text(encoding="utf-8")
    changed = change(lock_text, pyproject_text)
    assert changed != (lock_text, pyproject_text), "the change no longer applies: update the test's example"
    facts = derive(*map(tomllib.loads, changed))
    assert facts[fact] == expected
    failures = unmet(CLAIMS, facts, pages())
    assert failures, "the pages still pass with a lock that says otherwise"
    assert any(expected in failure for failure in failures), failures
    assert page_says in pages()["docs/setting-up.md"]


def test_a_pin_without_wheels_for_a_python_the_project_allows_fails():
    lock_text = (paths.ROOT / "uv.lock").read_text(encoding="utf-8")
    changed = re.sub(r"torch-2\.13\.0-cp311-[^\"]+\.whl", "torch-2.13.0-cp312-cp312-win_amd64.whl", lock_text)
    assert changed != lock_text, "the change no longer applies to uv.lock: update the test's example"
    with pytest.raises(ValueError, match=r"torch 2\.13\.0 has no wheels for Python 3\.11"):
        derive(tomllib.loads(changed), committed()[1])


def test_a_torch_for_an_unknown_cuda_major_fails():
    lock_text = (paths.ROOT / "uv.lock").read_text(encoding="utf-8")
    changed = lock_text.replace(CUDA_13_0, CUDA_13_0.replace("13.0.3.0", "14.0.1"))
    with pytest.raises(UnknownCuda, match="CUDA 14"):
        derive(tomllib.loads(changed), committed()[1])
