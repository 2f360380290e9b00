"""`make verify` offline: the Databricks SDK talks to a loopback server that answers with
recorded REST responses (the shapes of the Databricks REST reference) for a healthy
environment, then with one thing wrong per check; each failure names the object."""

from __future__ import annotations

import copy
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlparse

import pytest

from lakehouse_domain import domain, naming, verify
from lakehouse_domain.cli import main
from lakehouse_domain.contract import load_contracts
from lakehouse_domain.gold import transform_for
from lakehouse_domain.governance import (
    gold_columns,
    mask_function_name,
    protected_tables,
    row_filter_function_name,
)
from lakehouse_domain.schema_guard import recorded_properties

from .conftest import ROOT

ENVIRONMENT = domain.ENVIRONMENTS[0]
WORKSPACE_ID = 1234567890123456
ACCOUNT_ID = "00000000-0000-0000-0000-00000000acc0"
PIPELINE_APP_ID = "11111111-2222-3333-4444-555555555555"
PLAN_APP_ID = "66666666-7777-8888-9999-000000000000"
PERSONA_TABLE = (ROOT / "infra" / "README.md").read_text()
NAMES = domain.environment_names(ENVIRONMENT)
# Query parameters that select a response; paging parameters do not.
SELECTING = ("name", "job_id", "filter")


def not_found(what: str) -> tuple[int, dict]:
    return 404, {"error_code": "NOT_FOUND", "message": f"{what} does not exist."}


class Recorded(BaseHTTPRequestHandler):
    """Answers GET requests from ``server.responses``: "<path>[?<selecting query>]" keys."""

    def do_GET(self):  # noqa: N802 (http.server's naming)
        url = urlparse(self.path)
        query = parse_qs(url.query)
        if query.get("startIndex", ["1"]) != ["1"] or query.get("page_token"):
            status, body = 200, {}  # every recorded listing fits one page
        else:
            selected = "&".join(f"{k}={query[k][0]}" for k in SELECTING if k in query)
            key = unquote(url.path) + (f"?{selected}" if selected else "")
            status, body = self.server.responses.get(key, not_found(key))
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Databricks-Org-Id", str(WORKSPACE_ID))
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


def table_response(table, contract, masked_function, row_filter_function) -> dict:
    columns = []
    for column in [*table.masks, *table.unmasked]:
        entry = {"name": column, "type_name": "STRING", "type_text": "string"}
        if column in table.masks:
            entry["mask"] = {"function_name": masked_function(*table.masks[column])}
        columns.append(entry)
    body = {"full_name": table.full_name, "table_type": "MANAGED", "columns": columns}
    if table.row_filter_column:
        body["row_filter"] = {
            "function_name": row_filter_function(contract),
            "input_column_names": [table.row_filter_column],
        }
    return body


def schema_id(layer: str) -> str:
    """A recorded schema_id (a UUID) per layer."""
    return f"00000000-0000-0000-0000-{sorted(NAMES['schemas']).index(layer):012d}"


def monitor_path(layer: str) -> str:
    return f"/api/data-quality/v1/monitors/schema/{schema_id(layer)}"


