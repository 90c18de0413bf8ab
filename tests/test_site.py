"""The site builds strictly, and a broken include breaks the build."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build(project: Path, site: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=120,
    )


def test_the_site_builds_strictly_without_warnings(tmp_path):
    result = build(ROOT, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    assert (tmp_path / "site" / "tensors" / "index.html").is_file()


def test_a_missing_snippet_section_fails_the_build(tmp_path):
    project = tmp_path / "project"
    for name in ("docs", "snippets", "benchmarks", "overrides"):
        shutil.copytree(ROOT / name, project / name)
    shutil.copy(ROOT / "mkdocs.yml", project)
    page = project / "docs" / "tensors.md"
    page.write_text(page.read_text().replace("snippets/tensors.py:ranks", "snippets/tensors.py:no-such-section"))
    result = build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "Snippet section 'no-such-section' could not be located" in result.stderr


def test_the_torch_version_each_page_states_is_the_one_the_outputs_come_from():
    import torch
    from mkdocs.config import load_config

    stated = load_config(str(ROOT / "mkdocs.yml"), plugins=[])["extra"]["torch_version"]
    assert torch.__version__.split("+")[0] == stated
