"""Render the template with Copier's API or CLI, the way users do."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml
from copier import run_copy

from .paths import ANSWERS_DIR

COPIER_CLI = str(Path(sys.executable).with_name("copier"))


def answer_set(name: str) -> dict:
    """A named answer set from tests/answers/<name>.yml (usable with --data-file too)."""
    return yaml.safe_load((ANSWERS_DIR / f"{name}.yml").read_text()) or {}


def answer_set_names() -> list[str]:
    return sorted(path.stem for path in ANSWERS_DIR.glob("*.yml"))


def render(template: Path, dst: Path, answers: dict | None = None, **options) -> Path:
    """Copy the template into ``dst`` with the given answers; defaults for everything else."""
    run_copy(
        str(template),
        str(dst),
        data=answers or {},
        defaults=True,
        unsafe=options.pop("unsafe", True),
        quiet=True,
        **options,
    )
    return dst


def copier_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the copier command line as a user would (no input, captured output)."""
    return subprocess.run(
        [COPIER_CLI, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )
