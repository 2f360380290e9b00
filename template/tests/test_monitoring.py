"""Monitoring on Databricks (offline): the SQL warehouse, each contract's alerts and the
operations dashboard as bundle resources, the alert queries run in local Spark over rows of
the run history's own schema, and the dashboard file's structure."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import sqlglot
import yaml
from databricks.bundles.alerts import Alert
from databricks.bundles.core import Bundle
from databricks.bundles.dashboards import Dashboard
from databricks.bundles.sql_warehouses import SqlWarehouse
from sqlglot import exp

from lakehouse_domain import cost, domain, monitoring, naming
from lakehouse_domain.contract import load_contracts
from lakehouse_domain.contract_builder import QUARANTINE_THRESHOLD_PROPERTY
from lakehouse_domain.dataset_rules import DEFAULT_QUARANTINE_THRESHOLD_PERCENT
from lakehouse_domain.escaping import markdown_text
from lakehouse_domain.naming import LAYERS
from lakehouse_domain.run_history import COLUMNS, RunIdentity, failure_rows
from lakehouse_domain.runtime import Runtime
from lakehouse_domain.sql import spark_string

from .conftest import ROOT

TARGETS = list(yaml.safe_load((ROOT / "databricks.yml").read_text())["targets"])
DASHBOARD_FILE = ROOT / "dashboards" / "operations.lvdash.json"


def resources_of(target: str):
    from resources import environment_of, load_resources

    return environment_of(target), load_resources(Bundle(target=target))


@pytest.mark.parametrize("target", TARGETS)
def test_the_warehouse_is_small_serverless_stops_when_idle_and_is_used_by_few(target):
    """Serverless needs warehouse_type PRO with enable_serverless_compute; auto_stop_mins is 0
    or at least 10 (SQL Warehouses API, databricks-bundles SqlWarehouse model); its tags are the
    jobs' cost tags, so the cost query's keys slice its usage too."""
    environment, resources = resources_of(target)
    (warehouse,) = resources.sql_warehouses.values()
    spec = warehouse.as_dict()
    assert SqlWarehouse.from_dict(spec).as_dict() == spec
    assert spec["name"] == domain.environment_names(environment)["sql_warehouse"]
    assert spec["warehouse_type"] == "PRO" and spec["enable_serverless_compute"] is True
    assert spec["auto_stop_mins"] == 10 and spec["max_num_clusters"] == 1
    tags = {t["key"]: t["value"] for t in spec["tags"]["custom_tags"]}
    assert tags == cost.job_tags(domain.TAGS, environment)
    users = {
        (p.get("group_name") or p.get("service_principal_name"), p["level"])
        for p in spec["permissions"]
    }
    expected = {(domain.ENGINEERS_GROUP, "CAN_USE")}
    if target != "personal":  # a personal deploy's alerts run as the person deploying
        expected.add(("${var.pipeline_client_id}", "CAN_USE"))
    assert users == expected


@pytest.mark.parametrize("target", TARGETS)
def test_each_contract_alerts_on_its_freshness_sla_and_quarantine_threshold(target):
    environment, resources = resources_of(target)
    alerts = {key: alert.as_dict() for key, alert in resources.alerts.items()}
    expected_keys = set()
    for contract in load_contracts(ROOT / "contracts"):
        limits = {monitoring.QUARANTINE: contract.quarantine_threshold_percent}
        if contract.freshness_hours is not None:
            limits[monitoring.FRESHNESS] = contract.freshness_hours
        for kind, limit in limits.items():
            key = f"{contract.name}_{kind}"
            expected_keys.add(key)
            alert = alerts[key]
            assert Alert.from_dict(alert).as_dict() == alert  # every key and type is valid
            assert alert["display_name"] == naming.alert_name(
                domain.DOMAIN, contract.name, environment, kind
            )
            evaluation = alert["evaluation"]
            assert evaluation["comparison_operator"] == "GREATER_THAN"
            assert evaluation["threshold"]["value"]["double_value"] == limit
            column = evaluation["source"]["name"]
            assert f"AS {column}" in alert["query_text"]
            assert (
                naming.run_history_table(domain.DOMAIN, environment).split(".")[0]
                in (alert["query_text"])
            )
            assert evaluation["notification"]["subscriptions"] == [
                {"destination_id": "${var.alert_destination_id}"}
            ]
            assert alert["warehouse_id"] == "${resources.sql_warehouses.monitoring.id}"
            assert alert["schedule"]["pause_status"] == "UNPAUSED"
    assert set(alerts) == expected_keys


def test_each_target_looks_up_the_alert_destination_terraform_creates():
    """The bundle finds the notification destination by its name from the naming core, the
    name infra/modules/monitoring gives it (CLI variable lookup ``notification_destination``)."""
    bundle = yaml.safe_load((ROOT / "databricks.yml").read_text())
    monitoring_tf = (ROOT / "infra" / "modules" / "monitoring" / "main.tf").read_text()
    assert 'resource "databricks_notification_destination"' in monitoring_tf
    assert "alert_destination = local.names.alert_destination" in " ".join(
        (ROOT / "infra" / "environment" / "main.tf").read_text().split()
    )
    for target, settings in bundle["targets"].items():
        environment = "dev" if target == "personal" else target
        lookup = settings["variables"]["alert_destination_id"]["lookup"]
        assert lookup == {
            "notification_destination": domain.environment_names(environment)["alert_destination"]
        }


# --- The alert queries, run over the run history's schema ---------------------------------


def sql_literal(value, sql_type: str) -> str:
    """``value`` as a Spark SQL literal of ``sql_type``."""
    if value is None:
        literal = "NULL"
    elif isinstance(value, datetime):
        literal = spark_string(value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f"))
    elif isinstance(value, dict):
        pairs = ", ".join(f"{spark_string(k)}, {v}" for k, v in value.items())
        literal = f"map({pairs})"
    elif isinstance(value, str):
        literal = spark_string(value)
    else:
        literal = repr(value)
    return f"CAST({literal} AS {sql_type})"


def history(spark, rows: list[dict]) -> str:
    """A view named like the table, of rows with every run history column (from SQL
    literals: no Python worker to start)."""
    values = ", ".join(
        "(" + ", ".join(sql_literal(row[name], sql_type) for name, sql_type in COLUMNS) + ")"
        for row in rows
    )
    names = ", ".join(name for name, _ in COLUMNS)
    spark.sql(
        f"CREATE OR REPLACE TEMP VIEW pipeline_runs AS SELECT * FROM VALUES {values} AS t({names})"
    )
    return "pipeline_runs"


def layer_rows(contract, started_at: datetime, **values) -> list[dict]:
    run = RunIdentity.new(Runtime(target="local", environment="local"), started_at)
    rows = failure_rows(run, [contract], LAYERS, "replaced below")
    for row in rows:
        row.update(status="succeeded", error=None, **values.get(row["layer"], {}))
    return rows


def test_the_alert_queries_measure_the_latest_run_in_local_spark(spark):
    contract = load_contracts(ROOT / "contracts")[0]
    now = datetime.now(UTC)
    rows = [
        *layer_rows(
            contract,
            now - timedelta(hours=30),
            bronze={"freshness_lag_seconds": 100_000.0},
            silver={"rows_read": 100, "rows_quarantined": 50},
        ),
        *layer_rows(
            contract,
            now - timedelta(hours=2),
            bronze={"freshness_lag_seconds": 3600.0},
            silver={"rows_read": 200, "rows_quarantined": 10},
        ),
        # A later silver run that read nothing does not hide the last real share.
        *layer_rows(contract, now - timedelta(hours=1), silver={"rows_read": 0}),
    ]
    table = history(spark, rows)
    (freshness,) = spark.sql(monitoring.freshness_query(table, contract.name)).collect()
    assert freshness[monitoring.FRESHNESS_COLUMN] == pytest.approx(3.0, abs=0.05)
    (quarantine,) = spark.sql(monitoring.quarantine_query(table, contract.name)).collect()
    assert quarantine[monitoring.QUARANTINE_COLUMN] == 5.0
    # Another dataset's alert sees no row: nothing measured yet (empty_result_state OK).
    assert spark.sql(monitoring.freshness_query(table, "another_dataset")).collect() == []


# --- The operations dashboard ---------------------------------------------------------------


def test_the_dashboard_file_is_the_one_the_engine_writes():
    assert DASHBOARD_FILE.read_text() == monitoring.dashboard_json(domain.DOMAIN)


def test_the_dashboard_widgets_read_fields_of_datasets_it_defines():
    """The AI/BI dashboard file format (the Lakeview API's ``serialized_dashboard``): datasets
    with a name and ``queryLines``; pages whose layout places widgets, each widget's queries
    naming a dataset and the fields its spec encodes."""
    board = json.loads(DASHBOARD_FILE.read_text())
    datasets = {d["name"]: "".join(d["queryLines"]) for d in board["datasets"]}
    assert len(datasets) == len(board["datasets"])
    assert datasets[monitoring.COST_DATASET] == cost.cost_query(domain.DOMAIN)
    outputs = {
        name: set(sqlglot.parse_one(sql, dialect="databricks").named_selects)
        for name, sql in datasets.items()
    }
    widgets = [item["widget"] for page in board["pages"] for item in page["layout"]]
    assert {w["name"] for w in widgets} and len({w["name"] for w in widgets}) == len(widgets)
    for widget in widgets:
        (query,) = widget["queries"]
        fields = {f["name"]: f["expression"] for f in query["query"]["fields"]}
        dataset = query["query"]["datasetName"]
        for expression in fields.values():
            for column in sqlglot.parse_one(expression, dialect="databricks").find_all(exp.Column):
                assert column.name in outputs[dataset], (widget["name"], column.name)
        encodings = widget["spec"]["encodings"]
        encoded = [e["fieldName"] for e in encodings.get("columns", [])] + [
            e["fieldName"] for k, e in encodings.items() if k != "columns"
        ]
        assert set(encoded) <= set(fields), widget["name"]
    for page in board["pages"]:
        for item in page["layout"]:
            position = item["position"]
            assert position["x"] + position["width"] <= 6  # the six-column grid


def test_the_run_history_dataset_reads_run_history_columns():
    runs = next(d for d in json.loads(DASHBOARD_FILE.read_text())["datasets"])
    query = sqlglot.parse_one("".join(runs["queryLines"]), dialect="databricks")
    (table,) = query.find_all(exp.Table)
    assert f"{table.db}.{table.name}" == monitoring.DASHBOARD_RUN_HISTORY
    assert {c.name for c in query.find_all(exp.Column)} <= {name for name, _ in COLUMNS}


@pytest.mark.parametrize("target", TARGETS)
def test_the_dashboard_resource_runs_as_its_viewers_on_the_environment_catalog(target):
    """``embed_credentials: false``: queries run with each viewer's grants, which also lets
    the bundle deploy it with a run_as other than the deployer (CLI 0.297.0+); the datasets'
    ``ops.pipeline_runs`` resolves in ``dataset_catalog``, the environment's catalog."""
    environment, resources = resources_of(target)
    (board,) = resources.dashboards.values()
    spec = board.as_dict()
    assert Dashboard.from_dict(spec).as_dict() == spec
    assert spec["display_name"] == domain.environment_names(environment)["dashboard"]
    assert spec["embed_credentials"] is False
    assert spec["dataset_catalog"] == domain.environment_names(environment)["catalog"]
    assert spec["warehouse_id"] == "${resources.sql_warehouses.monitoring.id}"
    assert json.loads(spec["serialized_dashboard"]) == json.loads(DASHBOARD_FILE.read_text())


def test_the_monitoring_doc_names_what_is_deployed_and_its_thresholds():
    from resources.monitoring import AUTO_STOP_MINUTES, CLUSTER_SIZE

    doc = (ROOT / "docs" / "monitoring.md").read_text()
    text = " ".join(doc.split())
    environment = domain.ENVIRONMENTS[0]
    names = domain.environment_names(environment)
    for key in ("sql_warehouse", "dashboard", "alert_destination"):
        assert names[key].replace(f"-{environment}-", "-<env>-") in doc, key
    for kind in (monitoring.FRESHNESS, monitoring.QUARANTINE):
        assert f"`<job name>-{kind}`" in doc
        assert naming.alert_name(domain.DOMAIN, "x", environment, kind).endswith(f"-{kind}")
    assert f"`{monitoring.FRESHNESS_COLUMN}`" in doc and f"`{monitoring.QUARANTINE_COLUMN}`" in doc
    assert (
        f"`{QUARANTINE_THRESHOLD_PROPERTY}` (default {DEFAULT_QUARANTINE_THRESHOLD_PERCENT};"
        in text
    )
    assert monitoring.ALERT_SCHEDULE == "0 0 * * * ?" and "top of every hour (UTC)" in text
    assert f"after {AUTO_STOP_MINUTES} idle minutes" in text and CLUSTER_SIZE in text
    cli = yaml.safe_load((ROOT / "databricks.yml").read_text())["bundle"]["databricks_cli_version"]
    assert cli == ">= 0.297.0" and "CLI 0.297.0 or newer" in text
    assert markdown_text(domain.ALERT_EMAIL) in doc
