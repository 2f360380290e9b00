"""Rendered Terraform (infra/) for every answer set: formatted, conformant to the provider
schemas, checkov-clean with justified skips only, and the project's own security rules."""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from support.hcl import parse, resources, unquote, wiring_problems
from support.render import answer_set, answer_set_names
from support.terraform_console import PIPELINE, PLAN, console, grants_for, terraform_env
from support.terraform_schema import check_tree, latest, load_schemas
from support.tool_venvs import tool_bin

TERRAFORM = shutil.which("terraform")
needs_terraform = pytest.mark.skipif(
    TERRAFORM is None, reason="terraform CLI not installed: fmt and console checks skipped"
)
MODULE_FILES = {"main.tf", "variables.tf", "outputs.tf", "terraform.tf", "locals.tf"}
CHECKOV_SKIP = re.compile(r"#\s*checkov:skip=([A-Z0-9_]+):(.*)")
PEOPLE_FORBIDDEN_IN_PRD = {"MODIFY", "ALL_PRIVILEGES", "CREATE_TABLE"}


@pytest.fixture(scope="module")
def schemas():
    """The newest recorded release of each provider (every admitted major: cloud rule B1)."""
    return latest(load_schemas())


def settings(project: Path) -> dict:
    return json.loads((project / "domain.json").read_text())


@pytest.mark.parametrize("name", answer_set_names())
def test_layout_one_folder_per_concern(answer_set_renders, name):
    infra = answer_set_renders[name] / "infra"
    modules = {p.name for p in (infra / "modules").iterdir()}
    expected = {
        "network",
        "private_endpoint",
        "storage",
        "workspace",
        "serverless_network",
        "workspace_access",
        "monitoring",
        "cost",
        "unity_catalog",
    }
    if answer_set(name).get("source_type") == "eventhub":
        expected.add("eventhub")
    if answer_set(name).get("quality_monitors", True):
        expected.add("quality_monitoring")
    assert modules == expected
    for module in modules:
        files = {p.name for p in (infra / "modules" / module).iterdir()}
        # `terraform test` files of the grants and network rules sit in tests/ (ci.yml runs them).
        assert files - {"tests"} == MODULE_FILES, module
    environments = settings(answer_set_renders[name])["environments"]
    assert {p.name for p in (infra / "environments").iterdir()} == {
        f"{env}.{suffix}" for env in environments for suffix in ("tfvars", "backend.hcl")
    }
    assert (infra / "README.md").is_file()


