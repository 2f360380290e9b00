"""scripts/bootstrap.sh (make bootstrap) against stand-ins for az, terraform and gh."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import ROOT

ENVIRONMENTS = list(json.loads((ROOT / "domain.json").read_text())["environments"])
IDENTITIES = {
    f"{env}-{role}": f"{env}-{role}-client" for env in ENVIRONMENTS for role in ("plan", "apply")
}
STUBS = {
    "az": """
case "$*" in
  "account show --query id -o tsv") [ -z "${AZ_LOGGED_OUT:-}" ] || exit 1; echo sub-123 ;;
  "account show --query tenantId -o tsv") echo tenant-456 ;;
  "storage account show"*) [ -z "${STATE_ACCOUNT_MISSING:-}" ] || exit 3 ;;
esac
""",
    "terraform": f"""
case "$*" in
  *"output -json github_identities"*) echo '{json.dumps(IDENTITIES)}' ;;
esac
""",
    "gh": """
body=""
case "$*" in *"--input -"*) body="$(cat)"; echo "$body" >> "$(dirname "$0")/../bodies.log" ;; esac
case "$*" in
  "repo view"*) echo acme/risk-domain ;;
  "api users/nobody"*) exit 1 ;;
  "api users/"*) echo 583231 ;;
  "api --method PUT"*)
    case "$body" in *'"reviewers": [{'*) [ -z "${GH_REFUSES_REVIEWERS:-}" ] || exit 1 ;; esac ;;
