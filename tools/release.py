"""Cut a template release: `make release VERSION=x.y.z` (or `python tools/release.py x.y.z`).

The version given here is the one source; everything else is written from it: the changelog's
"Unreleased" section becomes the version's section (a new empty "Unreleased" opens above it),
that commit is tagged with the PEP 440 version (what Copier reads), and `versions.yml` records
the tag's commit for clones without tags (a second commit). Nothing else carries a version
(pyproject.toml has none), and tests/test_release.py fails when these records disagree.
It refuses a dirty tree, a version that is not PEP 440, not newer than the last release, or a
changelog without upgrade notes for it.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
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


def _pep440(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def disagreements(root: Path = ROOT) -> list[str]:
    """Where the records of the released versions disagree with versions.yml, the list this
    command writes: its versions (PEP 440 normal form, oldest first, each once), the changelog's
    sections (Unreleased, then each version newest first, each with upgrade notes), the local
    version tags (each recorded, at its recorded commit) and pyproject.toml (no version)."""
    problems = []
    entries = released(root)
    versions = [str(entry["version"]) for entry in entries]
    commits = {str(entry["version"]): entry["commit"] for entry in entries}
    parsed = [_pep440(version) for version in versions]
    if None in parsed or [str(version) for version in parsed] != versions:
        problems.append("versions.yml: every version in PEP 440 normal form (e.g. 0.3.0)")
    elif parsed != sorted(set(parsed)):
        problems.append("versions.yml: versions must be oldest first, each once")
    changelog = (root / "CHANGELOG.md").read_text()
    headings = re.findall(r"^## (.*)$", changelog, flags=re.M)
    expected = [UNRELEASED.removeprefix("## ").strip(), *reversed(versions)]
    if headings != expected:
        problems.append(
            f"CHANGELOG.md: sections {headings}, but versions.yml makes them {expected} "
            "(Unreleased, then every release, newest first)"
        )
    bodies = re.split(r"^## .*$", changelog, flags=re.M)[1:]
    problems += [
        f"CHANGELOG.md: the {heading} section has no '### Upgrade notes'"
        for heading, body in zip(headings, bodies, strict=True)
        if heading in commits and "### Upgrade notes" not in body
    ]
    for tag in git("tag", "--list", root=root).split():
        if _pep440(tag) is None:
            continue
        if tag not in commits:
            problems.append(f"tag {tag} is not a release in versions.yml")
        elif git("rev-list", "-n", "1", tag, root=root) != commits[tag]:
            problems.append(f"tag {tag} is not at the commit versions.yml records for it")
    if "version" in tomllib.loads((root / "pyproject.toml").read_text()).get("project", {}):
        problems.append("pyproject.toml: has a version; a release is its tag (versions.yml)")
    return problems


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
    problems = disagreements(root)
    if problems:
        raise ReleaseError("the records of released versions disagree: " + "; ".join(problems))
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
    git("add", "CHANGELOG.md", root=root)
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
