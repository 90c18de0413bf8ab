"""The facts about a reader's set-up that the pages state, derived from pyproject.toml and uv.lock.

"Setting up" tells a reader which Python, which macOS and which GPU the pinned PyTorch needs, and which
versions each environment verifies the examples with. `derive` reads those facts from a lock and a pyproject
(as parsed TOML, so that a test can hand it a changed one) with primer/lock.py's readers, and
`tests/test_setup_facts.py` checks that every sentence listed there, filled in with them, is on its page: the
next `uv lock` or change of requires-python that changes one fails until the page says the new truth.
Where each fact comes from:

- the versions (`reference_torch`, `latest_numpy`, ...): the version each dependency group pins in the lock;
- the Python range (`python_min`, `python_max`): pyproject's requires-python, the Pythons this project is
  locked and tested for (`python_max` is the newest of them). Not from the wheels: the lock keeps only the
  wheels that fit requires-python, so their tags would only echo it, and it does not record a package's own
  Requires-Python. `derive` checks that the locked torch and NumPy have wheels for every Python in the range;
  that NumPy's Requires-Python starts at `python_min`, as a page says, is checked against the installed NumPy
  (`requires_python_min`), as the lock cannot show it;
- `project_python_min`: requires-python's lower bound as written (a patch release);
- `book_python_max`: the newest Python the book's torch has wheels for in the lock;
- `macos_min`: the oldest macOS tag among the reference torch's wheels in the lock;
- the CUDA facts: the cuda-toolkit release the reference torch depends on for Linux in the lock.

What the lock cannot know is kept here, beside the code that uses it: which GPU generations a CUDA major
version still supports, and the oldest driver it runs on.
"""

from __future__ import annotations

from dataclasses import dataclass

from packaging.specifiers import SpecifierSet

from primer import lock as locked

# For each CUDA major version: the oldest GPU generation its builds of PyTorch contain code for, and the
# oldest Linux driver branch that runs it (NVIDIA's CUDA release notes; pytorch/pytorch RELEASE.md, "PyTorch
# CUDA Support Matrix": CUDA 13 builds cover Turing (sm_75) and newer). A lock whose torch needs another CUDA
# major fails `derive` until this says what that one supports.
CUDA_SUPPORT = {13: ("Turing", 580)}


class UnknownCuda(KeyError):
    """The locked torch is built for a CUDA major version CUDA_SUPPORT does not describe."""


@dataclass(frozen=True)
class Claim:
    """A sentence a page states, with {fields} of the derived facts in it."""

    page: str  # relative to the project's root
    template: str  # any run of whitespace may be a line break on the page

    def sentence(self, facts: dict[str, str]) -> str:
        return self.template.format(**facts)


def requires_python_min(requires_python: str) -> str:
    """The oldest Python (as 3.N) that a package's Requires-Python allows, such as '>=3.11' -> '3.11'."""
    allowed = SpecifierSet(requires_python)
    return f"3.{next(m for m in range(100) if f'3.{m}.0' in allowed or f'3.{m}.99' in allowed)}"


def derive(lock: dict, pyproject: dict) -> dict[str, str]:
    """Every fact the claims use, as the text the pages write it."""
    facts: dict[str, str] = {}
    for group in ("reference", "latest", "book"):
        for name in ("torch", "numpy"):
            version = locked.group_versions(group, lock)[name]
            facts[f"{group}_{name}"] = version
            facts[f"{group}_{name}_minor"] = ".".join(version.split(".")[:2])
            facts[f"{group}_{name}_major"] = version.split(".")[0]
    facts["book_numpy_next_major"] = str(int(facts["book_numpy_major"]) + 1)

    torch = locked.package("torch", facts["reference_torch"], lock)
    numpy = locked.package("numpy", facts["reference_numpy"], lock)
    # The Pythons the project is locked and tested for. The lock keeps only the wheels that fit requires-python,
    # so their tags cannot say more than it does; they can only show that the pins install on each of its Pythons.
    requires_python = pyproject["project"]["requires-python"]
    minors = locked.minors(requires_python)
    oldest, newest = minors[0], minors[-1]
    for package in (torch, numpy):
        missing = sorted(set(minors) - locked.cpython_minors(package))
        if missing:
            raise ValueError(
                f"the locked {package['name']} {package['version']} has no wheels for Python "
                f"{', '.join(f'3.{m}' for m in missing)}, which requires-python {requires_python!r} allows"
            )
    facts["python_min"], facts["python_max"] = f"3.{oldest}", f"3.{newest}"
    facts["python_before_min"] = f"3.{oldest - 1}"
    facts["project_python_min"] = str(SpecifierSet(requires_python)).split(">=")[1].split(",")[0].strip()

    book_minors = sorted(locked.cpython_minors(locked.package("torch", facts["book_torch"], lock)))
    facts["book_python_max"] = f"3.{book_minors[-1]}"

    major, minor = locked.oldest_macos(torch)
    facts["macos_min"] = str(major) if minor == 0 else f"{major}.{minor}"

    cuda_major, cuda_minor = locked.linux_cuda(torch, lock)
    if cuda_major not in CUDA_SUPPORT:
        raise UnknownCuda(f"torch {facts['reference_torch']} is a CUDA {cuda_major} build; add it to CUDA_SUPPORT")
    oldest_gpu, driver = CUDA_SUPPORT[cuda_major]
    facts |= {
        "linux_cuda": f"{cuda_major}.{cuda_minor}",
        "cuda_major": str(cuda_major),
        "cuda_index": f"cu{cuda_major}{cuda_minor}",
        "cuda_oldest_gpu": oldest_gpu,
        "cuda_driver": str(driver),
    }
    return facts


def normalized(text: str) -> str:
    return " ".join(text.split())


def unmet(claims: list[Claim], facts: dict[str, str], pages: dict[str, str]) -> list[str]:
    """The claims whose sentence, filled in with the facts, is not on its page (`pages`: page -> text)."""
    return [
        f"{claim.page}: does not say {claim.sentence(facts)!r}"
        for claim in claims
        if normalized(claim.sentence(facts)) not in normalized(pages[claim.page])
    ]
