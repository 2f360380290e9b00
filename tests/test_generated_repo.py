"""The rendered repository's own interface works: make test, make run, make lint, pre-commit.

For the files, Event Hubs and JDBC answer sets: the generated test suite passes, the local
pipeline runs with conservation in its report, and a second run with no new data changes
nothing.
"""

import json
import os
import subprocess

import pytest

from support.generated_venv import generated_repo_venv, make
from support.render import answer_set, render
from support.template_repo import git

pytestmark = pytest.mark.slow
SOURCES = ["default", "eventhub", "jdbc"]


@pytest.fixture(scope="module")
def projects(template_repo, tmp_path_factory):
    base = tmp_path_factory.mktemp("generated")
    rendered = {}
    for name in SOURCES:
        project = render(template_repo, base / name, answer_set(name))
        git(project, "init", "--quiet")
        git(project, "add", "--all")
        git(project, "commit", "--quiet", "--message", "Render domain")
        rendered[name] = project
    return rendered


@pytest.fixture(scope="module")
def shared_venv(projects):
    return generated_repo_venv(projects["default"])


def output(result):
    return f"{result.stdout}\n{result.stderr}"


@pytest.mark.parametrize("name", SOURCES)
def test_make_test_passes(projects, shared_venv, name):
    result = make(projects[name], shared_venv, "test")
    assert result.returncode == 0, output(result)
    assert "Data contract is valid against ODCS v3.1.0" in result.stdout
    assert " passed" in result.stdout and " failed" not in result.stdout


@pytest.mark.parametrize("name", SOURCES)
def test_make_run_conserves_records_and_reruns_idempotently(projects, shared_venv, name):
    project = projects[name]
    result = make(project, shared_venv, "run", "ROWS=500")
    assert result.returncode == 0, output(result)
    first = json.loads((project / "build" / "run_report.json").read_text())
    assert first["succeeded"]
    (dataset,) = first["datasets"]
    assert dataset["conservation"]["holds"]
    assert dataset["bronze"]["rows_written"] >= 500
    assert dataset["silver"]["quarantined"] > 0 and dataset["silver"]["superseded_duplicates"] > 0
    assert dataset["gold"]["rows_built"] > 0
    assert "Pipeline run" in result.stdout

    again = make(project, shared_venv, "run", "ROWS=0")
    assert again.returncode == 0, output(again)
    (rerun,) = json.loads((project / "build" / "run_report.json").read_text())["datasets"]
    assert rerun["bronze"]["rows_written"] == 0
    assert rerun["silver"]["rows_read"] == 0
    assert rerun["gold"]["inserted"] == rerun["gold"]["updated"] == 0


@pytest.mark.parametrize("name", SOURCES)
def test_make_lint_passes_on_a_fresh_render(projects, shared_venv, name):
    result = make(projects[name], shared_venv, "lint")
    assert result.returncode == 0, output(result)


def pre_commit(project, venv_home, tmp_path, *args):
    """The project's hooks, pointed at the shared venv instead of the project's .venv."""
    config = (project / ".pre-commit-config.yaml").read_text()
    shared_config = tmp_path / "pre-commit-config.yaml"
    shared_config.write_text(config.replace(".venv/bin/", f"{venv_home}/bin/"))
    return subprocess.run(
        [
            str(venv_home / "bin" / "pre-commit"),
            "run",
            "--config",
            str(shared_config),
            *args,
            "--all-files",
        ],
        cwd=project,
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "PRE_COMMIT_HOME": str(tmp_path / "pre-commit"),
            "PATH": f"{venv_home / 'bin'}:{os.environ['PATH']}",
        },
    )


def test_pre_commit_hooks_pass_offline(projects, shared_venv, tmp_path):
    result = pre_commit(projects["default"], shared_venv, tmp_path)
    assert result.returncode == 0, output(result)


def test_pre_commit_refuses_conflict_markers(projects, shared_venv, tmp_path):
    project = projects["default"]
    readme = project / "README.md"
    original = readme.read_text()
    readme.write_text(original + "<<<<<<< before updating\nmine\n=======\ntheirs\n>>>>>>> after\n")
    try:
        result = pre_commit(project, shared_venv, tmp_path, "conflict-markers")
    finally:
        readme.write_text(original)
    assert result.returncode != 0
    assert "README.md" in result.stdout


def test_make_test_fails_on_an_invalid_contract(projects, shared_venv):
    project = projects["default"]
    contract = project / "contracts" / "card_transactions.odcs.yaml"
    original = contract.read_text()
    contract.write_text(original.replace("kind: DataContract", "kind: DataContract\nbogus: 1"))
    try:
        result = make(project, shared_venv, "test")
    finally:
        contract.write_text(original)
    assert result.returncode != 0
    assert "bogus" in output(result)
