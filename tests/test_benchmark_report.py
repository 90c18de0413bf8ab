"""The plots and tables the chapters show are exactly what benchmarks/report.py makes of the recorded data."""

import json
from pathlib import Path

import pytest

from benchmarks import report

ROOT = Path(__file__).resolve().parent.parent
RENDERED = report.render()


@pytest.mark.parametrize("path", sorted(RENDERED), ids=lambda p: str(p.relative_to(ROOT)))
def test_committed_output_is_what_the_recorded_data_gives(path: Path) -> None:
    assert path.read_text(encoding="utf-8") == RENDERED[path], (
        f"{path.relative_to(ROOT)} is stale: run `.venv/bin/python -m benchmarks.report`"
    )


@pytest.mark.parametrize("name", ["num_workers", "matmul", "ddp_scaling"])
def test_recorded_data_says_what_machine_it_came_from(name: str) -> None:
    data = json.loads((ROOT / "benchmarks" / "results" / f"{name}.json").read_text())
    assert {"cpu", "cpu_cores", "gpu", "torch"} <= data["machine"].keys()
    assert data["results"]


def test_every_table_is_shown_on_a_page() -> None:
    pages = "\n".join(page.read_text() for page in (ROOT / "docs").rglob("*.md"))
    for path in RENDERED:
        target = path.relative_to(ROOT).as_posix() if path.suffix == ".md" else f"figures/{path.name}"
        assert target in pages, f"{target} is made but no page shows it"


def rows(device: str, seconds: dict[int, float]) -> list[dict]:
    return [{"device": device, "size": n, "seconds": s} for n, s in seconds.items()]


def test_the_gpu_crossover_is_read_from_the_data_only() -> None:
    cpu = rows("cpu", {64: 1e-5, 256: 1e-3, 1024: 1e-1})
    assert report.gpu_crossover(cpu).startswith("No GPU was measured")
    assert report.gpu_crossover(cpu + rows("cuda", {64: 2e-5, 256: 5e-4, 1024: 1e-3})) == (
        "The GPU was faster from n = 256 on; at n = 1024, 100 times faster than the CPU."
    )
    assert report.gpu_crossover(cpu + rows("cuda", {64: 1e-6, 256: 2e-3, 1024: 1e-3})).startswith(
        "The GPU was faster from n = 1024 on"
    )
    assert report.gpu_crossover(cpu + rows("cuda", {64: 1e-4, 256: 1e-2, 1024: 1})).startswith("The GPU was slower")
