"""The plots and tables that the chapters show, made from the recorded benchmark results only.

Reads benchmarks/results/*.json; makes docs/figures/bench-*.svg and benchmarks/results/*.md, which the
pages include.
"""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib
from matplotlib.figure import Figure

from primer.paths import FIGURES, RESULTS

STYLE = {
    "svg.hashsalt": "pytorch-primer",  # stable ids, so the same data gives the same file
    "svg.fonttype": "none",  # text stays text, in the page's font
    "font.family": "sans-serif",
    "font.size": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def load(name: str) -> dict:
    return json.loads((RESULTS / f"{name}.json").read_text())


def machine_line(machine: dict) -> str:
    gpu = f", {machine['gpu']}" if machine["gpu"] else ", no GPU"
    return f"{machine['cpu']} ({machine['cpu_cores']} cores){gpu}; PyTorch {machine['torch']}"


def save(figure, name: str, outputs: dict[Path, str]) -> None:
    import io

    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    outputs[FIGURES / f"{name}.svg"] = buffer.getvalue()


def num_workers(outputs: dict[Path, str]) -> None:
    data = load("num_workers")
    figure = Figure(figsize=(6.4, 3.4))
    axes = figure.subplots()
    for kind, marker in (("waiting", "o"), ("computing", "s")):
        rows = [r for r in data["results"] if r["kind"] == kind]
        label = {"waiting": "loading waits (I/O)", "computing": "loading computes (CPU)"}[kind]
        axes.plot([r["num_workers"] for r in rows], [r["epoch_s"] for r in rows], marker=marker, label=label)
    axes.set_xlabel("num_workers")
    axes.set_ylabel("seconds per epoch")
    axes.set_xticks(sorted({r["num_workers"] for r in data["results"]}))
    axes.set_ylim(bottom=0)
    axes.legend(frameon=False)
    save(figure, "bench-num-workers", outputs)
    setup = data["setup"]
    lines = [
        f"Measured on {machine_line(data['machine'])}: {setup['items']} items of "
        f"{setup['item_seconds'] * 1e3:g} ms each, batches of {setup['batch_size']}, median of {setup['runs']} "
        "epochs.",
        "",
        "| `num_workers` | loading waits (I/O) | loading computes (CPU) |",
        "| ---: | ---: | ---: |",
    ]
    by = {(r["kind"], r["num_workers"]): r["epoch_s"] for r in data["results"]}
    for workers in sorted({r["num_workers"] for r in data["results"]}):
        lines.append(f"| {workers} | {by['waiting', workers]:.2f} s | {by['computing', workers]:.2f} s |")
    outputs[RESULTS / "num_workers.md"] = "\n".join(lines) + "\n"


def gpu_crossover(results: list[dict]) -> str:
    """From which matrix size on a CUDA GPU was faster than the CPU, as far as the recorded data says."""
    cpu = {r["size"]: r["seconds"] for r in results if r["device"] == "cpu"}
    gpu = {r["size"]: r["seconds"] for r in results if r["device"] == "cuda"}
    sizes = sorted(cpu.keys() & gpu.keys())
    if not sizes:
        return (
            "No GPU was measured for this data, so it cannot say from which size on a GPU beats the CPU; "
            "run the benchmark on a machine with a CUDA GPU to find out."
        )
    faster = [n for n in sizes if gpu[n] < cpu[n]]
    if not faster:
        return f"The GPU was slower than the CPU at every size measured (n = {sizes[0]} to {sizes[-1]})."
    if gpu[sizes[-1]] >= cpu[sizes[-1]]:
        return f"The GPU was faster at n = {', '.join(map(str, faster))} only, not at the largest size measured."
    first = sizes[-1]
    for n in reversed(sizes):  # the smallest n from which the GPU stays faster at every larger size
        if gpu[n] >= cpu[n]:
            break
        first = n
    ratio = cpu[sizes[-1]] / gpu[sizes[-1]]
    return f"The GPU was faster from n = {first} on; at n = {sizes[-1]}, {ratio:.0f} times faster than the CPU."


def matmul(outputs: dict[Path, str]) -> None:
    data = load("matmul")
    figure = Figure(figsize=(6.4, 3.4))
    axes = figure.subplots()
    for device in sorted({r["device"] for r in data["results"]}):
        rows = [r for r in data["results"] if r["device"] == device]
        axes.plot([r["size"] for r in rows], [r["gflops"] for r in rows], marker="o", label=device.upper())
    axes.set_xscale("log", base=2)
    sizes = sorted({r["size"] for r in data["results"]})
    axes.set_xticks(sizes, [str(size) for size in sizes])
    axes.minorticks_off()
    axes.set_xlabel("matrix size n (n × n @ n × n)")
    axes.set_ylabel("GFLOP/s")
    axes.set_ylim(bottom=0)
    axes.legend(frameon=False)
    save(figure, "bench-matmul", outputs)
    lines = [
        f"Measured on {machine_line(data['machine'])}.",
        "",
        "| device | n | time | GFLOP/s |",
        "| --- | ---: | ---: | ---: |",
    ]
    for r in data["results"]:
        lines.append(f"| {r['device']} | {r['size']} | {r['seconds'] * 1e3:.3f} ms | {r['gflops']:.1f} |")
    lines += ["", gpu_crossover(data["results"])]
    outputs[RESULTS / "matmul.md"] = "\n".join(lines) + "\n"


def ddp_scaling(outputs: dict[Path, str]) -> None:
    data = load("ddp_scaling")
    lines = [
        f"Measured on {machine_line(data['machine'])}; median epoch after a warm-up epoch.",
        "",
        "| processes | threads per process | seconds per epoch |",
        "| ---: | ---: | ---: |",
    ]
    for r in data["results"]:
        lines.append(f"| {r['processes']} | {r['threads_per_process']} | {r['epoch_s']:.2f} |")
    outputs[RESULTS / "ddp_scaling.md"] = "\n".join(lines) + "\n"


def render() -> dict[Path, str]:
    outputs: dict[Path, str] = {}
    with matplotlib.rc_context(STYLE):
        num_workers(outputs)
        matmul(outputs)
        ddp_scaling(outputs)
    return outputs
