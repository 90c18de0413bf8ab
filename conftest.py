from xdist.scheduler import LoadScopeScheduling

pytest_plugins = ["primer.verify.plugin", "pytester"]

# Files of slow checks, one page each, that need nothing from each other: their tests spread over every process.
SPREAD = {"tests/test_browser_pages.py", "tests/test_browser_copy_paste.py", "tests/test_notebooks.py"}


class _Scheduling(LoadScopeScheduling):
    """Each test file in one process, as `--dist loadfile` does (a docs page's blocks share a namespace, a test
    module's tests share its fixtures), except the files in SPREAD."""

    def _split_scope(self, nodeid: str) -> str:
        file = nodeid.split("::", 1)[0]
        return nodeid if file in SPREAD else file


def pytest_xdist_make_scheduler(config, log):
    return _Scheduling(config, log)


def pytest_addoption(parser):
    parser.addoption(
        "--all-faults",
        action="store_true",
        help="tests/test_mutations.py: inject every fault, not only the fast ones the suite runs each time",
    )
