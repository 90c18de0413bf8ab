"""The committed records of the environment matrix describe the environments as they are locked now."""

import pytest
import torch

from primer import environments, records
from primer.chapters import chapters
from primer.generate import tested_with
from tests import dependencies

FOUND = records.load()


@pytest.mark.parametrize("name", environments.locked())  # a given one's torch is its machine's, not uv.lock's
def test_every_environment_has_a_record_of_its_locked_torch(name: str) -> None:
    assert name in FOUND, f"no matrix/{name}.json: run `uv run dev.py test-matrix {name}`"
    locked = environments.locked_versions(name)["torch"]
    recorded = FOUND[name]["machine"]["torch"]
    assert recorded.split("+")[0] == locked, (
        f"matrix/{name}.json was recorded with torch {recorded}, uv.lock has {locked}: "
        f"run `uv run dev.py test-matrix {name}` and `uv run dev.py generate`"
    )


def test_the_reference_record_is_of_this_torch_release(target) -> None:
    """The release, not the build: the same lock installs another build of it on macOS and Windows. A given
    environment's torch is its machine's own."""
    if environments.declared()[target.environment].given:
        dependencies.not_here(f"the {target.environment} environment's torch is its machine's, not the reference's")
    recorded = FOUND[environments.REFERENCE]["machine"]["torch"]
    assert recorded.split("+")[0] == torch.__version__.split("+")[0]


@pytest.mark.parametrize("name", environments.names())
def test_every_chapter_and_its_notebook_were_run(name: str) -> None:
    results = FOUND[name]["results"]
    if not results and "source" in FOUND[name]:
        dependencies.not_here(f"matrix/{name}.json: its outputs come from {FOUND[name]['source']}; its run is pending")
    missing = [c for c in chapters() if f"docs/{c}.md" not in results or f"docs/notebooks/{c}.ipynb" not in results]
    assert not missing, f"matrix/{name}.json lacks {missing}: run `uv run dev.py test-matrix {name}`"


def test_the_gpu_record_names_its_gpu_driver_torch_build_date_and_source() -> None:
    gpu = FOUND["gpu"]
    assert gpu["machine"]["gpu"] and gpu["driver"] and gpu["build"].startswith("CUDA") and gpu["date"]
    assert "+cu" in gpu["machine"]["torch"], "a CUDA build of torch"
    assert not gpu["results"], "no page was run in it at this commit: its results are pending, not passed"
    page = tested_with.render()[tested_with.PAGE]
    assert f"recorded in {gpu['source']}. The run of the current pages there is pending." in page
    chapters = [line for line in page.splitlines() if line.startswith("| [")]
    assert chapters and all(line.endswith(f"| {tested_with.PENDING} |") for line in chapters)
