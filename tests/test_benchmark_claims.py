"""Every sentence that states a measured result holds for the recorded data it comes from.

The tables and plots are generated from benchmarks/results/*.json; the sentences around them are prose, so
each is listed here with the check of what it says. A failure names the page line of the sentence.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from primer import paths

HALVES = (0.4, 0.6)  # "halves": the later time is 40-60 % of the earlier one
FASTER = 0.9  # "faster": at least 10 % less time; "no faster": less than that
LEVEL = 0.85  # "level": within 15 % of the best


@dataclass(frozen=True)
class Claim:
    page: str
    sentence: str  # as the page writes it; any run of whitespace may be a line break
    # benchmarks/results/RECORD.json; a sentence about several records names them all, and its check gets a list
    record: str | tuple[str, ...]
    check: Callable[[Any], str | None]  # what contradicts the sentence in the data, or None

    @property
    def records(self) -> tuple[str, ...]:
        return (self.record,) if isinstance(self.record, str) else self.record

    def __str__(self) -> str:
        return self.page + ":" + re.sub(r"\W+", "-", self.sentence)[:40]


def epoch(data: dict, kind: str, workers: int) -> float:
    return next(r["epoch_s"] for r in data["results"] if r["kind"] == kind and r["num_workers"] == workers)


def ratio(data: dict, kind: str, before: int, after: int) -> float:
    return epoch(data, kind, after) / epoch(data, kind, before)


def halves(before: int, after: int) -> Callable[[dict], str | None]:
    def check(data: dict) -> str | None:
        wrong = [
            f"{kind}: {ratio(data, kind, before, after):.2f}"
            for kind in ("waiting", "computing")
            if not HALVES[0] <= ratio(data, kind, before, after) <= HALVES[1]
        ]
        return f"epoch time with {after} workers / with {before}, outside {HALVES}: {wrong}" if wrong else None

    return check


def one_worker_is_no_faster(data: dict) -> str | None:
    wrong = [
        f"{kind}: {ratio(data, kind, 0, 1):.2f}"
        for kind in ("waiting", "computing")
        if ratio(data, kind, 0, 1) < FASTER
    ]
    return f"epoch time with 1 worker / with none, below {FASTER}: {wrong}" if wrong else None


def only_waiting_gains_beyond_the_cores(data: dict) -> str | None:
    cores = data["machine"]["cpu_cores"]
    beyond = [workers for workers in {r["num_workers"] for r in data["results"]} if workers > cores]
    if not beyond:
        return f"no measurement with more workers than the {cores} cores"
    gains = {
        kind: [ratio(data, kind, cores, workers) < FASTER for workers in beyond] for kind in ("waiting", "computing")
    }
    if all(gains["waiting"]) and not any(gains["computing"]):
        return None
    return (
        f"beyond {cores} workers ({beyond}): waiting faster {gains['waiting']}, computing faster {gains['computing']}"
    )


def loading_dominates(data: dict) -> str | None:
    loading = data["setup"]["items"] * data["setup"]["item_seconds"]
    wrong = [
        f"{kind}: {epoch(data, kind, 0):.2f} s"
        for kind in ("waiting", "computing")
        if not loading <= epoch(data, kind, 0) < 1.1 * loading
    ]
    return f"epochs with no workers not within 10 % of the {loading:.2f} s of loading: {wrong}" if wrong else None


def numbers(expected: str, actual: Callable[[dict], str]) -> Callable[[dict], str | None]:
    """The numbers a sentence states, as the data gives them."""

    def check(data: dict) -> str | None:
        return None if actual(data) == expected else f"the data gives {actual(data)!r}, the page says {expected!r}"

    return check


def loading_seconds(data: dict) -> str:
    items, seconds = data["setup"]["items"], data["setup"]["item_seconds"]
    return f"{items} items of {seconds * 1e3:g} ms each, {items * seconds:.2f} s"


def ddp_two_processes_slower_than_one_on_two_cores(data: dict) -> str | None:
    by = {(r["processes"], r["threads_per_process"]): r["epoch_s"] for r in data["results"]}
    if data["machine"]["cpu_cores"] != 2:
        return f"measured on {data['machine']['cpu_cores']} cores, not 2"
    if by[2, 1] > by[1, 2]:
        return None
    return f"two processes {by[2, 1]:.2f} s per epoch, one process with both cores {by[1, 2]:.2f} s"


def matmul_level_from(size: int) -> Callable[[dict], str | None]:
    def check(data: dict) -> str | None:
        cpu = {r["size"]: r["gflops"] for r in data["results"] if r["device"] == "cpu"}
        best = max(cpu.values())
        wrong = [n for n, gflops in cpu.items() if (gflops >= LEVEL * best) != (n >= size)]
        return f"sizes on the wrong side of {LEVEL} x the best GFLOP/s ({best:.1f}): {wrong}" if wrong else None

    return check


def each(check: Callable[[dict], str | None]) -> Callable[[list[dict]], str | None]:
    """The same check for every record a sentence is about."""

    def check_each(records: list[dict]) -> str | None:
        problems = [f"{cpu_name(data)}: {problem}" for data in records if (problem := check(data))]
        return "; ".join(problems) or None

    return check_each


def cpu_name(data: dict) -> str:
    return f"{data['machine']['cpu']} ({data['machine']['cpu_cores']} cores)"


def matmul_seconds(data: dict, device: str) -> dict[int, float]:
    return {r["size"]: r["seconds"] for r in data["results"] if r["device"] == device}


def gpu_slower_than_every_cpu_up_to(size: int) -> Callable[[list[dict]], str | None]:
    """Every recorded GPU is slower than every recorded CPU at n <= size and faster above it."""

    def check(records: list[dict]) -> str | None:
        gpus = [matmul_seconds(data, "cuda") for data in records if matmul_seconds(data, "cuda")]
        cpus = [matmul_seconds(data, "cpu") for data in records]
        if not gpus:
            return "no GPU rows"
        wrong = sorted(
            {n for gpu in gpus for cpu in cpus for n in gpu.keys() & cpu.keys() if (gpu[n] > cpu[n]) != (n <= size)}
        )
        return f"sizes where a GPU is on the wrong side of a CPU: {wrong}" if wrong else None

    return check


def gpu_fixed_cost(data: dict) -> str:
    """The range of the GPU's times over the sizes where they stay within twice the fastest, and up to which size."""
    gpu = matmul_seconds(data, "cuda")
    fastest = min(gpu.values())
    flat = [n for n in sorted(gpu) if gpu[n] < 2 * fastest]
    if flat != sorted(gpu)[: len(flat)]:
        return f"not flat from the smallest size on: {flat}"
    times = [gpu[n] * 1e3 for n in flat]
    return f"Up to n = {flat[-1]}, the GPU takes {min(times):.3f} to {max(times):.3f} ms"