def healthy_workspace(spark) -> dict:
    """Every response of a correctly deployed environment, keyed like ``Recorded`` looks them
    up; names from the naming core and the contracts."""
    contracts = load_contracts(ROOT / "contracts")
    catalog = NAMES["catalog"]

    def function(name: str) -> str:
        return naming.governance_function(domain.DOMAIN, ENVIRONMENT, name)

    uc = "/api/2.1/unity-catalog"
    responses = {
        "/api/2.0/preview/scim/v2/Me": {"userName": "deployer"},
        f"{uc}/current-metastore-assignment": {
            "metastore_id": "metastore-1",
            "workspace_id": WORKSPACE_ID,
            "default_catalog_name": "main",
        },
        f"{uc}/metastore_summary": {
            "metastore_id": "metastore-1",
            "name": f"metastore_azure_{domain.AZURE_REGION}",
            "region": domain.AZURE_REGION,
        },
        f"{uc}/catalogs/{catalog}": {"name": catalog, "isolation_mode": "ISOLATED"},
        f"{uc}/bindings/catalog/{catalog}": {
            "bindings": [{"workspace_id": WORKSPACE_ID, "binding_type": "BINDING_TYPE_READ_WRITE"}]
        },
        f"/api/2.0/accounts/{ACCOUNT_ID}/workspaces/{WORKSPACE_ID}": {
            "workspace_id": WORKSPACE_ID,
            "network_connectivity_config_id": "ncc-1",
        },
        f"/api/2.0/accounts/{ACCOUNT_ID}/network-connectivity-configs/ncc-1": {
            "network_connectivity_config_id": "ncc-1",
            "name": NAMES[verify.NETWORK_NAME_KEY],
            "region": domain.AZURE_REGION,
        },
    }
    for layer in NAMES["schemas"]:
        full = naming.schema_name(domain.DOMAIN, ENVIRONMENT, layer)
        responses[f"{uc}/schemas/{full}"] = {"full_name": full, "schema_id": schema_id(layer)}
    if domain.QUALITY_MONITORS:
        for layer in verify.MONITORED_LAYERS:
            responses[monitor_path(layer)] = {
                "object_type": "schema",
                "object_id": schema_id(layer),
                "anomaly_detection_config": {"latest_run_status": "SUCCESS"},
            }
    for volume in NAMES["volumes"]:
        full = naming.volume_name(domain.DOMAIN, ENVIRONMENT, volume)
        responses[f"{uc}/volumes/{full}"] = {"full_name": full}
    for group in (domain.ENGINEERS_GROUP, domain.ANALYSTS_GROUP, domain.PII_READERS_GROUP):
        responses[f'/api/2.0/preview/scim/v2/Groups?filter=displayName eq "{group}"'] = {
            "Resources": [{"id": f"g-{group}", "displayName": group}],
            "totalResults": 1,
        }
    for principal, application in (
        (NAMES["pipeline_service_principal"], PIPELINE_APP_ID),
        (NAMES["github_plan_identity"], PLAN_APP_ID),
    ):
        key = f'/api/2.0/preview/scim/v2/ServicePrincipals?filter=displayName eq "{principal}"'
        responses[key] = {
            "Resources": [
                {"id": f"sp-{application}", "displayName": principal, "applicationId": application}
            ],
            "totalResults": 1,
        }
    jobs = [naming.job_name(domain.DOMAIN, c.name, ENVIRONMENT) for c in contracts]
    jobs.append(naming.governance_job_name(domain.DOMAIN, ENVIRONMENT))
    for job_id, name in enumerate(jobs, start=101):
        responses[f"/api/2.2/jobs/list?name={name}"] = {
            "jobs": [{"job_id": job_id, "settings": {"name": name}}]
        }
        responses[f"/api/2.2/jobs/get?job_id={job_id}"] = {
            "job_id": job_id,
            "run_as_user_name": PIPELINE_APP_ID,
            "settings": {"name": name, "run_as": {"service_principal_name": PIPELINE_APP_ID}},
        }
        responses[f"/api/2.2/jobs/runs/list?job_id={job_id}"] = {
            "runs": [
                {
                    "run_id": job_id * 10,
                    "job_id": job_id,
                    "run_page_url": f"https://adb-1.azuredatabricks.net/jobs/{job_id}/runs/1",
                    "state": {"life_cycle_state": "TERMINATED", "result_state": "SUCCESS"},
                }
            ]
        }
    for contract in contracts:
        gold_table, columns = gold_columns(spark, contract)
        pii = {c.name: c.pii for c in contract.columns if c.pii}
        for table in protected_tables(contract, catalog, gold_table, columns):
            responses[f"{uc}/tables/{table.full_name}"] = table_response(
                table,
                contract,
                lambda strategy, kind: function(mask_function_name(strategy, kind)),
                lambda c: function(row_filter_function_name(c)),
            )
            tags = [
                {
                    "entity_type": "tables",
                    "entity_name": table.full_name,
                    "tag_key": key,
                    "tag_value": value,
                }
                for key, value in (("domain", contract.domain), ("classification", "restricted"))
            ]
            responses[f"{uc}/entity-tag-assignments/tables/{table.full_name}/tags"] = {
                "tag_assignments": tags
            }
            for column in [*table.masks, *table.unmasked]:
                if column in pii:
                    entity = naming.qualified_name(table.full_name, column)
                    responses[f"{uc}/entity-tag-assignments/columns/{entity}/tags"] = {
                        "tag_assignments": [
                            {
                                "entity_type": "columns",
                                "entity_name": entity,
                                "tag_key": "pii",
                                "tag_value": pii[column],
                            }
                        ]
                    }
    for contract in contracts:  # the silver table as the engine writes it: types, properties
        silver_name = naming.table_name(domain.DOMAIN, ENVIRONMENT, "silver", contract.name)
        silver = responses[f"{uc}/tables/{silver_name}"]
        types = {c.name: c.type for c in contract.columns}
        for column in silver["columns"]:
            column["type_text"] = types.get(column["name"], column["type_text"])
        silver["properties"] = recorded_properties(contract)
    expected = verify.Expected(ENVIRONMENT, contracts, PERSONA_TABLE)
    # SQL Warehouses API list, Alerts V2 list and Lakeview dashboards list.
    responses["/api/2.0/sql/warehouses"] = {
        "warehouses": [{"id": "w-1", "name": NAMES["sql_warehouse"]}, {"id": "w-0", "name": "x"}]
    }
    responses["/api/2.0/alerts"] = {
        "alerts": [{"id": f"a-{n}", "display_name": n} for n in expected.alerts]
    }
    responses["/api/2.0/lakeview/dashboards"] = {
        "dashboards": [{"dashboard_id": "d-1", "display_name": NAMES["dashboard"]}]
    }
    principals = {"pipeline": PIPELINE_APP_ID, "plan": PLAN_APP_ID, **expected.groups}
    for (kind, name), wanted in verify.expected_grants(expected, principals).items():
        responses[f"{uc}/permissions/{kind}/{name}"] = {
            "privilege_assignments": [
                {"principal": p, "privileges": sorted(privileges)}
                for p, privileges in wanted.items()
            ]
        }
    return {key: (200, body) for key, body in responses.items()}


