"""The rendered repository's own interface works: make test, make lint, pre-commit."""

import os
import subprocess

import pytest

from support.render import answer_set, render
from support.template_repo import git

pytestmark = pytest.mark.slow


def run(project, *command, env=None):
    return subprocess.run(
        command,
        cwd=project,
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="module")
def project(template_repo, tmp_path_factory):
    destination = render(
        template_repo, tmp_path_factory.mktemp("generated") / "domain", answer_set("default")
    )
    git(destination, "init", "--quiet")
    git(destination, "add", "--all")
    git(destination, "commit", "--quiet", "--message", "Render domain")
    return destination


def test_make_test_validates_the_contracts(project):
    result = run(project, "make", "test")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Data contract is valid against ODCS v3.1.0" in result.stdout


def test_make_lint_passes_on_a_fresh_render(project):
    result = run(project, "make", "lint")
    assert result.returncode == 0, result.stdout + result.stderr


def test_pre_commit_hooks_pass_offline(project, tmp_path):
    result = run(
        project,
        ".venv/bin/pre-commit",
        "run",
        "--all-files",
        env={"PRE_COMMIT_HOME": str(tmp_path / "pre-commit")},
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_pre_commit_refuses_conflict_markers(project, tmp_path):
    readme = project / "README.md"
    original = readme.read_text()
    readme.write_text(original + "<<<<<<< before updating\nmine\n=======\ntheirs\n>>>>>>> after\n")
    try:
        result = run(
            project,
            ".venv/bin/pre-commit",
            "run",
            "conflict-markers",
            "--all-files",
            env={"PRE_COMMIT_HOME": str(tmp_path / "pre-commit")},
        )
    finally:
        readme.write_text(original)
    assert result.returncode != 0
    assert "README.md" in result.stdout


def test_make_test_fails_on_an_invalid_contract(project):
    contract = project / "contracts" / "card_transactions.odcs.yaml"
    original = contract.read_text()
    contract.write_text(original.replace("kind: DataContract", "kind: DataContract\nbogus: 1"))
    try:
        result = run(project, "make", "test")
    finally:
        contract.write_text(original)
    assert result.returncode != 0
    assert "bogus" in result.stdout + result.stderr
