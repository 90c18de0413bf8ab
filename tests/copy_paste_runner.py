"""Run what a reader copied from a page, in a fresh interpreter: `python copy_paste_runner.py < blocks.json`.

Reads a JSON list of Python blocks in page order, runs them in one namespace in the current directory, as a
reader pasting them into a Python session would, and writes a JSON list with what each block printed (an
error as Python reports it: `Name: message`).
"""

import contextlib
import io
import json
import sys
import traceback


def main() -> None:
    namespace = {"__name__": "__main__"}
    printed = []
    for code in json.load(sys.stdin):
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            try:
                exec(compile(code, "<copied>", "exec"), namespace)
            except Exception as error:  # noqa: BLE001 - shown on the page, or reported as a difference
                print("".join(traceback.format_exception_only(error)), end="")
        printed.append(buffer.getvalue())
    json.dump(printed, sys.stdout)


if __name__ == "__main__":
    main()
