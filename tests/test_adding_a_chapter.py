"""The README's "Adding a chapter" routine ends with a green suite: in a copy of the project, three files
written by hand (the page with an empty Output block, its code, its place in the nav) and its three commands
(`--update-outputs`, `generate`, the check), then the checks that judge a new page: its page check, every
generated file, its notebook, the records (tests/test_matrix.py: a chapter no environment has run yet is
reported, not failed) and the site's build and links (tests/test_site.py). The browser checks run each chapter
by the same chapters() list (tests/test_browser_*.py), where Chromium is.
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

    # 3. its outputs, 4. generate, 5. check it: as the README's commands run them (`dev.py test` is pytest in the
    # reference environment). The checks' pytest imports torch: forked from a zygote that has imported it
    # (tests/forked_python.py), it runs as `python -m pytest` does, without paying for that import again.
    pytest = ["-m", "pytest", "-p", "no:cacheprovider", "-n0", "-q"]
    filled = run_in(project, *pytest, "docs/new-chapter.md", "--update-outputs", python=python_forks())
    assert filled.returncode == 0 and "3\n" in (project / "docs" / "new-chapter.md").read_text(), filled.stdout[-3000:]
    generated = run_in(project, "-m", "primer.generate")
    for made in ("docs/notebooks/new-chapter.ipynb", "docs/notebooks/new-chapter.py"):
        assert f"wrote {made}" in generated.stdout, generated.stdout + generated.stderr
    checks = ["docs/new-chapter.md", "tests/test_generated.py", "tests/test_notebooks.py", "tests/test_matrix.py"]
    checks.append("tests/test_chapter_scripts.py")
    # the new chapter's notebook and script, not every chapter's again
    checked = run_in(
        project,
        *pytest,
        *checks,
        "tests/test_site.py",
        "-rA",
        "-k",
        "new-chapter or not (fresh_kernel or runs_on_its_own)",
        python=python_forks(),
    )
    assert checked.returncode == 0, checked.stdout[-3000:]
    assert "[new-chapter]" in checked.stdout, "its notebook or script was not checked: " + checked.stdout[-3000:]
