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


def gpu_crossover(results: list[dict], gpu: str = "The GPU", cpu: str = "the CPU") -> str:
    """From which matrix size on a CUDA GPU was faster than the CPU, as far as the recorded data says.

    `results` are one machine's rows: the GPU is compared only with the CPU it was measured beside.
    """
    cpu_s = {r["size"]: r["seconds"] for r in results if r["device"] == "cpu"}
    gpu_s = {r["size"]: r["seconds"] for r in results if r["device"] == "cuda"}
    sizes = sorted(cpu_s.keys() & gpu_s.keys())
    if not sizes:
        return (
            "No GPU was measured for this data, so it cannot say from which size on a GPU beats the CPU; "
            "run the benchmark on a machine with a CUDA GPU to find out."
        )
    faster = [n for n in sizes if gpu_s[n] < cpu_s[n]]
    if not faster:
        return f"{gpu} was slower than {cpu} at every size measured (n = {sizes[0]} to {sizes[-1]})."
    if gpu_s[sizes[-1]] >= cpu_s[sizes[-1]]:
        return f"{gpu} was faster at n = {', '.join(map(str, faster))} only, not at the largest size measured."
    first = sizes[-1]
    for n in reversed(sizes):  # the smallest n from which the GPU stays faster at every larger size
        if gpu_s[n] >= cpu_s[n]:
            break
        first = n
    ratio = cpu_s[sizes[-1]] / gpu_s[sizes[-1]]
    return f"{gpu} was faster from n = {first} on; at n = {sizes[-1]}, {ratio:.0f} times faster than {cpu}."


# The matrix-multiplication records, this project's machine first: benchmarks/results/NAME.json. `python -m
# benchmarks.matmul` writes matmul.json; matmul-h200.json is a run on a machine with an NVIDIA H200, kept as made.
MATMUL_RECORDS = ("matmul", "matmul-h200")


def cpu_name(machine: dict) -> str:
    """The CPU as a legend or table can show it: `Intel Xeon Processor (16 cores)`, without trademark signs."""
    name = " ".join(machine["cpu"].replace("(R)", "").replace("(TM)", "").split())
    return f"{name} ({machine['cpu_cores']} cores)"


def device_label(machine: dict, device: str) -> str:
    """A line of the plot: `CPU: AMD EPYC (2 cores)`, `NVIDIA H200 (CUDA)`."""
    return f"CPU: {cpu_name(machine)}" if device == "cpu" else f"{machine['gpu']} ({device.upper()})"


def machine_name(machine: dict) -> str:
    """A table row's machine: its CPU, and its GPU where it has one."""
    return cpu_name(machine) + (f" + {machine['gpu']}" if machine["gpu"] else "")


def matmul_cell(data: dict, device: str, n: int) -> str:
    """A record's time for one size and device, in ms, or a dash where it has none."""
    seconds = [r["seconds"] for r in data["results"] if r["device"] == device and r["size"] == n]
    return f"{seconds[0] * 1e3:.3f}" if seconds else "–"


def power_of_ten_ticks(values: list[float]) -> list[float]:
    low, high = min(values), max(values)
    ticks = [1.0]
    while ticks[0] > low:
        ticks.insert(0, ticks[0] / 10)
    while ticks[-1] < high:
        ticks.append(ticks[-1] * 10)
    return ticks


def matmul(outputs: dict[Path, str]) -> None:
    records = [load(name) for name in MATMUL_RECORDS]
    figure = Figure(figsize=(6.4, 4.0))
    axes = figure.subplots()
    # Told apart by marker and line style as well as by colour; GFLOP/s on a log scale, since the GPU's rate is
    # hundreds of times the CPUs'.
    styles = iter([("o", "-"), ("s", "--"), ("^", "-"), ("D", ":"), ("v", "-."), ("P", "--")])
    for data in records:
        for device in sorted({r["device"] for r in data["results"]}):
            rows = [r for r in data["results"] if r["device"] == device]
            marker, linestyle = next(styles)
            axes.plot(
                [r["size"] for r in rows],
                [r["gflops"] for r in rows],
                marker=marker,
                linestyle=linestyle,
                label=device_label(data["machine"], device),
            )
    results = [r for data in records for r in data["results"]]
    axes.set_xscale("log", base=2)
    sizes = sorted({r["size"] for r in results})
    axes.set_xticks(sizes, [str(size) for size in sizes])
    axes.set_yscale("log")
    ticks = power_of_ten_ticks([r["gflops"] for r in results])
    axes.set_yticks(ticks, [f"{tick:,g}" for tick in ticks])
    axes.set_ylim(ticks[0], ticks[-1])
    axes.minorticks_off()
    axes.set_xlabel("matrix size n (n × n @ n × n)")
    axes.set_ylabel("GFLOP/s (log scale)")
    axes.legend(frameon=False, loc="lower right")
    save(figure, "bench-matmul", outputs)
    # One row per size and a column per line of the plot: narrow enough for a page and a notebook to show whole.
    columns = [(data, device) for data in records for device in sorted({r["device"] for r in data["results"]})]
    lines = [
        "Milliseconds per multiplication. Measured on "
        + "; and on ".join(
            machine_name(m) + ("" if m["gpu"] else ", no GPU") + f", PyTorch {m['torch']}"
            for m in (data["machine"] for data in records)
        )
        + ".",
        "",
        "| n | " + " | ".join(device_label(data["machine"], device) for data, device in columns) + " |",
        "| ---: |" + " ---: |" * len(columns),
    ]
    for n in sizes:
        cells = [matmul_cell(data, device, n) for data, device in columns]
        lines.append(f"| {n} | " + " | ".join(cells) + " |")
    with_gpu = [data for data in records if any(r["device"] == "cuda" for r in data["results"])]
    lines.append("")
    if not with_gpu:
        lines.append(gpu_crossover(results))
    for data in with_gpu:  # each GPU against the CPU of its own machine only
        machine = data["machine"]
        gpu, cpu = f"The {machine['gpu']}", f"the {machine['cpu_cores']}-core CPU of its machine"
        lines.append(gpu_crossover(data["results"], gpu, cpu))
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
