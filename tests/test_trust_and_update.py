"""Trust is required, and a rendered project updates cleanly."""

import subprocess

import pytest
import yaml
from copier import run_update
from copier.errors import UnsafeTemplateError

from support.render import answer_set, copier_cli, render
from support.template_repo import WORKING_TREE_VERSION, git


def test_copy_without_trust_fails_and_names_the_unsafe_features(template_repo, tmp_path):
    with pytest.raises(UnsafeTemplateError, match="jinja_extensions"):
        render(template_repo, tmp_path / "domain", unsafe=False)
    assert not (tmp_path / "domain").exists()


def test_cli_without_trust_exits_non_zero(template_repo, tmp_path):
    result = copier_cli("copy", "--defaults", str(template_repo), str(tmp_path / "domain"))
    assert result.returncode == 4
    assert "unsafe feature: jinja_extensions" in result.stderr
    assert "--trust" in result.stderr
    assert not (tmp_path / "domain").exists()


def committed_render(template_repo, destination, answers):
    render(template_repo, destination, answers, vcs_ref=WORKING_TREE_VERSION)
    git(destination, "init", "--quiet")
    git(destination, "add", "--all")
    git(destination, "commit", "--quiet", "--message", "Render domain")
    return destination


@pytest.mark.parametrize("name", ["default", "eventhub", "jdbc"])
def test_update_to_the_same_version_changes_nothing(template_repo, tmp_path, name):
    project = committed_render(template_repo, tmp_path / "domain", answer_set(name))
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["_commit"] == WORKING_TREE_VERSION
    assert answers["_src_path"] == str(template_repo)

    run_update(str(project), defaults=True, overwrite=True, unsafe=True, quiet=True)

    assert git(project, "status", "--porcelain") == ""


def test_update_from_the_command_line_is_clean(template_repo, tmp_path):
    project = committed_render(template_repo, tmp_path / "domain", {})
    result = copier_cli("update", "--trust", "--defaults", cwd=project)
    assert result.returncode == 0, result.stderr
    assert git(project, "status", "--porcelain") == ""


def test_update_refuses_a_dirty_project(template_repo, tmp_path):
    project = committed_render(template_repo, tmp_path / "domain", {})
    (project / "README.md").write_text("edited, not committed\n")
    result = copier_cli("update", "--trust", "--defaults", cwd=project)
    assert result.returncode != 0
    assert "dirty" in (result.stdout + result.stderr).lower()
    assert (project / "README.md").read_text() == "edited, not committed\n"


def test_update_keeps_a_user_edited_contract(template_repo, tmp_path):
    project = committed_render(template_repo, tmp_path / "domain", {})
    contract = project / "contracts" / "card_transactions.odcs.yaml"
    edited = contract.read_text().replace("version: 1.0.0", "version: 1.1.0")
    contract.write_text(edited)
    subprocess.run(["git", "commit", "-qam", "Bump contract"], cwd=project, check=True)
    run_update(str(project), defaults=True, overwrite=True, unsafe=True, quiet=True)
    assert contract.read_text() == edited
    assert git(project, "status", "--porcelain") == ""
