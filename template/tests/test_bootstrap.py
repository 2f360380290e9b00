"""scripts/bootstrap.sh (make bootstrap) against stand-ins for az, terraform and gh."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from .conftest import ROOT

ENVIRONMENTS = list(json.loads((ROOT / "infra" / "domain.json").read_text())["environments"])
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
case "$*" in
  "repo view"*) echo acme/risk-domain ;;
esac
""",
}


def run_bootstrap(tmp_path: Path, *, tools=("az", "terraform", "gh"), **env) -> tuple:
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
        ["bash", str(ROOT / "scripts" / "bootstrap.sh")],
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
        assert f"gh api --method PUT repos/acme/risk-domain/environments/{env} --silent" in calls
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


def test_dry_run_changes_nothing(tmp_path):
    result, calls = run_bootstrap(tmp_path, DRY_RUN=1)
    assert result.returncode == 0
    assert "Bootstrap plan" in result.stdout
    assert not [call for call in calls if call.startswith("terraform")]


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
