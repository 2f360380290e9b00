"""Golden renders: every named answer set rendered from the working tree, committed under
tests/golden/<answer set>/ so a template change shows up as a reviewable diff.

`make golden` rewrites them; tests/test_golden.py compares a fresh render with them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .paths import ROOT

GOLDEN_DIR = ROOT / "tests" / "golden"
# The one line of a render that depends on where the template was rendered from.
SOURCE_PATH_LINE = "_src_path: "
SOURCE_PATH_PLACEHOLDER = "_src_path: <template>"


def normalized(relative: str, content: bytes) -> bytes:
    """The file as committed: the template's location in the answers file is a placeholder."""
    if relative != ".copier-answers.yml":
        return content
    lines = content.decode().splitlines(keepends=True)
    return "".join(
        SOURCE_PATH_PLACEHOLDER + "\n" if line.startswith(SOURCE_PATH_LINE) else line
        for line in lines
    ).encode()


def tree(project: Path) -> dict[str, tuple[bytes, bool]]:
    """Every file of a render or golden tree: relative path -> (normalized content, executable)."""
    files = {}
    for path in sorted(project.rglob("*")):
        if path.is_file():
            relative = path.relative_to(project).as_posix()
            executable = bool(path.stat().st_mode & 0o100)
            files[relative] = (normalized(relative, path.read_bytes()), executable)
    return files


def write_tree(files: dict[str, tuple[bytes, bool]], destination: Path) -> None:
    """Replace ``destination`` with exactly ``files``."""
    shutil.rmtree(destination, ignore_errors=True)
    for relative, (content, executable) in files.items():
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        target.chmod(0o755 if executable else 0o644)
