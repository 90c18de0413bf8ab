"""Running the examples that are meant to fail."""

import contextlib
import traceback


@contextlib.contextmanager
def shows_error(expected: type[BaseException]):
    """Run a block that demonstrates an error and print the error the way Python reports it.

    The block on the page raises; the module, run on its own, prints the same line and carries on.
    """
    try:
        yield
    except expected as error:
        print("".join(traceback.format_exception_only(error)), end="")
    else:
        raise AssertionError(f"this example should raise {expected.__name__}, and it did not")