def gpu_overtakes(data: dict) -> str:
    """From which size on the GPU stays faster than the CPU of its machine, and both times there."""
    cpu, gpu = matmul_seconds(data, "cpu"), matmul_seconds(data, "cuda")
    sizes = sorted(cpu.keys() & gpu.keys())
    first = next((n for n in sizes if all(gpu[m] < cpu[m] for m in sizes if m >= n)), None)
    if first is None:
        return "never"
    cores = data["machine"]["cpu_cores"]
    return (
        f"overtakes the {cores}-core CPU at n = {first} ({gpu[first] * 1e3:.3f} ms against {cpu[first] * 1e3:.3f} ms)"
    )


def gpu_at_largest(data: dict) -> str:
    cpu, gpu = matmul_seconds(data, "cpu"), matmul_seconds(data, "cuda")
    n = max(cpu.keys() & gpu.keys())
    tflops = next(r["gflops"] for r in data["results"] if r["device"] == "cuda" and r["size"] == n) / 1e3
    return (
        f"{cpu[n] / gpu[n]:.0f} times faster at {n}×{n} ({gpu[n] * 1e3:.2f} ms against {cpu[n] * 1e3:.0f} ms, about "
        f"{tflops:.0f} TFLOP/s"
    )


def gpu_peak(data: dict) -> str:
    best = max((r for r in data["results"] if r["device"] == "cuda"), key=lambda r: r["gflops"])
    return f"{round(best['gflops'], -3):,.0f} GFLOP/s at n = {best['size']}"


MATMUL = ("matmul", "matmul-h200")  # this project's 2-core machine; the machine with an NVIDIA H200

