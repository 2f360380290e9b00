"""Cloud rules of the rendered infra/: deployment semantics that offline checks cannot see.

One test per rule, in the order of the issue (blockers B1-B7, then the majors, then the
Terraform side of the delivery issue). Each docstring names the provider source or the doc
page the rule rests on. What no offline test settles is listed in infra/README.md under
"Verified on first deploy".
"""

import json
import re
import shutil
from pathlib import Path

import pytest

from support.hcl import blocks, locals_of, modules, parse, resources, unquote
from support.render import answer_set, answer_set_names, render
from support.terraform_console import console, grants_for
from support.terraform_schema import (
    admits,
    admitted_majors,
    admitted_versions,
    check_tree,
    load_schemas,
    lower_bound,
    required_providers,
    select_versions,
)
from support.workflows import resolved_jobs

TERRAFORM = shutil.which("terraform")
needs_terraform = pytest.mark.skipif(
    TERRAFORM is None, reason="terraform CLI not installed: console checks skipped"
)
ENVIRONMENT = ("infra", "environment")


@pytest.fixture(scope="module")
def renders(answer_set_renders, template_repo, tmp_path_factory):
    """The shared answer-set renders plus one with a private front end."""
    private = render(
        template_repo,
        tmp_path_factory.mktemp("cloud-rules") / "private",
        {"prd_front_end": "private"},
    )
    return {**answer_set_renders, "private_front_end": private}


def infra(project: Path) -> Path:
    return project / "infra"


def text_of(project: Path, *parts: str) -> str:
    return project.joinpath(*parts).read_text()


def workflow(project: Path, name: str) -> dict:
    """A workflow's jobs as GitHub runs them: calls to the repository's reusable workflows
    resolved into the called jobs, with the caller's inputs in place."""
    return {"jobs": resolved_jobs(project, name)}


def workflow_text(project: Path, name: str) -> str:
    """A workflow's text and the text of every reusable workflow of the repository it calls."""
    text = text_of(project, ".github", "workflows", name)
    called = sorted(set(re.findall(r"uses: \$/\.github/workflows/([\w.-]+)", text)))
    return "\n".join([text, *(workflow_text(project, file) for file in called)])


def all_text(folder: Path, pattern: str = "*.tf") -> str:
    return "\n".join(path.read_text() for path in sorted(folder.rglob(pattern)))


def one(found):
    found = list(found)
    assert len(found) == 1, [f"{path}: {name}" for path, name, _ in found]
    return found[0]


# --- B1: provider constraints --------------------------------------------------------------


@pytest.mark.parametrize("name", answer_set_names())
def test_b1_every_major_a_constraint_admits_is_tested_and_conforms(renders, name):
    """A constraint admits every release in its range; `terraform init` takes the newest.

    azurerm 5.0 removed `azurerm_subnet.service_endpoints` (now `service_endpoint` blocks) and
    `resource_group_name`/`private_dns_zone_name` of `azurerm_private_dns_zone_virtual_network_link`
    (now `private_dns_zone_id`): hashicorp/terraform-provider-azurerm v5.2.0,
    website/docs/guides/5.0-upgrade-guide.html.markdown (sections azurerm_subnet,
    azurerm_private_dns_zone_virtual_network_link, azurerm_federated_identity_credential).
    `user_assigned_identity_id` of azurerm_federated_identity_credential exists from v4.65.0
    (commit c858e8f637, first tagged v4.65.0), and databricks_permission_assignment takes
    `group_name` from databricks/terraform-provider-databricks v1.92.0 (commit f07faaef6):
    a lower bound older than the schema we test admits releases without those arguments.
    So every major a constraint admits must have a schema in the fixture, the lower bound may
    not predate it, and the rendered tree must conform to each admitted schema.
    """
    schemas = load_schemas()
    constraints = required_providers(infra(renders[name]))
    assert {"azurerm", "databricks"} <= set(constraints)
    chosen: dict[str, list[str]] = {}
    for provider, constraint in constraints.items():
        versions = admitted_versions(schemas[provider], constraint)
        tested_majors = {int(version.split(".")[0]) for version in versions}
        assert admitted_majors(constraint) == tested_majors, (
            f"{provider} {constraint}: untested major"
        )
        lowest = lower_bound(constraint)
        assert lowest, f"{provider} {constraint} has no lower bound"
        for version in versions:
            if version.split(".")[0] == lowest.split(".")[0]:
                assert admits(f">= {version}", lowest), (
                    f"{provider} {constraint} admits releases older than the tested {version}"
                )
        chosen[provider] = versions
    for combination in select_versions(schemas, chosen):
        assert check_tree(infra(renders[name]), combination) == [], {
            provider: schema["version"] for provider, schema in combination.items()
        }


