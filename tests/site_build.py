"""Building the site, as `uv run dev.py build` does, for the tests."""

import os
import subprocess
import sys
from pathlib import Path

from primer.environments import DEFAULT_VARIABLES
from primer.paths import ROOT

# The repository address the tests build with, as the deploy job sets its own: the pages link to it.
EDIT_URL = "https://github.com/example/primer/edit/main/docs/"


def build_site(
    site_dir: Path, project: Path = ROOT, edit_url: str = "", site_url: str = ""
) -> subprocess.CompletedProcess:
    """Build strictly; `edit_url` is the repository address and `site_url` the address the deploy job sets
    (none by default)."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=project,
        capture_output=True,
        text=True,
        env={**DEFAULT_VARIABLES, **os.environ, "PRIMER_EDIT_URL": edit_url, "PRIMER_SITE_URL": site_url},
        timeout=300,
    )
