"""One virtual environment for the rendered repositories' own make targets.

Every render pins the same dependency groups, so the tests build them once into
.tools/generated-repo (rebuilt when the groups change) and pass it to make as VENV, telling
make not to rebuild it (-o). Each repository still runs its own Makefile targets.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import venv
from pathlib import Path

from .build_lock import building
from .paths import TOOL_VENVS


def dependency_groups(project: Path) -> str:
    text = (project / "pyproject.toml").read_text()
    return re.search(r"^\[dependency-groups\]\n(.*?)(?=^\[)", text, flags=re.S | re.M)[1]


def generated_repo_venv(project: Path) -> Path:
    digest = hashlib.sha256(dependency_groups(project).encode()).hexdigest()
    home = TOOL_VENVS / "generated-repo"
    stamp = home / ".groups-sha256"
    with building(home):
        if stamp.is_file() and stamp.read_text() == digest:
            return home
        venv.EnvBuilder(clear=True, with_pip=True).create(home)
        pip = [str(home / "bin" / "python"), "-m", "pip", "--quiet", "--disable-pip-version-check"]
        subprocess.run([*pip, "install", "pip==25.3"], check=True, stdout=sys.stderr)
        subprocess.run(
            [*pip, "install", "--group", "dev"], cwd=project, check=True, stdout=sys.stderr
        )
        stamp.write_text(digest)
        return home


# Rendered tests marked `domain_independent` read nothing of the answers, so they prove the same
# in every render: the default render's full `make test` (test_generated_repo.py) runs them, and
# a test of other answers skips them by setting this in its environment (monkeypatch.setenv).
SKIP_DOMAIN_INDEPENDENT_TESTS = ("PYTEST_ADDOPTS", "-m 'not domain_independent'")


def make(project: Path, venv_home: Path, *targets: str, timeout: int = 1200):
    """Run the project's make targets with the shared venv (never rebuilt by make)."""
    stamp = venv_home / "bin" / ".installed"
    stamp.touch()
    return subprocess.run(
        ["make", "--no-print-directory", "-o", str(stamp), f"VENV={venv_home}", *targets],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
