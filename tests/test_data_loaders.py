"""A.6: the loaders batch the toy data the way the page says; the num_workers benchmark backs its explanation."""

import json
from pathlib import Path

from torch.utils.data import DataLoader

from snippets.toy_data import test_loader, train_ds, train_loader

ROOT = Path(__file__).resolve().parent.parent


def test_drop_last_drops_the_short_final_batch():
    keep_last = DataLoader(train_ds, batch_size=2, shuffle=True)
    assert [len(labels) for _, labels in keep_last] == [2, 2, 1]
    assert [len(labels) for _, labels in train_loader] == [2, 2]
    assert len(keep_last) == 3 and len(train_loader) == 2


def test_labels_start_at_zero_and_count_the_classes():
    labels = {int(y) for _, y in train_ds}
    assert labels == {0, 1}


def test_test_loader_keeps_the_order():
    assert [y.tolist() for _, y in test_loader] == [[0, 1]]


def test_the_num_workers_benchmark_says_what_the_page_says():
    # docs/data-loaders.md explains the recorded numbers: loading dominates the epoch, one worker gains
    # nothing, two halve the epoch, and four help only loading that waits (the machine has two cores).
    data = json.loads((ROOT / "benchmarks" / "results" / "num_workers.json").read_text())
    setup = data["setup"]
    loading = setup["items"] * setup["item_seconds"]
    epoch = {(row["kind"], row["num_workers"]): row["epoch_s"] for row in data["results"]}
    for kind in ("waiting", "computing"):
        assert loading <= epoch[kind, 0] < 1.1 * loading, "loading should be almost all of an epoch"
        assert epoch[kind, 1] >= 0.95 * epoch[kind, 0], "one worker should be no faster than none"
        assert 0.4 < epoch[kind, 2] / epoch[kind, 0] < 0.6, "two workers should halve the epoch"
    assert data["machine"]["cpu_cores"] == 2
    assert epoch["waiting", 4] < 0.75 * epoch["waiting", 2]
    assert abs(epoch["computing", 4] - epoch["computing", 2]) < 0.1 * epoch["computing", 2]
