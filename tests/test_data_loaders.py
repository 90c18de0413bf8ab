"""A.6: the loaders batch the toy data the way the page says (its benchmark claims: test_benchmark_claims.py)."""

import re
import subprocess
from pathlib import Path

from torch.utils.data import DataLoader

from primer.pages.expand import expand_page
from primer.paths import CONFIG, DOCS
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


def page_script(name: str) -> str:
    """The file block titled `name` on the A.6 page, as a reader saves it."""
    page = expand_page(DOCS / "data-loaders.md", CONFIG).text
    return re.search(rf'^```python title="{name}"\n(.*?)^```$', page, re.DOTALL | re.MULTILINE).group(1)


# The reader's script run as `python FILE` would run it, but with the start method of macOS and Windows, which
# starts every worker with the interpreter multiprocessing is told to use (sys.argv[2]).
UNDER_SPAWN = (
    "import multiprocessing, runpy, sys; multiprocessing.set_start_method('spawn'); "
    "multiprocessing.set_executable(sys.argv[2]); runpy.run_path(sys.argv[1], run_name='__main__')"
)
GUARD = 'if __name__ == "__main__":'


def run_under_spawn(script: str, tmp_path: Path, python: str) -> subprocess.CompletedProcess:
    """With `python` for the script's process and its workers: each a process of its own that starts without
    its parent's memory, and gets its work by multiprocessing's spawn protocol (it imports the script as
    `__mp_main__`, then unpickles what the parent sent), a fork of a zygote that has imported torch where processes
    fork (tests/forked_python.py), a fresh interpreter elsewhere."""
    (tmp_path / "script.py").write_text(script, encoding="utf-8")
    command = [python, "-c", UNDER_SPAWN, "script.py", python]
    return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)


def test_the_workers_script_runs_under_spawn_and_fails_there_without_its_guard(tmp_path, python_forks):
    script, python = page_script("load_in_workers.py"), python_forks()
    guarded = run_under_spawn(script, tmp_path, python)
    assert guarded.returncode == 0, guarded.stderr
    assert guarded.stdout.count("Epoch") == 3
    # The check can fail: the same script with its guard taken out dies as it would on a reader's Mac.
    assert script.count(GUARD) == 1
    unguarded = run_under_spawn(script.replace(GUARD, "if True:"), tmp_path, python)
    assert unguarded.returncode != 0
    assert "bootstrapping phase" in unguarded.stderr and "exited unexpectedly" in unguarded.stderr