def test_b1_lock_files_are_made_at_bootstrap_and_enforced_in_ci(renders):
    """No `.terraform.lock.hcl` can be produced offline, so `make bootstrap` produces one per
    root for the platforms CI and laptops use (`terraform providers lock -platform=...`,
    Terraform CLI docs "Command: providers lock"), the README tells the user to commit them,
    and CI's `terraform init -lockfile=readonly` refuses to run on providers nobody reviewed.
    """
    project = renders["default"]
    bootstrap = text_of(project, "scripts", "bootstrap.sh")
    assert re.search(r"providers lock .*-platform=linux_amd64 .*-platform=darwin_arm64", bootstrap)
    assert "for root in infra/bootstrap infra/environment; do" in bootstrap
    assert ".terraform.lock.hcl" in text_of(project, "infra", "README.md")
    for name in ("infra.yml", "destroy.yml"):
        for job in workflow(project, name)["jobs"].values():
            for step in job.get("steps", []):
                if "terraform init" in step.get("run", ""):
                    assert "-lockfile=readonly" in step["run"], (name, step["run"])


# --- B2: diagnostic settings ---------------------------------------------------------------


@pytest.mark.parametrize("name", answer_set_names())
def test_b2_diagnostic_metric_categories_fit_each_target(renders, name):
    """Azure rejects `AllMetrics` on a storage blob service: "Metric category 'AllMetrics' is
    not supported, supported categories are: 'Capacity;Transaction'" (Azure/terraform-azurerm-
    avm-res-storage-storageaccount PR #325, Azure/azure-powershell #6520 on
    `.../blobServices/default`). Microsoft.Databricks/workspaces exports no platform metrics,
    so it gets none. Categories are chosen per target kind, never one list for all.
    """
    monitoring = infra(renders[name]) / "modules" / "monitoring"
    categories = locals_of(monitoring / "locals.tf").get("metric_categories")
    assert categories, "monitoring needs metric categories per target kind"
    categories = {kind: [unquote(c) for c in value] for kind, value in categories.items()}
    assert set(categories["storage_blob"]) <= {"Capacity", "Transaction"}
    assert categories["databricks_workspace"] == []
    assert "local.metric_categories" in (monitoring / "main.tf").read_text()
    assert '"AllMetrics"' not in (monitoring / "main.tf").read_text()
    targets = modules(infra(renders[name]) / "environment" / "main.tf")["monitoring"]
    kinds = {unquote(t["kind"]) for t in targets["diagnostic_targets"].values()}
    assert kinds <= set(categories), kinds - set(categories)
    assert "databricks_workspace" in kinds and "storage_blob" in kinds


# --- B3: storage firewall and Unity Catalog ------------------------------------------------


