"""The README's "Adding a chapter" routine works: done in a copy of the project, step by step, the new
chapter is verified and gets its notebook and its copy-paste check. (That the suite fails until the notebook
is generated is one of the faults of tests/test_mutations.py.)"""

import shutil
import subprocess
import sys

from primer.paths import ROOT

PAGE = """\
# A.10 A new chapter

[Open this chapter as a notebook](notebooks/new-chapter.ipynb){ .md-button }

```python
--8<-- "snippets/new_chapter.py:hello"
```

```text title="Output"
```
"""
SNIPPET = """\
# --8<-- [start:hello]
import torch

print(torch.tensor([1, 2]))
# --8<-- [end:hello]
"""


def pytest_in(project, *args):
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n0", "-q", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_chapter_added_as_the_readme_says_is_verified_with_its_notebook(tmp_path):
    project = tmp_path / "project"
    for name in ("docs", "snippets", "primer", "tests", "benchmarks", "matrix"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("mkdocs.yml", "pyproject.toml", "uv.lock", "conftest.py"):
        shutil.copy(ROOT / name, project / name)

    # 1. the page, 2. its code, 3. its place in the nav
    (project / "docs" / "new-chapter.md").write_text(PAGE)
    (project / "snippets" / "new_chapter.py").write_text(SNIPPET)
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "  - Summary: summary.md\n", "      - A.10 A new chapter: new-chapter.md\n  - Summary: summary.md\n"
        )
    )
    chapters = subprocess.run(
        [sys.executable, "-c", "from primer.chapters import chapters; print(*chapters())"],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert "new-chapter" in chapters, chapters

    # 3. the outputs, from a real run
    filled = pytest_in(project, "docs/new-chapter.md", "--update-outputs")
    assert filled.returncode == 0, filled.stdout[-3000:]
    assert '```text title="Output"\ntensor([1, 2])\n```' in (project / "docs" / "new-chapter.md").read_text()

    # 4. generate, 5. check the chapter: page, notebook, and the generated files
    subprocess.run([sys.executable, "-m", "primer.generate"], cwd=project, check=True, capture_output=True)
    after = pytest_in(
        project,
        "docs/new-chapter.md",
        "tests/test_generated.py",
        "tests/test_notebooks.py",
        "-k",
        "new-chapter or new_chapter or generated or links",
    )
    assert after.returncode == 0, after.stdout[-3000:]
    collected = pytest_in(project, "tests/test_browser_copy_paste.py", "--collect-only")
    assert "new-chapter" in collected.stdout, "the new chapter gets no copy-paste check"
