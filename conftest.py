pytest_plugins = ["primer.verify.plugin", "pytester"]


def pytest_addoption(parser):
    parser.addoption(
        "--all-faults",
        action="store_true",
        help="tests/test_mutations.py: inject every fault, not only the fast ones the suite runs each time",
    )
