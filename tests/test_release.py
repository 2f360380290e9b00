"""One command cuts a release, and the records of every version agree."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from support.paths import ROOT
from support.template_repo import git, recorded_versions

sys.path.insert(0, str(ROOT / "tools"))
import release  # noqa: E402  (tools/ is not a package)


def test_the_version_records_agree():
    """pyproject.toml carries the last released version; the changelog has a section with
    upgrade notes for each; a local tag of a release points at its recorded commit."""
    versions = recorded_versions()
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["version"] == versions[-1]["version"]
    tags = git(ROOT, "tag", "--list").split()
    for entry in versions:
        if entry["version"] in tags:
            assert git(ROOT, "rev-list", "-n", "1", entry["version"]).strip() == entry["commit"]


@pytest.fixture
def clone(tmp_path, hermetic_environment):
    target = tmp_path / "template"
    git(ROOT.parent, "clone", "--quiet", "--no-hardlinks", str(ROOT), str(target))
    for path in ("CHANGELOG.md", "pyproject.toml", "versions.yml", "tools/release.py"):
        (target / path).write_text((ROOT / path).read_text())
    git(target, "add", "--all")
    git(target, "commit", "--quiet", "--allow-empty", "--message", "Working tree")
    return target


def next_version() -> str:
    major, minor, _ = map(int, recorded_versions()[-1]["version"].split("."))
    return f"{major}.{minor + 1}.0"


def test_release_tags_the_version_and_records_it(clone):
    version = next_version()
    result = subprocess.run(
        [sys.executable, "tools/release.py", version], cwd=clone, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    tagged = git(clone, "rev-list", "-n", "1", version).strip()
    recorded = yaml.safe_load((clone / "versions.yml").read_text())["versions"][-1]
    assert recorded == {"version": version, "commit": tagged}
    changelog = (clone / "CHANGELOG.md").read_text()
    assert changelog.index("## Unreleased") < changelog.index(f"## {version}\n")
    assert tomllib.loads((clone / "pyproject.toml").read_text())["project"]["version"] == version
    assert git(clone, "status", "--porcelain") == ""


@pytest.mark.parametrize(
    ("version", "setup", "message"),
    [
        ("0.0.1", None, "not newer than the last release"),
        ("01.0.0", None, "PEP 440 normal form"),
        ("latest", None, "not a PEP 440 version"),
        (None, "dirty", "uncommitted changes"),
        (None, "no-notes", "needs '### Upgrade notes'"),
    ],
)
def test_release_refuses_and_changes_nothing(clone, version, setup, message):
    version = version or next_version()
    if setup == "dirty":
        (clone / "README.md").write_text("changed\n")
    if setup == "no-notes":
        changelog = clone / "CHANGELOG.md"
        text = changelog.read_text()
        start = text.index("## Unreleased")
        end = text.index("\n## ", start + 5)
        changelog.write_text(text[:start] + "## Unreleased\n\n- Something.\n" + text[end:])
        git(clone, "commit", "--quiet", "--all", "--message", "No notes")
    head = git(clone, "rev-parse", "HEAD")
    with pytest.raises(release.ReleaseError, match=re.escape(message)):
        release.release(version, Path(clone))
    assert git(clone, "rev-parse", "HEAD") == head
    assert version not in git(clone, "tag", "--list").split()
