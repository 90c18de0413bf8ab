"""A small project (mkdocs.yml, a page, a snippet module) for the harness's own tests: each writes a page
and runs pytest on it with the harness plugin, exactly as the real suite does (the `project` fixture)."""

from __future__ import annotations

from pathlib import Path

import pytest

# pytester forgets the modules an inner run imported. Torch, imported by the plugin in an inner run (to know the
# machine) and then forgotten, cannot be imported again in this process, and the plugin's own modules (MkDocs,
# Markdown, sybil) would be imported again by every run: all are imported here, before any.
import torch  # noqa: F401

import primer.verify.plugin  # noqa: F401

SNIPPET = """\
# --8<-- [start:setup]
numbers = [1, 2, 3]
# --8<-- [end:setup]

# --8<-- [start:total]
total = sum(numbers)
print(total)
# --8<-- [end:total]

# --8<-- [start:boom]
x = 1
raise KeyError("boom")
# --8<-- [end:boom]

# --8<-- [start:version]
print("torch 2.13.0+cpu on this machine")
# --8<-- [end:version]

# --8<-- [start:warn]
import warnings

warnings.warn("old API", DeprecationWarning)
print("done")
# --8<-- [end:warn]

# --8<-- [start:stderr]
import sys

print("careful", file=sys.stderr)
# --8<-- [end:stderr]

# --8<-- [start:display]
numbers.pop()
# --8<-- [end:display]
"""

FENCE = "```"


def block(
    include: str,
    output: str | None = None,
    *,
    info: str = "python",
    output_info: str = 'text title="Output"',
    stderr: str | None = None,
) -> str:
    code = f'{FENCE}{info}\n--8<-- "code/example.py:{include}"\n{FENCE}\n'
    if output is not None:
        code += f"\n{FENCE}{output_info}\n{output}{FENCE}\n"
    if stderr is not None:
        code += f'\n{FENCE}text title="Output (stderr)"\n{stderr}{FENCE}\n'
    return code


def write_page(project: pytest.Pytester, *parts: str) -> Path:
    page = project.path / "docs" / "page.md"
    page.write_text("# A page\n\n" + "\n".join(parts))
    return page


def run(project: pytest.Pytester, *args: str) -> tuple[pytest.RunResult, str]:
    result = project.runpytest("-p", "no:cacheprovider", *args)
    return result, result.stdout.str()
