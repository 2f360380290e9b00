"""Isolated virtual environments for heavy or conflicting tools (tools/<name>.txt).

Each tool gets .tools/<name>, rebuilt when its pinned requirements change. Keeping them out of
the main venv stops their pins (e.g. datacontract-cli's) from constraining Copier's.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import venv
from pathlib import Path

from .build_lock import building
from .paths import TOOL_VENVS, TOOLS_DIR


def tool_venv(name: str) -> Path:
    requirements = TOOLS_DIR / f"{name}.txt"
    digest = hashlib.sha256(requirements.read_bytes()).hexdigest()
    home = TOOL_VENVS / name
    stamp = home / ".requirements-sha256"
    with building(home):
        if stamp.is_file() and stamp.read_text() == digest:
            return home
        venv.EnvBuilder(clear=True, with_pip=True).create(home)
        python = home / "bin" / "python"
        subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
                str(requirements),
            ],
            check=True,
            stdout=sys.stderr,
        )
        stamp.write_text(digest)
        return home


def tool_bin(venv_name: str, executable: str) -> str:
    return str(tool_venv(venv_name) / "bin" / executable)
