"""A.6: the loaders batch the toy data the way the page says (its benchmark claims: test_benchmark_claims.py)."""

from torch.utils.data import DataLoader

from snippets.toy_data import test_loader, train_ds, train_loader


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