@needs_terraform
@pytest.mark.parametrize("name", answer_set_names())
def test_terraform_fmt_check(answer_set_renders, name):
    result = subprocess.run(
        [TERRAFORM, "fmt", "-check", "-recursive", "-diff", "infra"],
        cwd=answer_set_renders[name],
        capture_output=True,
        text=True,
        env=terraform_env(),
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", answer_set_names())
def test_provider_schema_conformance(answer_set_renders, schemas, name):
    assert check_tree(answer_set_renders[name] / "infra", schemas) == []


def test_conformance_check_catches_a_planted_argument(answer_set_renders, schemas, tmp_path):
    infra = tmp_path / "infra"
    shutil.copytree(answer_set_renders["default"] / "infra", infra)
    storage = infra / "modules" / "storage" / "main.tf"
    storage.write_text(storage.read_text().replace("min_tls_version ", "min_tls_versoin "))
    problems = check_tree(infra, schemas)
    assert problems == [
        "modules/storage/main.tf: azurerm_storage_account.this: unknown argument 'min_tls_versoin'"
    ]


@pytest.mark.parametrize("name", answer_set_names())
def test_module_wiring_is_complete(answer_set_renders, name):
    """Offline stand-in for the first half of `terraform validate` (no provider needed)."""
    assert wiring_problems(answer_set_renders[name] / "infra") == []


def test_wiring_check_catches_a_planted_mistake(answer_set_renders, tmp_path):
    infra = tmp_path / "infra"
    shutil.copytree(answer_set_renders["default"] / "infra", infra)
    main = infra / "environment" / "main.tf"
    region = "  region                      = data.azurerm_resource_group.this.location\n"
    assert main.read_text().count(region) == 1
    main.write_text(main.read_text().replace(region, ""))
    outputs = infra / "environment" / "outputs.tf"
    outputs.write_text(outputs.read_text().replace("module.workspace.url", "module.workspace.uri"))
    assert sorted(wiring_problems(infra)) == [
        "environment: module.unity_catalog: missing input region",
        "environment: module.workspace.uri is not an output",
    ]


@pytest.mark.parametrize("name", answer_set_names())
def test_every_variable_is_typed_described_and_every_output_described(answer_set_renders, name):
    for path in (answer_set_renders[name] / "infra").rglob("variables.tf"):
        for block in parse(path).get("variable", []):
            for variable, body in block.items():
                assert "type" in body and body.get("description"), f"{path}: {variable}"
    for path in (answer_set_renders[name] / "infra").rglob("outputs.tf"):
        for block in parse(path).get("output", []):
            for output, body in block.items():
                assert body.get("description"), f"{path}: {output}"


@pytest.mark.parametrize("name", answer_set_names())
def test_security_settings_checkov_does_not_cover(answer_set_renders, name):
    infra = answer_set_renders[name] / "infra"
    accounts = list(resources(infra, "azurerm_storage_account"))
    assert len(accounts) == 2  # data (environment) and Terraform state (bootstrap)
    for path, resource, body in accounts:
        assert body["infrastructure_encryption_enabled"] is True, f"{path}: {resource}"
        assert body["shared_access_key_enabled"] is False, f"{path}: {resource}"
        assert unquote(body["min_tls_version"]) == "TLS1_2"
    (workspace,) = resources(infra, "azurerm_databricks_workspace")
    assert workspace[2]["custom_parameters"][0]["no_public_ip"] is True
    assert unquote(workspace[2]["sku"]) == "premium"
    for _, _, body in resources(infra, "azurerm_eventhub_namespace"):
        assert body["local_authentication_enabled"] is False
        assert unquote(body["minimum_tls_version"]) == "1.2"
    assert not list(resources(infra, "databricks_metastore")), "never create a metastore"
    prd = infra / "environments" / "prd.tfvars"
    if prd.exists():
        assert re.search(r"^private_networking\s*=\s*true$", prd.read_text(), flags=re.M)


@pytest.mark.parametrize("name", answer_set_names())
def test_every_taggable_azure_resource_is_tagged(answer_set_renders, schemas, name):
    azurerm = schemas["azurerm"]["resources"]
    for path in sorted((answer_set_renders[name] / "infra").rglob("*.tf")):
        for block in parse(path).get("resource", []):
            for kind, named in block.items():
                kind = unquote(kind)
                if kind.startswith("azurerm_") and "tags" in azurerm[kind]:
                    for resource, body in named.items():
                        assert "tags" in body, f"{path}: {kind}.{unquote(resource)} has no tags"


@pytest.mark.parametrize("name", answer_set_names())
def test_names_come_from_the_naming_core(answer_set_renders, name):
    """No Azure or Unity Catalog name is built in HCL: every name argument is a reference.

    An access control rule set's `name` is an API path of two runtime ids (account and
    service principal), not a name the naming core could know."""
    for path in sorted((answer_set_renders[name] / "infra").rglob("*.tf")):
        for block in parse(path).get("resource", []):
            for kind, named in block.items():
                if unquote(kind) == "databricks_access_control_rule_set":
                    continue
                for resource, body in named.items():
                    value = body.get("name")
                    if isinstance(value, str) and value.startswith('"'):
                        assert "${" not in value, f"{path}: {unquote(kind)}.{unquote(resource)}"


def test_names_fit_for_the_longest_domain_in_every_environment(answer_set_renders):
    names = settings(answer_set_renders["three_envs"])
    assert names["domain"] == "paymentsx9" and len(names["domain"]) == 10
    for env, env_names in names["environments"].items():
        assert len(env_names["storage_account"]) <= 24
        assert len(env_names["key_vault"]) <= 24
        assert env_names["catalog"] == f"paymentsx9_{env}"
    assert len(names["state"]["storage_account"]) <= 24


@needs_terraform
@pytest.mark.parametrize("environment", ["dev", "prd"])
def test_grants_follow_the_persona_by_layer_table(answer_set_renders, tmp_path, environment):
    grants = grants_for(environment, tmp_path / environment, answer_set_renders)
    people = {"engineers", "analysts", "pii"}
    pipeline = PIPELINE
    for securable in ("catalog", "schema", "volume"):
        for target, principals in (
            grants[securable].items()
            if securable != "catalog"
            else [("catalog", grants["catalog"])]
        ):
            for principal, privileges in principals.items():
                if principal in people and environment == "prd":
                    assert not PEOPLE_FORBIDDEN_IN_PRD & set(privileges), (target, principal)
                if principal in people:
                    assert "ALL_PRIVILEGES" not in privileges
    assert "analysts" not in grants["schema"]["bronze"]
    assert set(grants["schema"]["bronze"][pipeline]) >= {"MODIFY", "CREATE_TABLE"}
    assert grants["schema"]["silver"]["analysts"] == ["USE_SCHEMA", "SELECT"]
    assert set(grants["schema"]["ops"][pipeline]) >= {"MODIFY", "CREATE_TABLE"}
    assert set(grants["schema"]["ops"]) == {pipeline, "engineers"}
    if environment == "dev":
        assert "MODIFY" in grants["schema"]["silver"]["engineers"]


def documented_grants(readme: str, heading: str) -> dict:
    """The grants table under ``heading`` in infra/README.md as {securable: {persona: set}}."""
    section = readme.split(f"\n{heading}\n\n", 1)[1]
    rows = section.split("\n\n", 1)[0].splitlines()
    headers = [cell.strip() for cell in rows[0].strip("|").split("|")][1:]
    table = {header: {} for header in headers}
    for row in rows[2:]:
        persona, *cells = [cell.strip() for cell in row.strip("|").split("|")]
        for header, cell in zip(headers, cells, strict=True):
            privileges = set() if cell == "none" else {p.strip() for p in cell.split(",")}
            table[header][persona] = privileges
    return table


@needs_terraform
@pytest.mark.parametrize(("environment", "heading"), [("dev", "dev and stg:"), ("prd", "prd:")])
def test_documented_grants_match_the_terraform(answer_set_renders, tmp_path, environment, heading):
    grants = grants_for(environment, tmp_path / environment, answer_set_renders)
    personas = {
        PIPELINE: "pipeline",
        PLAN: "plan",
        "engineers": "engineers",
        "analysts": "analysts",
        "pii": "pii readers",
    }

    def as_table(principals):
        table = {persona: set() for persona in personas.values()}
        for principal, privileges in principals.items():
            table[personas[principal]] = set(privileges)
        return table

    expected = {
        "catalog": as_table(grants["catalog"]),
        **{
            layer: as_table(grants["schema"][layer])
            for layer in ("bronze", "silver", "gold", "governance", "ops")
        },
        "landing volume": as_table(grants["volume"]["landing"]),
        "checkpoints volume": as_table(grants["volume"]["checkpoints"]),
    }
    readme = (answer_set_renders["default"] / "infra" / "README.md").read_text()
    assert documented_grants(readme, heading) == expected


def checkov_scan(project: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CKV_SKIP_PACKAGE_UPDATE_CHECK": "TRUE"}
    return subprocess.run(
        [
            tool_bin("checkov", "checkov"),
            "-d",
            "infra",
            "--framework",
            "terraform",
            "--skip-download",
            "--compact",
            "--quiet",
            "-o",
            "json",
        ],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
    )


@pytest.mark.slow
@pytest.mark.parametrize("name", answer_set_names())
def test_checkov_has_no_failed_checks(answer_set_renders, name):
    result = checkov_scan(answer_set_renders[name])
    report = json.loads(result.stdout)
    summary = report["summary"] if isinstance(report, dict) else report[0]["summary"]
    assert summary["failed"] == 0, result.stdout[:4000]
    assert result.returncode == 0
    assert summary["passed"] > 30


@pytest.mark.slow
def test_checkov_fails_when_a_protection_is_removed(answer_set_renders, tmp_path):
    project = tmp_path / "weakened"
    shutil.copytree(answer_set_renders["default"], project)
    storage = project / "infra" / "modules" / "storage" / "main.tf"
    weakened = re.sub(r'(min_tls_version\s*=\s*)"TLS1_2"', r'\1"TLS1_0"', storage.read_text())
    assert weakened != storage.read_text()
    storage.write_text(weakened)
    result = checkov_scan(project)
    assert result.returncode != 0
    assert "CKV_AZURE_44" in result.stdout


@pytest.mark.parametrize("name", answer_set_names())
def test_every_checkov_skip_is_justified(answer_set_renders, name):
    skips = []
    for path in (answer_set_renders[name] / "infra").rglob("*.tf"):
        for check, reason in CHECKOV_SKIP.findall(path.read_text()):
            skips.append(check)
            assert len(reason.split()) >= 8, f"{path}: {check} needs a real reason"
    assert skips, "the skip pattern must match the skips the template emits"


# Windows azurerm accepts for scheduled query alerts (monitor_scheduled_query_rules_alert_v2).
ALERT_WINDOWS = {
    "PT1M",
    "PT5M",
    "PT10M",
    "PT15M",
    "PT30M",
    "PT45M",
    "PT1H",
    "PT2H",
    "PT3H",
    "PT4H",
    "PT5H",
    "PT6H",
    "P1D",
    "P2D",
}


@needs_terraform
@pytest.mark.parametrize(("hours", "window"), [(1, "PT1H"), (6, "PT6H"), (24, "P1D"), (48, "P2D")])
def test_ingestion_lag_window_is_one_azure_accepts(answer_set_renders, tmp_path, hours, window):
    module = answer_set_renders["default"] / "infra" / "modules" / "monitoring"
    shutil.copy(module / "locals.tf", tmp_path)
    shutil.copy(module / "variables.tf", tmp_path)
    names = {
        k: "x"
        for k in (
            "log_analytics_workspace",
            "action_group",
            "action_group_short_name",
            "job_failure_alert",
            "ingestion_lag_alert",
            "alert_destination",
        )
    }
    (tmp_path / "terraform.tfvars.json").write_text(
        json.dumps(
            {
                "names": names,
                "resource_group_name": "rg",
                "location": "brazilsouth",
                "alert_email": "a@b.co",
                "diagnostic_targets": {},
                "tags": {},
                "ingestion_lag_hours": hours,
            }
        )
    )
    assert console(tmp_path, "local.ingestion_lag_window").strip('"') == window
    assert window in ALERT_WINDOWS