@pytest.mark.parametrize("name", answer_set_names())
def test_b3_storage_firewall_admits_the_access_connector_after_rbac_propagates(renders, name):
    """Unity Catalog reaches a firewalled ADLS account with the access connector's managed
    identity through a resource-instance rule for Microsoft.Databricks/accessConnectors
    (learn.microsoft.com/azure/databricks/data-governance/unity-catalog/azure-managed-identities,
    "Configure trusted access to Azure Storage based on your managed identity"); azurerm
    expresses it as `network_rules.private_link_access.endpoint_resource_id`
    (terraform-provider-azurerm v5.2.0 website/docs/r/storage_account_network_rules.html.markdown).
    Resource-instance rules belong to the public endpoint's firewall, so the account keeps
    "selected networks" (public access enabled, default action Deny) instead of disabling it.
    External location validation (`skip_validation` false, databricks provider
    docs/resources/external_location.md) runs right after the role assignment: the credential
    waits for a `time_sleep` that follows the assignment.
    """
    storage = infra(renders[name]) / "modules" / "storage"
    _, _, account = one(resources(storage, "azurerm_storage_account"))
    rules = account["network_rules"][0]
    access = rules["private_link_access"]
    assert "var.access_connector.id" in str(access), access
    assert unquote(rules["default_action"]) in {
        "Deny",
        "${local.default_action}",
    } or "default_action" in str(rules)
    assert account["public_network_access_enabled"] is True
    _, _, sleep = one(resources(storage, "time_sleep"))
    assert "azurerm_role_assignment" in str(sleep.get("depends_on", "")) + str(
        sleep.get("triggers", "")
    )
    outputs = parse(storage / "outputs.tf")["output"]
    connector = [b for o in outputs for n, b in o.items() if unquote(n) == "access_connector_id"][0]
    assert "time_sleep" in connector["value"]
    calls = modules(infra(renders[name]) / "environment" / "main.tf")
    assert "module.storage.access_connector_id" in calls["unity_catalog"]["access_connector_id"]


@needs_terraform
@pytest.mark.parametrize(
    ("private_networking", "compute", "expected"),
    [
        (True, "serverless", "Deny"),
        (False, "serverless", "Deny"),
        (False, "job_cluster", "Allow"),
        (True, "job_cluster", "Deny"),
    ],
)
def test_b3_network_profile_is_coherent(renders, tmp_path, private_networking, compute, expected):
    """ "You cannot use a storage firewall in a standard Azure Databricks deployment"
    (azure-managed-identities page above): classic clusters in a Databricks-managed VNet have
    no subnet to allow. Serverless compute comes through the NCC's subnets and Unity Catalog
    through the resource-instance rule, so the firewall denies by default unless job clusters
    run in a workspace without VNet injection.
    """
    environment = infra(renders["default"]) / "environment"
    domain = json.loads((renders["default"] / "domain.json").read_text())
    domain["compute"] = compute
    work = tmp_path / "infra" / "environment"
    work.mkdir(parents=True)
    (tmp_path / "domain.json").write_text(json.dumps(domain))
    shutil.copy(environment / "locals.tf", work)
    shutil.copy(environment / "variables.tf", work)
    (work / "terraform.tfvars.json").write_text(
        json.dumps(
            {
                "environment": "dev",
                "private_networking": private_networking,
                "databricks_account_id": "00000000-0000-0000-0000-000000000000",
                "plan_identity_client_id": "00000000-0000-0000-0000-000000000002",
                "apply_identity_client_id": "00000000-0000-0000-0000-000000000003",
            }
        )
    )
    assert console(work, "local.storage_default_action").strip('"') == expected


# --- B4: serverless egress -----------------------------------------------------------------


