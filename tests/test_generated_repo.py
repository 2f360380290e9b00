"""The rendered repository's own interface works: make test, make run, make lint, pre-commit.

For the files, Event Hubs and JDBC answer sets: the local pipeline runs with conservation in
its report, the same synthetic load again lands nothing new (and says so), a second run with
no new data changes nothing, and lint passes. The demo's own test suite runs here; generated
answer sets of every source run theirs in tests/test_generated_answers.py.
"""

import json
import os
import re
import subprocess

import pytest
import yaml

from support.generated_venv import generated_repo_venv, make
from support.render import answer_set, render
from support.template_repo import git
from support.tool_venvs import tool_bin

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


@pytest.mark.parametrize("name", ["default"])
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

    same = make(project, shared_venv, "run", "ROWS=500")
    assert same.returncode == 0, output(same)
    assert "were landed before; nothing new is landed" in " ".join(output(same).split())
    assert (
        json.loads((project / "build" / "run_report.json").read_text())["datasets"][0]["bronze"][
            "rows_written"
        ]
        == 0
    )

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


def sqlfluff_parse(path):
    return subprocess.run(
        [tool_bin("sqlfluff", "sqlfluff"), "parse", "--dialect", "databricks", str(path)],
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize("name", ["default", "eventhub"])
def test_make_governance_writes_parseable_sql_covering_every_rule(projects, shared_venv, name):
    project = projects[name]
    result = make(project, shared_venv, "governance")
    assert result.returncode == 0, output(result)
    answers = answer_set(name)
    environments = answers.get("environments", ["dev", "prd"])
    domain = json.loads((project / "domain.json").read_text())["domain"]
    contract = yaml.safe_load(next((project / "contracts").glob("*.odcs.yaml")).read_text())
    dataset = contract["schema"][0]["name"]
    masked = {
        p["name"]: next(
            c["value"] for c in p["customProperties"] if c["property"] == "maskingStrategy"
        )
        for p in contract["schema"][0]["properties"]
        if p.get("customProperties")
    }
    assert masked
    for env in environments:
        sql_file = project / "build" / "governance" / f"{env}.sql"
        parsed = sqlfluff_parse(sql_file)
        assert parsed.returncode == 0 and "unparsable" not in parsed.stdout, parsed.stdout[-3000:]
        sql = sql_file.read_text()
        catalog = f"{domain}_{env}"
        for table in (f"{dataset}", f"{dataset}_quarantine"):
            table = f"`{catalog}`.`silver`.`{table}`"  # the engine quotes every identifier
            for column in masked:
                pattern = rf"ALTER TABLE {re.escape(table)} ALTER COLUMN `{column}` SET MASK "
                assert len(re.findall(pattern, sql)) == 1, (table, column)
        for strategy in set(masked.values()):
            assert f"CREATE OR REPLACE FUNCTION `{catalog}`.`governance`.`mask_{strategy}_" in sql
        assert "is_account_group_member('" in sql


def test_sqlfluff_rejects_a_planted_typo(projects, shared_venv, tmp_path):
    sql_file = projects["default"] / "build" / "governance" / "dev.sql"
    if not sql_file.exists():
        assert make(projects["default"], shared_venv, "governance").returncode == 0
    sql = sql_file.read_text()
    broken = tmp_path / "broken.sql"
    broken.write_text(sql.replace("SET MASK", "SET MAKS", 1))
    parsed = sqlfluff_parse(broken)
    assert parsed.returncode != 0 or "unparsable" in parsed.stdout