esac
""",
}


def run_bootstrap(tmp_path: Path, *, tools=("az", "terraform", "gh"), **env) -> tuple:
    """Run bootstrap in a copy of what it reads and writes, never in this checkout."""
    work = tmp_path / "repo"
    for part in ("scripts", "domain.json", "infra/bootstrap", ".copier-answers.yml"):
        source, target = ROOT / part, work / part
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            shutil.copy(source, target)
    env.setdefault("TEMPLATE_URL", "https://github.com/acme/copier-lakehouse-domain.git")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    calls = tmp_path / "calls.log"
    for tool in tools:
        stub = bin_dir / tool
        stub.write_text(f'#!/bin/sh\necho "{tool} $*" >> "{calls}"\n{STUBS[tool]}')
        stub.chmod(0o755)
    environment = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        **{key: str(value) for key, value in env.items()},
    }
    result = subprocess.run(
        ["bash", str(work / "scripts" / "bootstrap.sh")],
        capture_output=True,
        text=True,
        env=environment,
    )
    logged = calls.read_text().splitlines() if calls.exists() else []
    return result, logged


def test_prints_its_plan_then_applies_and_sets_github_variables(tmp_path):
    result, calls = run_bootstrap(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Bootstrap plan" in result.stdout and "acme/risk-domain" in result.stdout
    assert (
        "terraform -chdir=infra/bootstrap init -input=false -reconfigure "
        "-backend-config=backend.hcl"
    ) in calls
    assert (
        "terraform -chdir=infra/bootstrap apply -input=false -auto-approve "
        "-var github_repository=acme/risk-domain"
    ) in calls
    for env in ENVIRONMENTS:
        put = f"gh api --method PUT repos/acme/risk-domain/environments/{env} --input - --silent"
        assert put in calls
        for role in ("plan", "apply"):
            name = f"AZURE_{role.upper()}_CLIENT_ID_{env.upper()}"
            value = f"{env}-{role}-client"
            assert f"gh variable set {name} --body {value} --repo acme/risk-domain" in calls
    assert "gh variable set AZURE_TENANT_ID --body tenant-456 --repo acme/risk-domain" in calls
    assert "gh variable set AZURE_SUBSCRIPTION_ID --body sub-123 --repo acme/risk-domain" in calls


def test_first_run_applies_locally_then_moves_the_state_into_the_state_account(tmp_path):
    result, calls = run_bootstrap(tmp_path, STATE_ACCOUNT_MISSING=1)
    assert result.returncode == 0, result.stderr
    terraform = [
        call
        for call in calls
        if call.startswith("terraform -chdir=infra/bootstrap") and "providers lock" not in call
    ]
    assert terraform[:3] == [
        "terraform -chdir=infra/bootstrap init -input=false -reconfigure",
        "terraform -chdir=infra/bootstrap apply -input=false -auto-approve "
        "-var github_repository=acme/risk-domain",
        "terraform -chdir=infra/bootstrap init -input=false -migrate-state -force-copy "
        "-backend-config=backend.hcl",
    ]
    assert not (ROOT / "infra" / "bootstrap" / "backend_override.tf").exists()
    for root in ("infra/bootstrap", "infra/environment"):
        assert any(call.startswith(f"terraform -chdir={root} providers lock") for call in calls)


def test_dry_run_changes_nothing_and_needs_no_login(tmp_path):
    result, calls = run_bootstrap(
        tmp_path, DRY_RUN=1, AZ_LOGGED_OUT=1, GITHUB_REPOSITORY="acme/risk-domain"
    )
    assert result.returncode == 0, result.stderr
    assert "Bootstrap plan" in result.stdout
    assert not calls  # no az, terraform or gh call at all


def test_without_an_azure_login_it_stops_with_the_fix(tmp_path):
    result, calls = run_bootstrap(tmp_path, AZ_LOGGED_OUT=1)
    assert result.returncode != 0
    assert "az login" in result.stderr
    assert not [call for call in calls if call.startswith("terraform")]


@pytest.mark.parametrize("missing", ["az", "terraform"])
def test_missing_tools_are_named(tmp_path, missing):
    tools = [tool for tool in ("az", "terraform", "gh") if tool != missing]
    result, _ = run_bootstrap(tmp_path, tools=tools)
    assert result.returncode != 0
    assert "needs" in result.stderr and missing in result.stderr


def test_without_the_github_cli_it_prints_what_to_set(tmp_path):
    result, calls = run_bootstrap(
        tmp_path, tools=("az", "terraform"), GITHUB_REPOSITORY="acme/risk-domain"
    )
    assert result.returncode == 0, result.stderr
    assert "AZURE_TENANT_ID tenant-456" in result.stdout
    assert f"AZURE_APPLY_CLIENT_ID_{ENVIRONMENTS[0].upper()}" in result.stdout
    assert not [call for call in calls if call.startswith("gh")]


def test_stg_and_prd_wait_for_the_reviewers_and_only_main_deploys(tmp_path):
    result, calls = run_bootstrap(tmp_path, REVIEWERS="alice")
    assert result.returncode == 0, result.stderr
    bodies = [json.loads(line) for line in (tmp_path / "bodies.log").read_text().splitlines()]
    environments = [b for b in bodies if "deployment_branch_policy" in b]
    assert len(environments) == len(ENVIRONMENTS)
    for env, body in zip(ENVIRONMENTS, environments, strict=True):
        assert body["deployment_branch_policy"]["custom_branch_policies"] is True
        expected = [{"type": "User", "id": 583231}] if env in ("stg", "prd") else []
        assert body["reviewers"] == expected, env
    assert bodies.count({"name": "main", "type": "branch"}) == len(ENVIRONMENTS)


def test_an_unknown_reviewer_stops_before_any_change(tmp_path):
    if not {"stg", "prd"} & set(ENVIRONMENTS):
        pytest.skip("no environment with reviewers")
    result, calls = run_bootstrap(tmp_path, REVIEWERS="nobody")
    assert result.returncode != 0
    assert "REVIEWERS: no GitHub user nobody" in result.stderr
    assert not [call for call in calls if call.startswith(("terraform", "gh api --method"))]


def test_a_plan_without_environment_reviewers_keeps_the_branch_policy(tmp_path):
    if not {"stg", "prd"} & set(ENVIRONMENTS):
        pytest.skip("no environment with reviewers")
    result, _ = run_bootstrap(tmp_path, REVIEWERS="alice", GH_REFUSES_REVIEWERS=1)
    assert result.returncode == 0, result.stderr
    assert "GitHub refused required reviewers" in result.stderr
    bodies = [json.loads(line) for line in (tmp_path / "bodies.log").read_text().splitlines()]
    assert {"name": "main", "type": "branch"} in bodies


def test_a_local_template_path_is_replaced_by_its_url(tmp_path):
    result, _ = run_bootstrap(tmp_path, TEMPLATE_URL="https://github.com/acme/template.git")
    assert result.returncode == 0, result.stderr
    answers = (tmp_path / "repo" / ".copier-answers.yml").read_text()
    source = (ROOT / ".copier-answers.yml").read_text()
    if "_src_path: /" in source:
        assert "_src_path: https://github.com/acme/template.git" in answers
    else:
        assert answers == source