@pytest.mark.parametrize("name", answer_set_names())
def test_b4_serverless_has_a_network_connectivity_configuration(renders, name):
    """Serverless compute leaves from Databricks-managed networks: a network connectivity
    configuration (NCC) bound to the workspace gives stable service-endpoint subnets to allow
    on storage and Event Hubs, and private endpoint rules where public access is off
    (learn.microsoft.com/azure/databricks/security/network/serverless-network-security/
    serverless-firewall, linked from databricks/terraform-provider-databricks
    docs/resources/mws_network_connectivity_config.md). The NCC resources "can only be used
    with an account-level provider" (host https://accounts.azuredatabricks.net, docs/index.md)
    whose account id comes from the repository variable DATABRICKS_ACCOUNT_ID.
    """
    tree = infra(renders[name])
    providers = parse(tree / "environment" / "providers.tf")["provider"]
    account = [
        body
        for block in providers
        for provider, body in block.items()
        if unquote(provider) == "databricks" and unquote(body.get("alias", "")) == "account"
    ]
    assert account, "no account-level databricks provider"
    assert unquote(account[0]["host"]) == "https://accounts.azuredatabricks.net"
    assert "var.databricks_account_id" in account[0]["account_id"]
    for kind in ("databricks_mws_network_connectivity_config", "databricks_mws_ncc_binding"):
        _, _, body = one(resources(tree, kind))
    calls = modules(tree / "environment" / "main.tf")
    assert "module.serverless_network.subnet_ids" in str(calls["storage"]["allowed_subnet_ids"])
    if answer_set(name).get("source_type") == "eventhub":
        assert "module.serverless_network.subnet_ids" in str(calls["eventhub"])
        assert list(resources(tree, "databricks_mws_ncc_private_endpoint_rule"))
    for file in ("infra.yml", "destroy.yml"):
        text = workflow_text(renders[name], file)
        assert "TF_VAR_databricks_account_id: ${{ vars.DATABRICKS_ACCOUNT_ID }}" in text, file


# --- B5: account groups ---------------------------------------------------------------------


@pytest.mark.parametrize("name", answer_set_names())
def test_b5_persona_groups_are_assigned_not_looked_up_in_the_workspace(renders, name):
    """A new workspace does not see account groups until they are assigned to it, and the
    workspace SCIM API cannot change account groups (learn.microsoft.com/azure/databricks/
    archive/workspace-level-scim; provider docs/resources/group_member.md). Groups are
    assigned with databricks_permission_assignment by `group_name` (provider
    docs/resources/permission_assignment.md, from v1.92.0), and the pipeline principal's
    membership is managed at account level, with the group's account id taken from the
    assignment (the resource's id is the principal id, access/resource_permission_assignment.go):
    a group lookup through the account would need account-admin rights in pull-request plans.
    """
    tree = infra(renders[name])
    assert not list(blocks(tree, "data", "databricks_group")), "no group lookup"
    _, _, member = one(resources(tree, "databricks_group_member"))
    assert "databricks.account" in member["provider"]
    assert 'databricks_permission_assignment.groups["pii_readers"].id' in member["group_id"]
    _, _, assignment = one(
        (p, n, b)
        for p, n, b in resources(tree, "databricks_permission_assignment")
        if "group_name" in b
    )
    assert "for_each" in assignment and unquote(assignment["permissions"][0]) == "USER"


# --- B6: Event Hubs -------------------------------------------------------------------------


def test_b6_eventhub_ruleset_public_access_matches_the_namespace(renders):
    """terraform-provider-azurerm v5.2.0 internal/services/eventhub/eventhub_namespace_resource.go
    (create ~L359, update ~L471) refuses "the value of public network access of namespace
    should be the same as of the network rulesets"; the ruleset defaults to true
    (website/docs/r/eventhub_namespace.html.markdown).
    """
    _, _, namespace = one(resources(infra(renders["eventhub"]), "azurerm_eventhub_namespace"))
    ruleset = namespace["network_rulesets"][0]
    assert (
        ruleset.get("public_network_access_enabled") == namespace["public_network_access_enabled"]
    )


# --- B7: plan identity ----------------------------------------------------------------------


