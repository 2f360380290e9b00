"""Build a throw-away git copy of the template so Copier sees a clean, tagged repository.

Copier records `_commit` from git tags and `copier update` needs PEP 440 tags; tags of this
repository are not relied on (clones and CI may not have them), so tests tag their own copy.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import yaml

from .paths import ROOT

WORKING_TREE_VERSION = "999.0.0"
# The working tree plus one template change, to prove how updates handle conflicts.
NEXT_VERSION = "1000.0.0"
VERSIONS_FILE = ROOT / "versions.yml"


def recorded_versions() -> list[dict]:
    """Released template versions and their commits, oldest first (versions.yml)."""
    return yaml.safe_load(VERSIONS_FILE.read_text())["versions"]


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


def release_history(dest: Path) -> Path:
    """A clone of this repository with every recorded version tagged at its commit, the
    working tree committed on top as WORKING_TREE_VERSION and one more template change as
    NEXT_VERSION (the generated Makefile's first line), for update tests."""
    git(ROOT.parent, "clone", "--quiet", "--no-hardlinks", str(ROOT), str(dest))
    for release in recorded_versions():
        git(dest, "tag", "--force", release["version"], release["commit"])
    git(dest, "rm", "-r", "-q", "--cached", ".")
    for path in dest.iterdir():
        if path.is_dir() and path.name != ".git":
            shutil.rmtree(path)
        elif path.is_file():
            path.unlink()
    for name in working_tree_files():
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    git(dest, "add", "--all")
    git(dest, "commit", "--quiet", "--allow-empty", "--message", "Working tree")
    git(dest, "tag", WORKING_TREE_VERSION)
    makefile = dest / "template" / "Makefile.jinja"
    lines = makefile.read_text().splitlines(keepends=True)
    lines[0] = "# Interface of this repository (changed by the next template version).\n"
    makefile.write_text("".join(lines))
    git(dest, "commit", "--quiet", "--all", "--message", "Next template version")
    git(dest, "tag", NEXT_VERSION)
    return dest