@pytest.fixture(scope="module")
def healthy(spark):
    return healthy_workspace(spark)


@pytest.fixture()
def workspace(healthy, monkeypatch, tmp_path):
    """A loopback server with the healthy responses; tests change ``server.responses``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorded)
    server.responses = copy.deepcopy(healthy)
    # shutdown() waits for the serving loop's next poll: 0.5 s by default, per test.
    serve = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    serve.start()
    url = f"http://127.0.0.1:{server.server_port}"
    for name in ("DATABRICKS_CONFIG_PROFILE", "DATABRICKS_AUTH_TYPE", "DATABRICKS_CLIENT_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.databrickscfg of the machine
    monkeypatch.setenv("DATABRICKS_HOST", url)
    monkeypatch.setenv("DATABRICKS_TOKEN", "recorded-responses-only")
    monkeypatch.setenv("DATABRICKS_ACCOUNT_HOST", url)
    monkeypatch.setenv("DATABRICKS_ACCOUNT_ID", ACCOUNT_ID)
    monkeypatch.setenv("PIPELINE_CLIENT_ID", PIPELINE_APP_ID)
    yield server
    server.shutdown()


def results(server) -> list[verify.Result]:
    contracts = load_contracts(ROOT / "contracts")
    expected = verify.Expected(ENVIRONMENT, contracts, PERSONA_TABLE, PIPELINE_APP_ID)
    return verify.run_checks(*verify.clients(ACCOUNT_ID), expected)


def failures(server) -> list[verify.Result]:
    return [r for r in results(server) if r.status == verify.FAIL]


def test_a_healthy_environment_passes_every_check(workspace):
    found = results(workspace)
    assert not [r for r in found if r.status != verify.PASS], found
    checks = {r.check for r in found}
    assert checks == {
        "metastore",
        "catalog",
        "schema",
        "volume",
        "group",
        "identity",
        "network",
        "job",
        "masks",
        "grants",
        "tags",
        "contract",
        "monitoring",
    } | ({"anomaly_detection"} if domain.QUALITY_MONITORS else set())


def test_make_verify_prints_the_table_and_exits_zero(workspace, capsys):
    assert main(["verify", "--environment", ENVIRONMENT]) == 0
    out = capsys.readouterr().out
    assert "every check passed" in out and NAMES["catalog"] in out


def uc(path: str) -> str:
    return f"/api/2.1/unity-catalog/{path}"


def first_table(server, layer: str) -> tuple[str, dict]:
    prefix = uc(f"tables/{NAMES['catalog']}.{layer}.")
    key = next(k for k in sorted(server.responses) if k.startswith(prefix))
    return key, server.responses[key][1]


def break_metastore(server):
    server.responses[uc("metastore_summary")][1]["region"] = "antarctica"
    return "metastore", domain.AZURE_REGION


def break_catalog_binding(server):
    server.responses[uc(f"bindings/catalog/{NAMES['catalog']}")][1]["bindings"] = []
    return "catalog", NAMES["catalog"]


def break_schema(server):
    name = naming.schema_name(domain.DOMAIN, ENVIRONMENT, "gold")
    del server.responses[uc(f"schemas/{name}")]
    return "schema", name


def break_volume(server):
    name = naming.volume_name(domain.DOMAIN, ENVIRONMENT, "landing")
    del server.responses[uc(f"volumes/{name}")]
    return "volume", name


def break_group(server):
    key = f'/api/2.0/preview/scim/v2/Groups?filter=displayName eq "{domain.ANALYSTS_GROUP}"'
    server.responses[key] = (200, {"Resources": [], "totalResults": 0})
    return "group", domain.ANALYSTS_GROUP


def break_identity(server):
    principal = NAMES["pipeline_service_principal"]
    key = f'/api/2.0/preview/scim/v2/ServicePrincipals?filter=displayName eq "{principal}"'
    server.responses[key] = (200, {"Resources": [], "totalResults": 0})
    return "identity", principal


def break_network(server):
    key = f"/api/2.0/accounts/{ACCOUNT_ID}/workspaces/{WORKSPACE_ID}"
    del server.responses[key][1]["network_connectivity_config_id"]
    return "network", str(WORKSPACE_ID)


def break_job_identity(server):
    server.responses["/api/2.2/jobs/get?job_id=101"][1]["run_as_user_name"] = "someone@contoso.com"
    return "job", server.responses["/api/2.2/jobs/get?job_id=101"][1]["settings"]["name"]


def break_last_run(server):
    run = server.responses["/api/2.2/jobs/runs/list?job_id=101"][1]["runs"][0]
    run["state"]["result_state"] = "FAILED"
    return "job", server.responses["/api/2.2/jobs/get?job_id=101"][1]["settings"]["name"]


def break_mask(server):
    key, table = first_table(server, "silver")
    masked = [c for c in table["columns"] if "mask" in c]
    if not masked:
        pytest.skip("no masked column in this domain's silver table")
    del masked[0]["mask"]
    return "masks", f"{table['full_name']}: column {masked[0]['name']}"


def break_row_filter(server):
    key, table = first_table(server, "silver")
    if "row_filter" not in table:
        pytest.skip("no row filter in this domain")
    del table["row_filter"]
    return "masks", table["full_name"]


def break_grants(server):
    name = naming.schema_name(domain.DOMAIN, ENVIRONMENT, "silver")
    assignments = server.responses[uc(f"permissions/schema/{name}")][1]["privilege_assignments"]
    assignments.append({"principal": domain.ANALYSTS_GROUP, "privileges": ["MODIFY"]})
    return "grants", f"schema {name}: {domain.ANALYSTS_GROUP}"


def break_tags(server):
    key, table = first_table(server, "silver")
    tag_key = uc(f"entity-tag-assignments/tables/{table['full_name']}/tags")
    server.responses[tag_key] = (200, {"tag_assignments": []})
    return "tags", table["full_name"]


def break_contract(server):
    key, table = first_table(server, "silver")
    table["columns"].append({"name": "legacy_code", "type_name": "STRING", "type_text": "string"})
    return "contract", f"{table['full_name']}: {table['full_name'].split('.')[-1]}.legacy_code"


def break_monitor(server):
    if not domain.QUALITY_MONITORS:
        pytest.skip("quality_monitors is off in this domain")
    del server.responses[monitor_path("gold")]
    return "anomaly_detection", naming.schema_name(domain.DOMAIN, ENVIRONMENT, "gold")


def break_monitor_exclusion(server):
    if not domain.QUALITY_MONITORS:
        pytest.skip("quality_monitors is off in this domain")
    key, table = first_table(server, "silver")
    config = server.responses[monitor_path("silver")][1]["anomaly_detection_config"]
    config["excluded_table_full_names"] = [table["full_name"]]
    return "anomaly_detection", table["full_name"]


def break_alert(server):
    alerts = server.responses["/api/2.0/alerts"][1]["alerts"]
    return "monitoring", alerts.pop()["display_name"]


def break_dashboard(server):
    server.responses["/api/2.0/lakeview/dashboards"][1]["dashboards"] = []
    return "monitoring", NAMES["dashboard"]


@pytest.mark.parametrize(
    "breaks",
    [
        break_metastore,
        break_catalog_binding,
        break_schema,
        break_volume,
        break_group,
        break_identity,
        break_network,
        break_job_identity,
        break_last_run,
        break_mask,
        break_row_filter,
        break_grants,
        break_tags,
        break_contract,
        break_monitor,
        break_monitor_exclusion,
        break_alert,
        break_dashboard,
    ],
)
def test_each_wrong_or_missing_item_fails_naming_the_object(workspace, breaks, capsys):
    check, named = breaks(workspace)
    failed = failures(workspace)
    assert [r for r in failed if r.check == check], failed
    assert any(named in f"{r.object}: {r.detail}" for r in failed if r.check == check), failed
    assert main(["verify", "--environment", ENVIRONMENT]) == 1
    assert "FAIL" in capsys.readouterr().out


def test_monitors_are_not_checked_when_the_domain_answered_no(workspace, monkeypatch):
    monkeypatch.setattr(domain, "QUALITY_MONITORS", False)
    assert not [r for r in results(workspace) if r.check == "anomaly_detection"]


def test_every_contract_table_of_a_monitored_layer_is_checked(workspace):
    if not domain.QUALITY_MONITORS:
        pytest.skip("quality_monitors is off in this domain")
    contracts = load_contracts(ROOT / "contracts")
    checked = {r.object for r in results(workspace) if r.check == "anomaly_detection"}
    for contract in contracts:
        silver = naming.table_name(domain.DOMAIN, ENVIRONMENT, "silver", contract.name)
        assert {silver, f"{silver}{naming.QUARANTINE_SUFFIX}"} <= checked
        transform = transform_for(contract)
        if transform is not None:
            gold = naming.table_name(domain.DOMAIN, ENVIRONMENT, "gold", transform.table)
            assert gold in checked


def test_a_job_without_a_completed_run_is_skipped_not_failed(workspace):
    workspace.responses["/api/2.2/jobs/runs/list?job_id=101"] = (200, {"runs": []})
    job = [r for r in results(workspace) if r.check == "job"][0]
    assert job.status == verify.SKIP and "no completed run" in job.detail


def test_without_the_account_id_the_network_check_fails_and_says_why(workspace, monkeypatch):
    contracts = load_contracts(ROOT / "contracts")
    expected = verify.Expected(ENVIRONMENT, contracts, PERSONA_TABLE, PIPELINE_APP_ID)
    found = verify.run_checks(*verify.clients(None), expected)
    network = [r for r in found if r.check == "network"]
    assert network[0].status == verify.FAIL and "DATABRICKS_ACCOUNT_ID" in network[0].detail


@pytest.mark.parametrize("environment", domain.ENVIRONMENTS)
def test_the_persona_table_is_read_per_environment(environment):
    table = verify.persona_grants(PERSONA_TABLE, environment)
    assert {"catalog", "bronze", "silver", "gold", "governance"} <= set(table)
    assert {"MODIFY", "CREATE_TABLE"} <= table["bronze"]["pipeline"]
    assert table["bronze"]["analysts"] == set()
    if environment == "prd":
        assert not {"MODIFY", "CREATE_TABLE"} & table["silver"]["engineers"]


def test_an_unreadable_persona_table_fails_the_grants_check_clearly():
    expected = verify.Expected(ENVIRONMENT, [], "no table here")
    with pytest.raises(verify.VerifyError, match=f"no grants table for {ENVIRONMENT}"):
        verify.expected_grants(expected, {"pipeline": "x"})


def test_only_runs_the_named_checks_and_refuses_unknown_ones(workspace, capsys):
    break_group(workspace)
    assert main(["verify", "--environment", ENVIRONMENT, "--only", "identity"]) == 0
    out = capsys.readouterr().out
    assert "identity" in out and "metastore" not in out
    assert main(["verify", "--environment", ENVIRONMENT, "--only", "group,identity"]) == 1
    assert main(["verify", "--environment", ENVIRONMENT, "--only", "nonsense"]) == 2
    assert "unknown check(s) ['nonsense']" in capsys.readouterr().out


def test_a_plan_identity_row_resolves_to_its_service_principal(workspace):
    """The persona table's `plan` row (the read-only plan identity) is checked against the
    plan identity's service principal, found by its name from the naming core: when the
    workspace does not grant it BROWSE, the catalog's grants fail naming it."""
    assert any(line.startswith("| plan |") for line in PERSONA_TABLE.splitlines())
    key = uc(f"permissions/catalog/{NAMES['catalog']}")
    assignments = workspace.responses[key][1]["privilege_assignments"]
    assignments[:] = [a for a in assignments if a["principal"] != PLAN_APP_ID]
    contracts = load_contracts(ROOT / "contracts")
    expected = verify.Expected(ENVIRONMENT, contracts, PERSONA_TABLE, PIPELINE_APP_ID)
    found = verify.run_checks(*verify.clients(ACCOUNT_ID), expected, only=("grants",))
    catalog = [r for r in found if r.object == f"catalog {NAMES['catalog']}"]
    assert catalog and catalog[0].status == verify.FAIL
    assert f"{PLAN_APP_ID}: [], expected ['BROWSE']" in catalog[0].detail