@pytest.mark.parametrize("name", answer_set_names())
def test_b7_plan_identity_is_a_read_only_workspace_principal(renders, name):
    """Only the principal that created the workspace is added to it ("To add a new service
    principal account to an existing workspace, create a databricks_service_principal",
    databricks provider docs/index.md); databricks-sdk-go's github-oidc-azure sends no Azure
    management token, so Reader on the resource group does not provision the plan identity.
    The plan identity becomes a workspace USER (never ADMIN) with BROWSE on the catalog, and
    pull-request plans use `-refresh=false -lock=false`: they read data sources only, and a
    read-only state role cannot take a lease.
    """
    tree = infra(renders[name])
    access = tree / "modules" / "workspace_access"
    principals = locals_of(access / "locals.tf")["service_principals"]
    assert "var.plan.application_id" in str(principals["plan"])
    _, _, principal = one(resources(access, "databricks_service_principal"))
    assert "local.service_principals" in principal["for_each"]
    _, _, assignment = one(resources(access, "databricks_mws_permission_assignment"))
    assert "databricks_service_principal.this" in assignment["for_each"]
    assert [unquote(p) for p in assignment["permissions"]] == ["USER"]
    calls = modules(tree / "environment" / "main.tf")
    assert "var.plan_identity_client_id" in str(calls["workspace_access"]["plan"])
    grants = locals_of(tree / "modules" / "unity_catalog" / "locals.tf")["catalog_grants"]
    (plan_grants,) = [v for k, v in grants.items() if "var.plan_application_id" in k]
    assert [unquote(p) for p in plan_grants] == ["BROWSE"]
    for job_name, job in workflow(renders[name], "infra.yml")["jobs"].items():
        if job_name.startswith("plan-"):
            plans = [s["run"] for s in job["steps"] if "terraform plan" in s.get("run", "")]
            assert plans and all("-refresh=false" in r and "-lock=false" in r for r in plans)


# --- Majors ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", answer_set_names())
def test_state_is_isolated_per_environment_and_read_only_for_plans(renders, name):
    """The azurerm backend authorises with Entra ID on the container (Terraform docs, backend
    azurerm, "use_azuread_auth"); one container per environment keeps a pull request's plan
    identity away from other environments' state, and Storage Blob Data Reader keeps it from
    writing its own. Plans then run with -lock=false: taking the blob lease is a write
    (hashicorp/terraform internal/backend/remote-state/azure/backend_state.go, StateMgr
    locks and writes an empty state when none exists; so the plan job skips until the first
    apply has created the state).
    """
    project = renders[name]
    domain = json.loads((project / "domain.json").read_text())
    containers = {env: names["state_container"] for env, names in domain["environments"].items()}
    assert len(set(containers.values())) == len(containers)
    for env, container in containers.items():
        backend = text_of(project, "infra", "environments", f"{env}.backend.hcl")
        assert f'container_name       = "{container}"' in backend
    boot = infra(project) / "bootstrap"
    state_roles = [b for _, n, b in resources(boot, "azurerm_role_assignment") if n == "state"]
    assert state_roles
    text = (boot / "main.tf").read_text() + (boot / "locals.tf").read_text()
    assert '"Storage Blob Data Reader"' in text
    assert "azurerm_storage_container.environment[" in str(state_roles[0]["scope"])
    plan_jobs = {
        k: j for k, j in workflow(project, "infra.yml")["jobs"].items() if k.startswith("plan-")
    }
    for job in plan_jobs.values():
        assert any("az storage blob exists" in s.get("run", "") for s in job["steps"])


@pytest.mark.parametrize("name", answer_set_names())
def test_workspace_is_asserted_to_use_the_regions_metastore(renders, name):
    """Azure assigns new workspaces to the region's metastore only where the account enables
    automatic assignment (governance reference §9; provider docs/resources/
    metastore_assignment.md for the explicit alternative). The metastore data source carries a
    postcondition on its region, so a missing assignment stops the apply with the account-console
    step to take, and the README names that step.
    """
    tree = infra(renders[name])
    _, _, metastore = one(blocks(tree, "data", "databricks_current_metastore"))
    conditions = metastore["lifecycle"][0]["postcondition"]
    assert any("region" in c["condition"] for c in conditions)
    readme = text_of(renders[name], "infra", "README.md")
    assert "Assign to workspace" in readme


