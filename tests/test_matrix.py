"""The committed records of the environment matrix describe the environments as they are locked now."""

import pytest
import torch

from primer import environments, records
from primer.chapters import chapters

FOUND = records.load()


@pytest.mark.parametrize("name", environments.names())
def test_every_environment_has_a_record_of_its_locked_torch(name: str) -> None:
    assert name in FOUND, f"no matrix/{name}.json: run `uv run dev.py test-matrix {name}`"
    locked = environments.locked_versions(name)["torch"]
    recorded = FOUND[name]["machine"]["torch"]
    assert recorded.split("+")[0] == locked, (
        f"matrix/{name}.json was recorded with torch {recorded}, uv.lock has {locked}: "
        f"run `uv run dev.py test-matrix {name}` and `uv run dev.py generate`"
    )


def test_the_reference_record_is_of_this_torch_release() -> None:
    """The release, not the build: the same lock installs another build of it on macOS and Windows."""
    recorded = FOUND[environments.REFERENCE]["machine"]["torch"]
    assert recorded.split("+")[0] == torch.__version__.split("+")[0]


@pytest.mark.parametrize("name", environments.names())
def test_every_chapter_and_its_notebook_were_run(name: str) -> None:
    results = FOUND[name]["results"]
    missing = [c for c in chapters() if f"docs/{c}.md" not in results or f"docs/notebooks/{c}.ipynb" not in results]
    assert not missing, f"matrix/{name}.json lacks {missing}: run `uv run dev.py test-matrix {name}`"
