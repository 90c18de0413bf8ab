"""Run what a reader copied from a page, in a fresh interpreter: `python copy_paste_runner.py < blocks.json`.

Reads a JSON list of Python blocks in page order, runs them in one namespace in the current directory, as a
reader pasting them into a Python session would, and writes a JSON list with what each block printed (an
error as Python reports it: `Name: message`) and what it wrote to stderr, every warning included (also
those Python hides by default), shown as the pages show them: `Name: message`.
"""

import contextlib
import io
import json
import sys
import traceback
import warnings


def show_warning(message, category, *_, **__) -> None:
    sys.stderr.write(f"{category.__name__}: {message}\n")


def main() -> None:
    namespace = {"__name__": "__main__"}
    streams = []
    for code in json.load(sys.stdin):
        stdout, stderr = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr), warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.showwarning = show_warning
            try:
                exec(compile(code, "<copied>", "exec"), namespace)
            except Exception as error:
                print("".join(traceback.format_exception_only(error)), end="")
        streams.append({"stdout": stdout.getvalue(), "stderr": stderr.getvalue()})
    json.dump(streams, sys.stdout)


if __name__ == "__main__":
    main()
