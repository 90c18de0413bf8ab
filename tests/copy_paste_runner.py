"""Run what a reader copied from a page, in a fresh interpreter: `python copy_paste_runner.py < blocks.json`.

Reads a JSON list of blocks in page order ({"kind": "python" | "file" | "console", "code", "filename"}),
runs them in the current directory as a reader would (Python blocks in one namespace, file blocks saved,
console commands run), and writes a JSON list with what each block printed.
"""

import contextlib
import io
import json
import os
import subprocess
import sys
import traceback
from pathlib import Path


def main() -> None:
    blocks = json.load(sys.stdin)
    namespace = {"__name__": "__main__"}
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    printed = []
    for block in blocks:
        if block["kind"] == "file":
            Path(block["filename"]).write_text(block["code"] + "\n")
            printed.append("")
        elif block["kind"] == "console":
            commands = [line[2:] for line in block["code"].splitlines() if line.startswith("$ ")]
            text = ""
            for command in commands:
                result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, env=env, timeout=300)
                text += result.stdout
            printed.append(text)
        else:
            buffer = io.StringIO()
            with contextlib.redirect_stdout(buffer):
                try:
                    exec(compile(block["code"], "<copied>", "exec"), namespace)
                except Exception as error:  # noqa: BLE001 - shown on the page, or reported as a difference
                    print("".join(traceback.format_exception_only(error)), end="")
            printed.append(buffer.getvalue())
    json.dump(printed, sys.stdout)


if __name__ == "__main__":
    main()
