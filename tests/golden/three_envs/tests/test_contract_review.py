"""The contract gate compares the contracts with a git base revision: a changed contract
without the version bump its changes need is refused, with a summary a reviewer can read."""

import shutil
import subprocess

import pytest
import yaml

from lakehouse_local.cli import main
from lakehouse_local.contract_review import documents_at, documents_in, review, summary

from .conftest import contract_document


def git(repository, *args):
    subprocess.run(["git", *args], cwd=repository, check=True, capture_output=True)


@pytest.fixture
def repository(tmp_path, contract):
    """A git repository whose main branch holds the contract under test."""
    (tmp_path / "contracts").mkdir()
    shutil.copy(contract.path, tmp_path / "contracts" / contract.path.name)
    git(tmp_path, "init", "--quiet", "--initial-branch", "main")
    git(tmp_path, "add", "--all")
    git(
        tmp_path,
        "-c",
        "user.name=Tests",
        "-c",
        "user.email=tests@example.com",
        "commit",
        "--quiet",
        "--message",
        "Contracts",
    )
    return tmp_path


def write(repository, contract, document):
    path = repository / "contracts" / contract.path.name
    path.write_text(yaml.safe_dump(document, sort_keys=False))


def current_review(repository):
    return review(documents_at(repository, "main"), documents_in(repository / "contracts"))


def test_nothing_changed_nothing_to_review(repository):
    assert current_review(repository) == []
    assert "No contract changed since `main`" in summary([], "main")


def test_a_removed_column_without_a_major_bump_is_refused_by_name(repository, contract):
    document = contract_document(contract)
    removed = document["schema"][0]["properties"].pop()["name"]
    document["version"] = "1.1.0"
    write(repository, contract, document)
    (item,) = current_review(repository)
    assert "major version bump" in item.problem
    text = summary([item], "main")
    assert f"`{contract.name}.{removed}`: column removed" in text
    assert "**refused**" in text


def test_an_added_optional_column_with_a_minor_bump_passes(repository, contract):
    document = contract_document(contract)
    document["schema"][0]["properties"].append({"name": "channel", "physicalType": "STRING"})
    document["version"] = "1.1.0"
    write(repository, contract, document)
    (item,) = current_review(repository)
    assert item.problem == ""
    assert "version fits" in summary([item], "main")


def test_a_new_contract_needs_no_bump_and_an_active_one_is_not_removed(repository, contract):
    document = contract_document(contract)
    document["name"] = "other_dataset"
    (repository / "contracts" / "other_dataset.odcs.yaml").write_text(yaml.safe_dump(document))
    (repository / "contracts" / contract.path.name).unlink()
    reviews = {item.dataset: item for item in current_review(repository)}
    assert reviews["other_dataset"].problem == ""
    assert reviews[contract.name].changes[0].detail == "dataset removed"
    assert "first set its status to deprecated" in reviews[contract.name].problem


def test_a_deprecated_contract_may_be_removed(repository, contract):
    document = contract_document(contract)
    document["status"] = "deprecated"
    document["version"] = "1.1.0"
    write(repository, contract, document)
    (deprecation,) = current_review(repository)
    assert deprecation.problem == ""
    git(repository, "add", "--all")
    git(repository, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-qm", "d")
    (repository / "contracts" / contract.path.name).unlink()
    (removal,) = current_review(repository)
    assert removal.problem == ""


def test_an_unknown_base_revision_is_a_clear_error(repository):
    with pytest.raises(RuntimeError, match="git ls-tree"):
        documents_at(repository, "no-such-branch")


def test_the_command_fails_on_a_version_that_does_not_fit_and_writes_the_summary(
    repository, contract, monkeypatch, tmp_path
):
    """`make contract-changes` (CI's gate): exit 1 and a job summary naming the refusal."""
    monkeypatch.chdir(repository)
    document = contract_document(contract)
    document["schema"][0]["properties"].pop()
    write(repository, contract, document)
    job_summary = tmp_path / "summary.md"
    assert main(["contract-changes", "--base", "main", "--summary", str(job_summary)]) == 1
    assert "major version bump" in job_summary.read_text()

    document["version"] = "2.0.0"
    write(repository, contract, document)
    assert main(["contract-changes", "--base", "main", "--summary", str(job_summary)]) == 1
    assert f"`{contract.name}` 2.0.0 has no `## {contract.name} 2.0.0` entry" in (
        job_summary.read_text()
    )


def test_each_new_version_needs_its_changelog_entry_and_gets_a_draft(
    repository, contract, monkeypatch
):
    """contracts/CHANGELOG.md, for consumers: the gate refuses a version without its entry;
    --draft-changelog (make contract-changes DRAFT=1) writes it from the classified changes."""
    monkeypatch.chdir(repository)
    changelog = repository / "contracts" / "CHANGELOG.md"
    changelog.write_text(f"# Contract changelog\n\n## {contract.name} 1.0.0\n\n- First.\n")
    document = contract_document(contract)
    removed = document["schema"][0]["properties"].pop()["name"]
    document["version"] = "2.0.0"
    write(repository, contract, document)
    assert main(["contract-changes", "--base", "main"]) == 1
    assert main(["contract-changes", "--base", "main", "--draft-changelog"]) == 0
    text = changelog.read_text()
    assert text.index(f"## {contract.name} 2.0.0") < text.index(f"## {contract.name} 1.0.0")
    assert f"- breaking: `{contract.name}.{removed}`: column removed (or renamed)" in text
    assert f"make rebuild-silver DATASET={contract.name}" in text
    assert main(["contract-changes", "--base", "main"]) == 0


def test_the_command_names_a_base_it_cannot_read(repository, monkeypatch):
    monkeypatch.chdir(repository)
    assert main(["contract-changes", "--base", "no-such-branch"]) == 2
