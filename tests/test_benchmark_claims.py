"""Every sentence that states a measured result holds for the recorded data it comes from.

The tables and plots are generated from benchmarks/results/*.json; the sentences around them are prose, so
each is listed here with the check of what it says. A failure names the page line of the sentence.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from primer import paths

HALVES = (0.4, 0.6)  # "halves": the later time is 40-60 % of the earlier one
FASTER = 0.9  # "faster": at least 10 % less time; "no faster": less than that
LEVEL = 0.85  # "level": within 15 % of the best


@dataclass(frozen=True)
class Claim:
    page: str
    sentence: str  # as the page writes it; any run of whitespace may be a line break
    record: str  # benchmarks/results/RECORD.json
    check: Callable[[dict], str | None]  # what contradicts the sentence in the data, or None

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
    Claim("exercises.md", "level from n = 128 on", "matmul", matmul_level_from(128)),
    Claim("exercises.md", "from about n = 128 on does the arithmetic dominate", "matmul", matmul_level_from(128)),
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
    problem = claim.check(json.loads((paths.RESULTS / f"{claim.record}.json").read_text()))
    assert problem is None, (
        f"docs/{claim.page}:{line}: {claim.sentence!r} does not hold for benchmarks/results/{claim.record}.json: "
        f"{problem}"
    )
