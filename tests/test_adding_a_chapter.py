"""The README's "Adding a chapter" routine works: in a copy of the project, a page written and put in the nav
as it says is a chapter, `generate` makes its notebook, and the check it names passes on it.

What other tests cover is left to them: filling in Output blocks (tests/test_harness.py, `--update-outputs`),
a chapter whose notebook is missing or stale (tests/test_generated.py, and a fault of tests/test_mutations.py),
the copy-paste check of every chapter (tests/test_browser_copy_paste.py, one per chapters() entry).
"""

import subprocess
import sys

from primer.chapters import chapters
from tests.project_copy import copy_project

PAGE = """\
# A.10 A new chapter

```python
--8<-- "snippets/new_chapter.py:hello"
```

```text title="Output"
3
```
"""
SNIPPET = """\
# --8<-- [start:hello]
print(sum([1, 2]))  # no torch: the routine is the same, and the notebook's kernel starts in a second
# --8<-- [end:hello]
"""


def run_in(project, *args, python=sys.executable):
    return subprocess.run([python, *args], cwd=project, capture_output=True, text=True, timeout=300)


def test_a_chapter_added_as_the_readme_says_is_verified_with_its_notebook(tmp_path, python_forks):
    project = copy_project(tmp_path)

    # 1. the page and its code (its Output block as step 3, --update-outputs, fills it in), 2. its place in the nav
    (project / "docs" / "new-chapter.md").write_text(PAGE)
    (project / "snippets" / "new_chapter.py").write_text(SNIPPET)
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "  - Summary: summary.md\n", "      - A.10 A new chapter: new-chapter.md\n  - Summary: summary.md\n"
        )
    )
    assert "new-chapter" in chapters(config), "the page is no chapter: it gets no notebook, no copy-paste check"

    # 4. generate (its notebook and its script, the generated files a chapter adds; that every generated file is
    # current is tests/test_generated.py's check, which re-renders them all), 5. check it: its notebook and its
    # script, made from the page, run in a fresh kernel and interpreter and print what the page shows
    generated = run_in(project, "-m", "primer.generate", "notebooks", "chapter_code")
    for made in ("docs/notebooks/new-chapter.ipynb", "docs/notebooks/new-chapter.py"):
        assert f"wrote {made}" in generated.stdout, generated.stdout + generated.stderr
    # The check's pytest imports torch (the machine it describes): forked from a zygote that has imported it
    # (tests/forked_python.py), it runs as `python -m pytest` does, without paying for that import again.
    checked = run_in(
        project,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-n0",
        "-q",
        "tests/test_notebooks.py",
        "tests/test_chapter_scripts.py",
        "-k",
        "new-chapter",
        python=python_forks(),
    )
    assert checked.returncode == 0, checked.stdout[-3000:]
    assert "2 passed" in checked.stdout, checked.stdout[-3000:]
