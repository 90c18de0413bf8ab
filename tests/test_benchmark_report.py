"""The recorded benchmark data says where it was measured, and every table made from it is shown."""

import json

import pytest

from primer import paths
from primer.generate import benchmark_report
from primer.machine import describe

RECORDS = sorted(paths.RESULTS.glob("*.json"))


@pytest.mark.parametrize("record", RECORDS, ids=lambda p: p.stem)
def test_recorded_data_says_what_machine_it_came_from(record) -> None:
    data = json.loads(record.read_text())
    assert data["machine"].keys() == describe().keys(), f"{record.name}: re-record it with its benchmark"
    assert data["results"]


def test_every_table_is_shown_on_a_page() -> None:
    pages = "\n".join(page.read_text() for page in paths.DOCS.rglob("*.md"))
    for path in benchmark_report.render():
        if path.suffix == ".md":
            target = path.relative_to(paths.ROOT).as_posix()
            assert target in pages, f"{target} is made but no page shows it"
