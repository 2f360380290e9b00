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
    """versions.yml, the changelog's sections, the local version tags and pyproject.toml (no
    version) agree; the next test proves each disagreement is found."""
    assert release.disagreements() == []


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
    assert "project" not in tomllib.loads((clone / "pyproject.toml").read_text())
    assert git(clone, "status", "--porcelain") == ""
    assert release.disagreements(clone) == []


def _changelog_without_section(clone, version):
    text = (clone / "CHANGELOG.md").read_text()
    start = text.index(f"## {version}\n")
    end = text.find("\n## ", start + 1)
    return text[:start] + (text[end + 1 :] if end != -1 else "")


DISAGREEMENTS = {
    "changelog section of an unreleased version": (
        lambda clone: (clone / "CHANGELOG.md").write_text(
            (clone / "CHANGELOG.md")
            .read_text()
            .replace("## Unreleased\n", "## Unreleased\n\n## 99.0.0\n", 1)
        ),
        "CHANGELOG.md: sections",
    ),
    "release without a changelog section": (
        lambda clone: (clone / "CHANGELOG.md").write_text(
            _changelog_without_section(clone, recorded_versions()[-1]["version"])
        ),
        "CHANGELOG.md: sections",
    ),
    "release section without upgrade notes": (
        lambda clone: (clone / "CHANGELOG.md").write_text(
            (clone / "CHANGELOG.md").read_text().replace("### Upgrade notes", "### Notes")
        ),
        "has no '### Upgrade notes'",
    ),
    "versions out of order": (
        lambda clone: (clone / "versions.yml").write_text(
            yaml.safe_dump({"versions": list(reversed(recorded_versions()))})
        ),
        "oldest first",
    ),
    "tag at another commit": (
        lambda clone: git(clone, "tag", "--force", recorded_versions()[0]["version"], "HEAD"),
        "is not at the commit versions.yml records",
    ),
    "tag of an unrecorded version": (
        lambda clone: git(clone, "tag", "99.0.0"),
        "tag 99.0.0 is not a release",
    ),
    "a version in pyproject.toml": (
        lambda clone: (clone / "pyproject.toml").write_text(
            '[project]\nname = "x"\nversion = "0.2.0"\n' + (clone / "pyproject.toml").read_text()
        ),
        "pyproject.toml: has a version",
    ),
}


@pytest.mark.parametrize("case", DISAGREEMENTS)
def test_each_disagreement_is_named_and_stops_a_release(clone, case):
    tamper, message = DISAGREEMENTS[case]
    tamper(clone)
    git(clone, "commit", "--quiet", "--all", "--allow-empty", "--message", case)
    assert any(message in problem for problem in release.disagreements(clone))
    with pytest.raises(release.ReleaseError, match="records of released versions disagree"):
        release.release(next_version(), Path(clone))


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
