"""The contract gate of a change: every contract that differs from a base revision, its
changes classified (``contract_changes``) and whether its version bump fits them.

CI runs it on each pull request against the target branch (``make contract-changes
BASE=origin/<target>``, which runs ``python -m lakehouse_local contract-changes``); locally
``make contract-changes`` compares with ``origin/main``. The summary is Markdown, for the pull
request's job summary.

Consumers read what changed in ``contracts/CHANGELOG.md``: every version a contract takes
needs its entry there (a ``## <dataset> <version>`` section), or the gate refuses it; the
entry's draft is written from the classified changes (``make contract-changes DRAFT=1``), to
be completed with what consumers must do.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

from lakehouse_domain.contract_changes import BREAKING, Change, classify, version_problem

CONTRACT_SUFFIX = ".odcs.yaml"
CHANGELOG = "CHANGELOG.md"
_ENTRY = re.compile(r"^## (\S+) (\d+\.\d+\.\d+)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class DatasetReview:
    """One contract's changes since the base and the verdict on its version."""

    dataset: str
    old_version: str | None
    new_version: str | None
    changes: list[Change]
    problem: str


def _git(repository: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *args], cwd=repository, capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise RuntimeError(f"git {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout


def documents_at(repository: Path, revision: str, folder: str = "contracts") -> dict[str, dict]:
    """The contracts of ``folder`` as they were at ``revision``, by dataset file name."""
    listed = _git(repository, "ls-tree", "--name-only", f"{revision}:{folder}")
    names = [name for name in listed.splitlines() if name.endswith(CONTRACT_SUFFIX)]
    return {
        name.removesuffix(CONTRACT_SUFFIX): yaml.safe_load(
            _git(repository, "show", f"{revision}:{folder}/{name}")
        )
        for name in names
    }


def documents_in(folder: Path) -> dict[str, dict]:
    """The contracts of the working tree, by dataset file name."""
    return {
        path.name.removesuffix(CONTRACT_SUFFIX): yaml.safe_load(path.read_text())
        for path in sorted(folder.glob(f"*{CONTRACT_SUFFIX}"))
    }


def review(base: dict[str, dict], head: dict[str, dict]) -> list[DatasetReview]:
    """A review of every dataset that was added, removed or changed."""
    reviews = []
    for dataset in sorted(base.keys() | head.keys()):
        old, new = base.get(dataset), head.get(dataset)
        changes = classify(old, new)
        if changes:
            reviews.append(
                DatasetReview(
                    dataset=dataset,
                    old_version=(old or {}).get("version"),
                    new_version=(new or {}).get("version"),
                    changes=changes,
                    problem=version_problem(old, new, changes),
                )
            )
    return reviews


def summary(reviews: list[DatasetReview], base: str) -> str:
    """Markdown for people: per dataset, its version change, each change and the verdict."""
    if not reviews:
        return f"No contract changed since `{base}`.\n"
    lines = [f"## Contract changes since `{base}`", ""]
    for item in reviews:
        kind = BREAKING if any(c.kind == BREAKING for c in item.changes) else "additive"
        verdict = f"**refused**: {item.problem}" if item.problem else "version fits"
        versions = f"{item.old_version or '(new)'} -> {item.new_version or '(removed)'}"
        lines += [f"### `{item.dataset}`: {kind}, {versions}, {verdict}", ""]
        lines += [f"- {change.kind}: `{change.where}`: {change.detail}" for change in item.changes]
        lines.append("")
    return "\n".join(lines)


def changelog_entries(text: str) -> set[tuple[str, str]]:
    """The (dataset, version) of every ``## <dataset> <version>`` section of the changelog."""
    return set(_ENTRY.findall(text))


def missing_entries(reviews: list[DatasetReview], text: str) -> list[DatasetReview]:
    """The reviews of contracts that took a new version without its changelog entry."""
    entries = changelog_entries(text)
    return [
        item
        for item in reviews
        if item.old_version is not None
        and item.new_version is not None
        and str(item.new_version) != str(item.old_version)
        and (item.dataset, str(item.new_version)) not in entries
    ]


def draft_entry(item: DatasetReview) -> str:
    """A changelog entry drafted from the classified changes (to complete by hand)."""
    lines = [f"## {item.dataset} {item.new_version}", ""]
    lines += [f"- {change.kind}: `{change.where}`: {change.detail}" for change in item.changes]
    if any(change.kind == BREAKING for change in item.changes):
        lines.append(
            f"- migration: silver is rebuilt from bronze under this version (`make "
            f"rebuild-silver DATASET={item.dataset}`); readers of a removed or renamed column "
            "must change their queries."
        )
    return "\n".join(lines) + "\n"


def with_drafts(text: str, items: list[DatasetReview]) -> str:
    """The changelog with the draft entries of ``items`` first (newest on top), after its
    introduction."""
    drafts = "\n".join(draft_entry(item) for item in items)
    first = _ENTRY.search(text)
    if first is None:
        return f"{text.rstrip()}\n\n{drafts}" if text.strip() else drafts
    return f"{text[: first.start()]}{drafts}\n{text[first.start() :]}"


def changelog_summary(missing: list[DatasetReview], path: str) -> str:
    """Markdown naming each version without its changelog entry."""
    if not missing:
        return ""
    lines = [f"### Missing from `{path}`", ""]
    lines += [
        f"- **refused**: `{item.dataset}` {item.new_version} has no `## {item.dataset} "
        f"{item.new_version}` entry (`make contract-changes DRAFT=1` writes its draft)"
        for item in missing
    ]
    return "\n".join(lines) + "\n"
