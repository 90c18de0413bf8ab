from xdist.scheduler import LoadScopeScheduling

pytest_plugins = ["primer.verify.plugin", "pytester"]

# Files of slow checks, one page each, that need nothing from each other: their tests spread over every process.
# They run after every other file, the heaviest first, so that these small units even out the processes' ends.
SPREAD = (
    "tests/test_notebooks.py",
    "tests/test_chapter_scripts.py",
    "tests/test_browser_copy_paste.py",
    "tests/test_browser_pages.py",
)


class _Scheduling(LoadScopeScheduling):
    """Each test file in one process, as `--dist loadfile` does (a docs page's blocks share a namespace, a test
    module's tests share its fixtures), except the files in SPREAD."""

    def _split_scope(self, nodeid: str) -> str:
        file = nodeid.split("::", 1)[0]
        return nodeid if file in SPREAD else file


def pytest_collection_modifyitems(items):
    """The order the processes take the files in (pyproject.toml turns xdist's own reordering off)."""
    items.sort(key=lambda item: SPREAD.index(file) + 1 if (file := item.nodeid.split("::")[0]) in SPREAD else 0)


def pytest_xdist_make_scheduler(config, log):
    return _Scheduling(config, log)


def pytest_addoption(parser):
    parser.addoption(
        "--all-faults",
        action="store_true",
        help="tests/test_mutations.py: inject every fault, not only the fast ones the suite runs each time",
    )