@pytest.mark.parametrize("name", answer_set_names())
def test_destroy_can_remove_catalogs_holding_tables(renders, name):
    """Deleting a non-empty schema or catalog fails unless `force_destroy` is set (databricks
    provider docs/resources/catalog.md and schema.md: "Delete catalog regardless of its
    contents"); the provider reads it from state at delete time, so destroy.yml first applies
    `-var force_destroy=true` to the Unity Catalog module, then destroys.
    """
    tree = infra(renders[name])
    for kind in ("databricks_catalog", "databricks_schema", "databricks_external_location"):
        for _, _, body in resources(tree, kind):
            assert "var.force_destroy" in str(body.get("force_destroy")), kind
    runs = [
        step.get("run", "")
        for job in workflow(renders[name], "destroy.yml")["jobs"].values()
        for step in job["steps"]
    ]
    applies = [
        i for i, r in enumerate(runs) if "terraform apply" in r and "force_destroy=true" in r
    ]
    destroys = [
        i for i, r in enumerate(runs) if "terraform destroy" in r and "force_destroy=true" in r
    ]
    assert applies and destroys and min(applies) < min(destroys)


def test_bootstrap_state_moves_into_the_state_account(renders):
    """The bootstrap state starts local (its storage does not exist yet), then moves into the
    state account with `terraform init -migrate-state` (Terraform CLI docs, "Command: init",
    backend initialization), so a second machine's `make bootstrap` reads it and changes
    nothing. The admin gets a data role on the bootstrap container to write it.
    """
    project = renders["default"]
    boot = infra(project) / "bootstrap"
    assert 'backend "azurerm"' in (boot / "terraform.tf").read_text()
    assert (boot / "backend.hcl").is_file()
    script = text_of(project, "scripts", "bootstrap.sh")
    assert "-migrate-state" in script and "backend_override.tf" in script
    assert [
        n for _, n, _ in resources(boot, "azurerm_role_assignment") if n == "administrator_state"
    ]


@pytest.mark.parametrize("name", answer_set_names())
def test_no_key_vault_without_a_consumer(renders, name):
    """A Key Vault nothing reads is cost and attack surface; JDBC credentials live in the
    Databricks-backed secret scope the pipeline reads (Key Vault-backed scopes need Azure user
    auth to create, databricks provider docs/resources/secret_scope.md). Any Key Vault the
    template creates must be referenced by a role assignment or a secret scope.
    """
    tree = infra(renders[name])
    text = all_text(tree)
    for _, vault, _ in resources(tree, "azurerm_key_vault"):
        assert re.search(rf"keyvault_metadata|azurerm_key_vault\.{vault}\.id.*\n.*role", text), (
            vault
        )


@pytest.mark.parametrize("name", answer_set_names())
def test_catalog_objects_are_owned_by_the_owners_group(renders, name):
    """Without `owner` the creating CI identity owns the catalog and its schemas (provider
    docs/resources/catalog.md, schema.md `owner`), so ownership dies with that identity; the
    owners group (governance reference §7) owns them instead.
    """
    tree = infra(renders[name])
    for kind in ("databricks_catalog", "databricks_schema"):
        for _, _, body in resources(tree, kind):
            assert "var.groups.owners" in str(body.get("owner")), kind
    domain = json.loads((renders[name] / "domain.json").read_text())
    assert domain["groups"]["owners"]


@pytest.mark.parametrize("name", answer_set_names())
def test_landing_volume_sits_in_a_directory_of_its_location(renders, name):
    """External volumes are registered on a directory within an external location (provider
    docs/resources/volume.md `storage_location`: "should be inside of an existing External
    Location"); OSS Unity Catalog rejects container-root volumes (unitycatalog PR #1726).
    """
    tree = infra(renders[name])
    (_, _, volume) = [v for v in resources(tree, "databricks_volume") if v[1] == "landing"][0]
    location = volume["storage_location"]
    assert "local.landing_volume_url" in location or "landing_volume_directory" in location
    domain = json.loads((renders[name] / "domain.json").read_text())
    for names in domain["environments"].values():
        assert names["landing_volume_directory"].strip("/")