CLAIMS = [
    Claim("data-loaders.md", "both halve from one to two workers", "num_workers", halves(1, 2)),
    Claim(
        "data-loaders.md",
        "with four workers, waiting loading gets faster again, computing loading does not",
        "num_workers",
        only_waiting_gains_beyond_the_cores,
    ),
    Claim("data-loaders.md", "In this benchmark, loading dominates", "num_workers", loading_dominates),
    Claim(
        "data-loaders.md",
        "an epoch loads 192 items of 4 ms each, 0.77 s of loading",
        "num_workers",
        numbers("192 items of 4 ms each, 0.77 s", loading_seconds),
    ),
    Claim(
        "data-loaders.md",
        "the whole epoch takes 0.78 to 0.81 s",
        "num_workers",
        numbers(
            "0.78 to 0.81",
            lambda d: "{:.2f} to {:.2f}".format(*sorted(epoch(d, kind, 0) for kind in ("waiting", "computing"))),
        ),
    ),
    Claim("data-loaders.md", "One worker is no faster than none", "num_workers", one_worker_is_no_faster),
    Claim("data-loaders.md", "Two workers load two batches at once and halve the epoch", "num_workers", halves(0, 2)),
    Claim(
        "data-loaders.md",
        "Four workers make it faster again only when loading *waits* (0.28 s",
        "num_workers",
        numbers("0.28", lambda d: f"{epoch(d, 'waiting', 4):.2f}"),
    ),
    Claim(
        "data-loaders.md", "so four workers are no faster than two", "num_workers", only_waiting_gains_beyond_the_cores
    ),
    Claim(
        "gpu-training.md",
        "On this 2-core machine, two DDP processes are *slower* than one process using both cores",
        "ddp_scaling",
        ddp_two_processes_slower_than_one_on_two_cores,
    ),
    Claim("exercises.md", "level from n = 128 on", MATMUL, each(matmul_level_from(128))),
    Claim("exercises.md", "crosses them between n = 64 and n = 128", MATMUL, gpu_slower_than_every_cpu_up_to(64)),
    Claim(
        "exercises.md",
        "rises to about 50,000 GFLOP/s at n = 2048",
        "matmul-h200",
        numbers("50,000 GFLOP/s at n = 2048", gpu_peak),
    ),
    Claim("exercises.md", "from about n = 128 on does the arithmetic dominate", MATMUL, each(matmul_level_from(128))),
    Claim(
        "exercises.md",
        "Up to n = 512, the GPU takes 0.012 to 0.020 ms",
        "matmul-h200",
        numbers("Up to n = 512, the GPU takes 0.012 to 0.020 ms", gpu_fixed_cost),
    ),
    Claim(
        "exercises.md",
        "Both CPUs are faster than that up to n = 64",
        MATMUL,
        gpu_slower_than_every_cpu_up_to(64),
    ),
    Claim(
        "exercises.md",
        "the GPU overtakes the 16-core CPU at n = 128 (0.012 ms against 0.027 ms)",
        "matmul-h200",
        numbers("overtakes the 16-core CPU at n = 128 (0.012 ms against 0.027 ms)", gpu_overtakes),
    ),
    Claim(
        "exercises.md",
        "is 326 times faster at 2048×2048 (0.34 ms against 111 ms, about 50 TFLOP/s in float32)",
        "matmul-h200",
        numbers("326 times faster at 2048×2048 (0.34 ms against 111 ms, about 50 TFLOP/s", gpu_at_largest),
    ),
]


@pytest.mark.parametrize("claim", CLAIMS, ids=str)
def test_the_sentence_holds_for_the_recorded_data(claim: Claim) -> None:
    text = (paths.DOCS / claim.page).read_text(encoding="utf-8")
    found = re.search(r"\s+".join(map(re.escape, claim.sentence.split())), text)
    assert found, (
        f"docs/{claim.page} no longer says {claim.sentence!r}: make CLAIMS in tests/test_benchmark_claims.py "
        "state what the page says now, with its check"
    )
    line = text.count("\n", 0, found.start()) + 1
    records = [json.loads((paths.RESULTS / f"{record}.json").read_text()) for record in claim.records]
    problem = claim.check(records[0] if isinstance(claim.record, str) else records)
    named = " and ".join(f"benchmarks/results/{record}.json" for record in claim.records)
    assert problem is None, f"docs/{claim.page}:{line}: {claim.sentence!r} does not hold for {named}: {problem}"
