"""The recorded benchmark data says where it was measured, and every table made from it is shown."""

import json

import pytest

from primer import paths
from primer.generate import benchmark_report
from primer.machine import describe

BENCHMARK_RESULTS = sorted(paths.RESULTS.glob("*.json"))


@pytest.mark.parametrize("record", BENCHMARK_RESULTS, ids=lambda p: p.stem)
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


def rows(device: str, seconds: dict[int, float]) -> list[dict]:
    return [{"device": device, "size": n, "seconds": s} for n, s in seconds.items()]


def test_the_gpu_crossover_is_read_from_the_data_only() -> None:
    cpu = rows("cpu", {64: 1e-5, 256: 1e-3, 1024: 1e-1})
    assert benchmark_report.gpu_crossover(cpu).startswith("No GPU was measured")
    assert benchmark_report.gpu_crossover(cpu + rows("cuda", {64: 2e-5, 256: 5e-4, 1024: 1e-3})) == (
        "The GPU was faster from n = 256 on; at n = 1024, 100 times faster than the CPU."
    )
    assert benchmark_report.gpu_crossover(cpu + rows("cuda", {64: 1e-6, 256: 2e-3, 1024: 1e-3})).startswith(
        "The GPU was faster from n = 1024 on"
    )
    assert benchmark_report.gpu_crossover(cpu + rows("cuda", {64: 1e-4, 256: 1e-2, 1024: 1})).startswith(
        "The GPU was slower"
    )
    assert benchmark_report.gpu_crossover(
        cpu + rows("cuda", {64: 2e-5, 256: 5e-4, 1024: 1e-3}), "The NVIDIA H200", "the 16-core CPU of its machine"
    ) == (
        "The NVIDIA H200 was faster from n = 256 on; at n = 1024, 100 times faster than the 16-core CPU of its machine."
    )


def test_the_matmul_table_and_plot_show_every_record_and_name_each_rows_machine() -> None:
    outputs = benchmark_report.render()
    table = outputs[paths.RESULTS / "matmul.md"]
    svg = outputs[paths.FIGURES / "bench-matmul.svg"]
    for name in benchmark_report.MATMUL_RECORDS:
        data = json.loads((paths.RESULTS / f"{name}.json").read_text())
        for r in data["results"]:
            label = benchmark_report.device_label(data["machine"], r["device"])
            header = next(line for line in table.splitlines() if line.startswith("| n |"))
            column = [cell.strip() for cell in header.split("|")].index(label)
            row = next(line for line in table.splitlines() if line.startswith(f"| {r['size']} |"))
            shown = row.split("|")[column].strip()
            assert shown == f"{r['seconds'] * 1e3:.3f}", f"{name}.json: {label}, n = {r['size']}: {shown}"
            assert label in svg
