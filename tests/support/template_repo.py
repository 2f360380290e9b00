"""Build a throw-away git copy of the template so Copier sees a clean, tagged repository.

Copier records `_commit` from git tags and `copier update` needs PEP 440 tags; tags of this
repository are not relied on (clones and CI may not have them), so tests tag their own copy.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from .paths import ROOT

WORKING_TREE_VERSION = "999.0.0"


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True)
    return result.stdout


def working_tree_files() -> list[str]:
    """Tracked and untracked, not ignored, still existing files of the working tree."""
    listed = git(ROOT, "ls-files", "--cached", "--others", "--exclude-standard", "-z")
    return sorted({name for name in listed.split("\0") if name and (ROOT / name).is_file()})


def snapshot_working_tree(dest: Path, version: str = WORKING_TREE_VERSION) -> Path:
    """Copy the working tree into a new git repository at ``dest``, commit and tag it."""
    dest.mkdir(parents=True)
    for name in working_tree_files():
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    git(dest, "init", "--quiet")
    git(dest, "add", "--all")
    git(dest, "commit", "--quiet", "--message", f"Template working tree as {version}")
    git(dest, "tag", version)
    return dest
