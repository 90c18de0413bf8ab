"""Building the site, as `python3 dev.py build` does, for the tests."""

import os
import subprocess
import sys
from pathlib import Path

from primer.paths import ROOT


def build_site(site_dir: Path, project: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=300,
    )
