"""Every valid answer set renders a repository that holds together: generated, not hand-picked.

Answer sets come from Hypothesis strategies (tests/support/answer_strategies.py). `make test`
runs a seeded, bounded sample (profile "ci"); `make fuzz` runs many more (profile "fuzz").
The slow layer also runs the engine on each render (contracts load, governance SQL parses in
the Databricks dialect, bundle jobs validate) and, for one generated set per source, the
rendered repository's own `make test` and `make run`.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from support.answer_strategies import valid_answer_sets
from support.generated_venv import SKIP_DOMAIN_INDEPENDENT_TESTS, generated_repo_venv, make
from support.outputs import output_problems
from support.render import render
from support.template_repo import git
from support.terraform_schema import latest, load_schemas
from support.tool_venvs import tool_bin

SCHEMAS = latest(load_schemas())

# Runs in the rendered repository with its own engine: every contract loads, the governance
# SQL of every environment is written, every bundle job of every target validates.
ENGINE_CHECK = """
import json, sys
from pathlib import Path
from databricks.bundles.jobs import Job
from {package}.contract import load_contracts
from {package}.governance import DOMAIN_GROUPS, governance_statements
from {package} import domain, naming
from resources.jobs import medallion_job

contracts = load_contracts("contracts")
statements = []
for env in domain.ENVIRONMENTS:
    catalog = naming.catalog_name(domain.DOMAIN, env)
    for contract in contracts:
        statements += governance_statements(contract, catalog, DOMAIN_GROUPS)
        job = medallion_job(contract, env).as_dict()
        assert Job.from_dict(job).as_dict() == job
Path(sys.argv[1]).write_text("\\n\\n".join(statements) + "\\n")
print(json.dumps({"contracts": len(contracts), "statements": len(statements)}))
"""


def render_generated(template_repo, tmp_path_factory, answers):
    return render(template_repo, tmp_path_factory.mktemp("generated") / "domain", answers)


@given(answers=valid_answer_sets())
def test_every_valid_answer_set_renders_files_that_parse(template_repo, tmp_path_factory, answers):
    project = render_generated(template_repo, tmp_path_factory, answers)
    try:
        assert output_problems(project, SCHEMAS, answers) == []
        recorded = (project / ".copier-answers.yml").read_text()
        assert "ordering_column: " + answers["ordering_column"] in recorded
    finally:
        shutil.rmtree(project)


@pytest.fixture(scope="module")
def engine_venv(template_repo, tmp_path_factory):
    return generated_repo_venv(render(template_repo, tmp_path_factory.mktemp("venv") / "domain"))


@pytest.mark.slow
@settings(max_examples=6)
@given(answers=valid_answer_sets())
def test_every_valid_answer_set_passes_its_engine_and_sql_parses(
    template_repo, tmp_path_factory, engine_venv, answers
):
    project = render_generated(template_repo, tmp_path_factory, answers)
    package = "lakehouse_domain"
    sql = project / "governance.sql"
    try:
        result = subprocess.run(
            [
                str(engine_venv / "bin" / "python"),
                "-c",
                ENGINE_CHECK.replace("{package}", package),
                sql,
            ],
            cwd=project,
            capture_output=True,
            text=True,
            env={"PYTHONPATH": "src:."},
        )
        assert result.returncode == 0, result.stderr[-3000:]
        assert json.loads(result.stdout)["contracts"] == 1
        parsed = subprocess.run(
            [tool_bin("sqlfluff", "sqlfluff"), "parse", "--dialect", "databricks", str(sql)],
            capture_output=True,
            text=True,
        )
        assert parsed.returncode == 0 and "unparsable" not in parsed.stdout, parsed.stdout[-3000:]
    finally:
        shutil.rmtree(project)


def one_per_source(source):
    return valid_answer_sets().filter(lambda answers: answers["source_type"] == source)


@pytest.mark.slow
@pytest.mark.parametrize("source", ["files", "eventhub", "jdbc"])
def test_a_generated_set_per_source_passes_its_own_make_lint_test_and_run(
    template_repo, tmp_path_factory, engine_venv, source, monkeypatch
):
    monkeypatch.setenv(*SKIP_DOMAIN_INDEPENDENT_TESTS)

    # check's source seeds its derandomized example: editing it changes the generated answers.
    # One example, no shrinking: each example is minutes of make targets; a failure shows its
    # answers and output as they are.
    @settings(max_examples=1, derandomize=True, database=None, phases=[Phase.generate])
    @given(answers=one_per_source(source))
    def check(answers):
        project = render_generated(template_repo, tmp_path_factory, answers)
        git(project, "init", "--quiet")
        tested = make(project, engine_venv, "lint", "test", "run", "ROWS=300", timeout=2400)
        assert tested.returncode == 0, tested.stdout[-5000:] + tested.stderr[-3000:]
        report = json.loads((project / "build" / "run_report.json").read_text())
        assert report["succeeded"] and report["datasets"][0]["conservation"]["holds"]

    check()


@pytest.mark.parametrize("strategy", [st.just(1)])
def test_the_ci_profile_is_seeded_and_bounded(strategy):
    """`make test` must give the same examples on every run and finish in bounded time."""
    current = settings()
    assert current.derandomize or current.max_examples > 100  # ci profile, or make fuzz
    assert current.deadline is None