@pytest.mark.parametrize("name", answer_set_names())
def test_budget_covers_the_databricks_managed_resource_group(renders, name):
    """Classic cluster VMs, disks and public IPs are billed in the workspace's managed
    resource group (azurerm_databricks_workspace `managed_resource_group_name`), outside the
    environment's resource group, which holds the workspace (its DBUs, serverless included).
    `azurerm_consumption_budget_resource_group` covers one group, so each environment's budget
    is a subscription budget whose `filter.dimension` selects both groups by name
    (terraform-provider-azurerm website/docs/r/consumption_budget_subscription.html.markdown:
    dimension `name` allows `ResourceGroupName`, operator `In`, `values` a list).
    """
    tree = infra(renders[name])
    (_, _, budget) = next(
        resources(tree / "modules" / "cost", "azurerm_consumption_budget_subscription")
    )
    ((dimension,),) = [f["dimension"] for f in budget["filter"]]
    assert unquote(dimension["name"]) == "ResourceGroupName"
    assert unquote(dimension["values"]) == "var.resource_group_names"
    call = modules(tree / "bootstrap" / "main.tf")["budget"]
    assert unquote(call["source"]) == "../modules/cost"
    assert unquote(call["for_each"]) == "local.domain.environments"
    assert [unquote(group) for group in call["resource_group_names"]] == [
        "azurerm_resource_group.environment[each.key].name",
        "each.value.databricks_managed_resource_group",
    ]
    # The workspace's managed group is the manifest's name the budget filters on.
    (_, _, workspace) = next(
        resources(tree / "modules" / "workspace", "azurerm_databricks_workspace")
    )
    managed = unquote(workspace["managed_resource_group_name"])
    assert managed == "var.names.databricks_managed_resource_group"
    (_, _, environment_group) = next(
        body
        for body in resources(tree / "bootstrap", "azurerm_resource_group")
        if body[1] == "environment"
    )
    assert unquote(environment_group["name"]) == "each.value.resource_group"
    domain = json.loads((renders[name] / "domain.json").read_text())
    for names in domain["environments"].values():
        assert names["databricks_managed_resource_group"] != names["resource_group"]


@pytest.mark.parametrize("name", answer_set_names())
def test_job_alerts_query_the_table_the_workspace_logs_land_in(renders, name):
    """`log_analytics_destination_type = "Dedicated"` sends logs to resource-specific tables
    instead of AzureDiagnostics (terraform-provider-azurerm v5.2.0
    website/docs/r/monitor_diagnostic_setting.html.markdown); Databricks job logs then land in
    DatabricksJobs (Azure Monitor table reference, resource type microsoft.databricks/workspaces),
    the table the alerts query.
    """
    monitoring = infra(renders[name]) / "modules" / "monitoring"
    main = (monitoring / "main.tf").read_text()
    assert "log_analytics_destination_type" in main
    destinations = locals_of(monitoring / "locals.tf")["destination_types"]
    assert unquote(destinations["databricks_workspace"]) == "Dedicated"
    assert "DatabricksJobs" in unquote(locals_of(monitoring / "locals.tf")["job_failures_query"])


# --- Delivery issue, Terraform side ---------------------------------------------------------


