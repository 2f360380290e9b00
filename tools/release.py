"""Cut a template release: `make release VERSION=x.y.z` (or `python tools/release.py x.y.z`).

One command keeps the three records of a version in step: the changelog's "Unreleased"
section becomes the version's section (a new empty "Unreleased" opens above it), the
`pyproject.toml` version is set, that commit is tagged with the PEP 440 version (what Copier
reads), and `versions.yml` records the tag's commit for clones without tags (a second commit).
It refuses a dirty tree, a version that is not PEP 440, not newer than the last release, or a
changelog without upgrade notes for it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parents[1]
UNRELEASED = "## Unreleased\n"
NEW_UNRELEASED = "## Unreleased\n\n### Upgrade notes\n\n- Nothing to migrate yet.\n\n"


class ReleaseError(Exception):
    pass


def git(*args: str, root: Path = ROOT) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout.strip()


def released(root: Path) -> list[dict]:
    return yaml.safe_load((root / "versions.yml").read_text())["versions"]


def _check(version: str, root: Path) -> Version:
    try:
        parsed = Version(version)
    except InvalidVersion:
        raise ReleaseError(f"{version!r} is not a PEP 440 version (e.g. 0.3.0)") from None
    if str(parsed) != version:
        raise ReleaseError(f"write the version as {parsed} (PEP 440 normal form)")
    last = Version(released(root)[-1]["version"])
    if parsed <= last:
        raise ReleaseError(f"{version} is not newer than the last release {last}")
    if git("status", "--porcelain", root=root):
        raise ReleaseError("the working tree has uncommitted changes: commit or stash them first")
    if version in git("tag", "--list", root=root).splitlines():
        raise ReleaseError(f"tag {version} exists already")
    changelog = (root / "CHANGELOG.md").read_text()
    unreleased = changelog.split(UNRELEASED, 1)
    if len(unreleased) != 2:
        raise ReleaseError("CHANGELOG.md has no '## Unreleased' section to release")
    section = unreleased[1].split("\n## ", 1)[0]
    if "### Upgrade notes" not in section:
        raise ReleaseError("the Unreleased section of CHANGELOG.md needs '### Upgrade notes'")
    return parsed


def release(version: str, root: Path = ROOT) -> str:
    """Release ``version``; returns the tagged commit."""
    _check(version, root)
    changelog = root / "CHANGELOG.md"
    changelog.write_text(
        changelog.read_text().replace(UNRELEASED, NEW_UNRELEASED + f"## {version}\n", 1)
    )
    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        re.sub(
            r'^version = ".*"$',
            f'version = "{version}"',
            pyproject.read_text(),
            count=1,
            flags=re.M,
        )
    )
    git("add", "CHANGELOG.md", "pyproject.toml", root=root)
    git("commit", "--quiet", "--message", f"Release {version}", root=root)
    commit = git("rev-parse", "HEAD", root=root)
    git("tag", version, commit, root=root)
    versions = root / "versions.yml"
    versions.write_text(versions.read_text() + f"  - version: {version}\n    commit: {commit}\n")
    git("add", "versions.yml", root=root)
    git("commit", "--quiet", "--message", f"Record release {version} in versions.yml", root=root)
    return commit


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write("usage: make release VERSION=x.y.z\n")
        return 2
    try:
        commit = release(argv[0])
    except ReleaseError as error:
        sys.stderr.write(f"release: {error}\n")
        return 2
    print(f"Released {argv[0]} at {commit[:12]} (tagged). Push with: git push --follow-tags")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
