"""The committed records of the environment matrix describe the environments as they are locked now."""

import json
import re
import shutil

import pytest
import torch

from primer import environments, lock, matrix, paths, records
from primer.chapters import chapters
from primer.generate import tested_with
from tests import dependencies

FOUND = records.load()


@pytest.mark.parametrize("name", environments.locked())  # a given one's torch is its machine's, not uv.lock's
def test_every_environment_has_a_record_of_its_locked_torch(name: str) -> None:
    assert name in FOUND, f"no matrix/{name}.json: run `uv run dev.py test-matrix {name}`"
    locked = lock.versions(name)["torch"]
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


def test_a_chapter_an_environment_has_not_run_is_reported_not_failed(monkeypatch) -> None:
    """Adding a chapter ends with a green suite: the Tested-with page lists it as not run yet in every environment
    whose record lacks it (the next `dev.py test-matrix` runs it), not as a failure."""
    new, *_ = chapters()
    found = {
        name: {**record, "results": {k: v for k, v in record["results"].items() if new not in k}}
        for name, record in FOUND.items()
    }
    monkeypatch.setattr(records, "load", lambda: found)
    page = tested_with.render()[tested_with.PAGE]
    (row,) = [line for line in page.splitlines() if line.startswith("| [") and f"]({new}.md)" in line]
    cells = [cell.strip() for cell in row.split("|")[2:-1]]
    pending = [
        tested_with.PENDING if "source" in record and not record["results"] else None for record in found.values()
    ]
    assert cells == [marked or tested_with.NOT_RUN for marked in pending], row
    assert "Failures:" not in page or new not in page.split("Failures:")[1]


def test_every_chapter_is_on_the_tested_with_page() -> None:
    page = tested_with.render()[tested_with.PAGE]
    assert all(f"]({chapter}.md) |" in page for chapter in chapters())


SHOWN_BY_TRAINING_LOOP = ("toy_data.py", "neural_network.py", "training_loop.py")


def test_a_pages_digest_follows_what_it_shows_its_includes_too(tmp_path) -> None:
    """A page's fingerprint is of the page as it is shown: an edit of a module it includes under another name
    (training-loop.md shows snippets/toy_data.py) makes a machine record list it as changed since."""
    for name in ("mkdocs.yml", "docs/training-loop.md", *(f"snippets/{module}" for module in SHOWN_BY_TRAINING_LOOP)):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(paths.ROOT / name, tmp_path / name)
    page, config = tmp_path / "docs" / "training-loop.md", tmp_path / "mkdocs.yml"
    before = records.digest(page, config)
    module = tmp_path / "snippets" / "toy_data.py"
    module.write_text(module.read_text(encoding="utf-8").replace("[-1.2, 3.1]", "[-1.2, 3.2]", 1), encoding="utf-8")
    assert records.digest(page, config) != before
    assert records.digest(page, config) == records.digest(page, config)


def test_the_gpu_record_names_its_gpu_driver_torch_build_date_and_source() -> None:
    gpu = FOUND["gpu"]
    assert gpu["machine"]["gpu"] and gpu["driver"] and gpu["build"].startswith("CUDA") and gpu["date"]
    assert "+cu" in gpu["machine"]["torch"], "a CUDA build of torch"
    page = tested_with.render()[tested_with.PAGE]
    chapters = [line for line in page.splitlines() if line.startswith("| [")]
    pending = f"recorded in {gpu['source']}. The run of the current pages there is pending."
    if gpu["results"]:  # a run's record: test_every_chapter_and_its_notebook_were_run checks its results
        assert pending not in page and not any(tested_with.PENDING in line for line in chapters)
    else:  # only where the outputs come from, before a run at this commit
        assert pending in page and chapters and all(line.endswith(f"| {tested_with.PENDING} |") for line in chapters)


@pytest.mark.parametrize("name", environments.names())
def test_the_record_a_run_writes_is_one_these_tests_read(name: str) -> None:
    """What primer.matrix writes after a run, here with one result, is a valid record of its environment: a
    given one's names its source (the gpu record once lacked it, and the tests above failed on it)."""
    written = matrix.record(name, {"docs/index.md": {"passed": 1, "failed": 0, "first_failure": None}})
    assert records.validate(json.loads(json.dumps(written)), f"{name} run") == written
    if environments.declared()[name].given:
        assert written["source"].startswith("a run of this project on ") and "at commit" in written["source"]


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda record: record.pop("results"), "has no 'results'"),
        (lambda record: record.update(date="yesterday"), "date 'yesterday' is not YYYY-MM-DD"),
        (lambda record: record["machine"].update(cpu_cores="16"), "machine: 'cpu_cores' is '16', not int"),
        (lambda record: record["results"]["docs/index.md"].update(failed=True), "'failed' is True, not int"),
        (lambda record: record.pop("source"), "gpu.json has no 'source'"),
    ],
)
def test_a_malformed_record_fails_saying_what_is_wrong(change, says, tmp_path, monkeypatch) -> None:
    record = json.loads((paths.MATRIX / "gpu.json").read_text(encoding="utf-8"))
    record["results"] = {"docs/index.md": {"passed": 1, "failed": 0, "first_failure": None}}
    change(record)
    path = tmp_path / "gpu.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(records.Malformed, match=re.escape(says)):
        records.read(path)


def test_a_record_that_is_not_json_fails_and_runs_nothing(tmp_path) -> None:
    path = tmp_path / "gpu.json"
    path.write_text(f"__import__('os').system('touch {tmp_path / 'ran'}')", encoding="utf-8")
    with pytest.raises(records.Malformed, match=r"gpu\.json is not JSON"):
        records.read(path)
    assert not (tmp_path / "ran").exists()


def test_every_machine_record_is_valid_and_shows_on_the_tested_with_page() -> None:
    """A record readers send (matrix/machines/) is read as data and checked; `records.Malformed` says which
    file and what is wrong. The one made here by `dev.py check-machine` is among them."""
    found = records.machines()
    assert found, "no record in matrix/machines/: `uv run dev.py check-machine` writes one"
    page = tested_with.render()[tested_with.PAGE]
    for _, record in found:
        passed, ran = records.passed_pages(record)
        assert f"| {record['date']} | {passed} of {ran} |" in page


def test_a_machine_record_without_what_the_machine_is_fails_saying_so(tmp_path, monkeypatch) -> None:
    name, record = records.machines()[0]
    del record["accelerator"]
    monkeypatch.setattr(records, "MACHINES", tmp_path)
    (tmp_path / f"{name}.json").write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(records.Malformed, match=rf"matrix/machines/{re.escape(name)}\.json has no 'accelerator'"):
        records.machines()


def test_a_stale_machine_record_names_the_pages_changed_since(monkeypatch) -> None:
    name, record = records.machines()[0]
    record = {**record, "digests": records.digests()}  # as if made now: of the pages as they are
    assert records.changed_since(record) == []
    stale = {**record, "digests": {**record["digests"], "docs/tensors.md": "an older page"}}
    del stale["digests"]["docs/autograd.md"]  # a page added since
    assert records.changed_since(stale) == ["docs/autograd.md", "docs/tensors.md"]
    monkeypatch.setattr(records, "machines", lambda: [(name, stale)])
    row = next(line for line in tested_with.render()[tested_with.PAGE].splitlines() if stale["system"] in line)
    assert row.endswith("| [autograd.md](autograd.md), [tensors.md](tensors.md) |")