@pytest.mark.parametrize("name", answer_set_names())
def test_apply_identity_may_run_jobs_as_the_pipeline_principal(renders, name):
    """Setting a job's run_as to a service principal needs roles/servicePrincipal.user on it;
    the manager role does not include it (Jobs API JobRunAs; databricks provider
    docs/resources/access_control_rule_set.md). The rule set is authoritative ("will OVERWRITE
    any existing permissions"), so it keeps the apply identity's manager role too; the
    principal is the apply identity by name (`servicePrincipals/<application id>`, provider
    docs/resources/service_principal.md `acl_principal_id`), whoever runs Terraform.
    """
    tree = infra(renders[name])
    _, _, rule_set = one(resources(tree, "databricks_access_control_rule_set"))
    assert re.fullmatch(
        r"accounts/\$\{var\.databricks_account_id\}/servicePrincipals/\$\{.+\}/ruleSets/default",
        unquote(rule_set["name"]),
    ), rule_set["name"]
    roles = {unquote(rule["role"]) for rule in rule_set["grant_rules"]}
    assert roles == {"roles/servicePrincipal.user", "roles/servicePrincipal.manager"}
    assert all(
        rule["principals"] == ["${local.apply_principal}"] for rule in rule_set["grant_rules"]
    )
    access = tree / "modules" / "workspace_access"
    principal = unquote(locals_of(access / "locals.tf")["apply_principal"])
    assert principal == "servicePrincipals/${var.apply_application_id}"
    for file in ("infra.yml", "destroy.yml"):
        for job_name, job in workflow(renders[name], file)["jobs"].items():
            if any("terraform apply" in step.get("run", "") for step in job.get("steps", [])):
                identity = job["env"]["TF_VAR_apply_identity_client_id"]
                assert identity.startswith("${{ vars.AZURE_APPLY_CLIENT_ID_"), (file, job_name)


@pytest.mark.parametrize(
    ("name", "front_end"), [("default", "public"), ("private_front_end", "private")]
)
def test_prd_front_end_follows_the_answer(renders, name, front_end):
    """A private front end (workspace public network access off) is unreachable from
    GitHub-hosted runners; `prd_front_end: public` keeps prd deployable from them (with an
    optional workspace IP access list, provider docs/resources/ip_access_list.md), `private`
    needs self-hosted runners named by RUNNER_PRD.
    """
    tfvars = text_of(renders[name], "infra", "environments", "prd.tfvars")
    assert re.search(rf'^workspace_front_end\s*=\s*"{front_end}"$', tfvars, flags=re.M)
    locals_text = text_of(renders[name], *ENVIRONMENT, "locals.tf")
    assert "workspace_front_end" in locals_text
    for file in ("infra.yml", "destroy.yml"):
        for job_name, job in workflow(renders[name], file)["jobs"].items():
            if "environment" in job:  # the jobs that reach the workspace
                assert re.fullmatch(
                    r"\$\{\{ vars\.RUNNER_(DEV|STG|PRD) \|\| 'ubuntu-24\.04' \}\}", job["runs-on"]
                ), (file, job_name)


@pytest.mark.parametrize("name", answer_set_names())
def test_repository_variables_are_named_upper_case(renders, name):
    """bootstrap sets AZURE_APPLY_CLIENT_ID_<ENV> in upper case; destroy.yml looked up
    `..._dev`. Workflows name each variable literally and in upper case, one job per
    environment, so no lookup depends on how GitHub compares variable names.
    """
    for file in ("infra.yml", "destroy.yml"):
        text = workflow_text(renders[name], file)
        assert "vars[" not in text, file
        for variable in re.findall(r"vars\.(\w+)", text):
            assert variable == variable.upper(), (file, variable)


@needs_terraform
def test_engineers_have_no_bronze_access_in_prd(renders, tmp_path):
    """Bronze keeps every source column in clear; masks exist on silver, quarantine and gold
    only, so engineers (not PII readers) lose bronze in prd (deploy review M3)."""
    grants = grants_for("prd", tmp_path / "prd", renders)
    assert "engineers" not in grants["schema"]["bronze"]
    dev = grants_for("dev", tmp_path / "dev", renders)
    assert "engineers" in dev["schema"]["bronze"]
