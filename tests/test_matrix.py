"""The committed records of the environment matrix describe the environments as they are locked now."""

import re

import pytest
import torch

from primer import environments, paths, records
from primer.chapters import chapters

FOUND = records.load()


@pytest.mark.parametrize("name", environments.names())
def test_every_environment_has_a_record_of_its_locked_torch(name: str) -> None:
    assert name in FOUND, f"no matrix/{name}.json: run `python3 dev.py test-matrix {name}`"
    locked = re.search(r"^torch==(\S+)$", (paths.ROOT / "locks" / f"{name}.txt").read_text(), re.M)[1]
    assert FOUND[name]["machine"]["torch"].split("+")[0] == locked.split("+")[0], (
        f"matrix/{name}.json was recorded with torch {FOUND[name]['torch']}, the lock says {locked}: "
        f"run `python3 dev.py test-matrix {name}` and `python3 dev.py generate`"
    )


def test_the_reference_record_is_of_this_environment() -> None:
    assert FOUND[environments.REFERENCE]["machine"]["torch"] == torch.__version__


@pytest.mark.parametrize("name", environments.names())
def test_every_chapter_and_its_notebook_were_run(name: str) -> None:
    results = FOUND[name]["results"]
    missing = [c for c in chapters() if f"docs/{c}.md" not in results or f"docs/notebooks/{c}.ipynb" not in results]
    assert not missing, f"matrix/{name}.json lacks {missing}: run `python3 dev.py test-matrix {name}`"
