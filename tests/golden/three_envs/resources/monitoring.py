"""Monitoring resources of one environment (managed by the template): the SQL warehouse, each
contract's alerts over the run history and the operations dashboard.

Databricks SQL alerts and AI/BI dashboards run their queries on a SQL warehouse, and the
infra has none for them, so the bundle deploys one small serverless warehouse per environment
next to the jobs: it stops after ``AUTO_STOP_MINUTES`` idle, carries the cost tags, and only
the identities that query it may use it (least privilege):

- the pipeline service principal: the alerts run as it (the target's ``run_as``; the Databricks
  CLI gives alerts the bundle's run_as identity), and it already reads the run history;
- the engineers group: the dashboard does not embed its publisher's credentials, so each
  viewer's own grants apply (engineers read ``ops``; ``system.billing`` needs a grant by a
  metastore admin, see docs/monitoring.md).

The target's ``permissions`` reach jobs only (the CLI's ``bundle/permissions`` maps them for
jobs, pipelines, models, experiments and serving endpoints), so the alerts and the dashboard
name theirs: engineers CAN_RUN (see and refresh with their own grants; trigger an alert).

Serverless SQL reaches storage through the same network connectivity configuration as the
serverless jobs (infra/modules/serverless_network). Alerts mail the notification destination
Terraform creates for the alert address (``alert_destination_id``, a bundle variable looked up
by name in databricks.yml); creating destinations needs a workspace admin, which a bundle
deploy is not meant to be.

Sources: Databricks bundle resources reference (``sql_warehouses``, ``alerts``, ``dashboards``;
https://docs.databricks.com/dev-tools/bundles/resources) and the databricks-bundles 1.22.1
models these dictionaries are validated against; Databricks CLI
``bundle/config/mutator/resourcemutator/run_as.go`` (alerts take the bundle's run_as; dashboards
are allowed with a run_as other than the deployer only with ``embed_credentials: false``, CLI
0.297.0, databricks/cli#4961); SQL warehouse API (``auto_stop_mins`` 0 or at least 10,
``warehouse_type`` PRO with ``enable_serverless_compute`` for serverless).
"""

from __future__ import annotations

from pathlib import Path

from databricks.bundles.alerts import Alert
from databricks.bundles.dashboards import Dashboard
from databricks.bundles.sql_warehouses import SqlWarehouse

from lakehouse_domain import cost, domain, monitoring, naming
from lakehouse_domain.contract import Contract

WAREHOUSE_KEY = "monitoring"
DASHBOARD_KEY = "operations"
DASHBOARD_FILE = Path(__file__).resolve().parents[1] / "dashboards" / "operations.lvdash.json"
WAREHOUSE_ID = f"${{resources.sql_warehouses.{WAREHOUSE_KEY}.id}}"
ALERT_DESTINATION = "${var.alert_destination_id}"
PIPELINE = "${var.pipeline_client_id}"
AUTO_STOP_MINUTES = 10
CLUSTER_SIZE = "2X-Small"
ENGINEERS_RUN = {"group_name": domain.ENGINEERS_GROUP, "level": "CAN_RUN"}


def sql_warehouse(environment: str, pipeline_may_use: bool = True) -> SqlWarehouse:
    """The environment's serverless warehouse; ``pipeline_may_use`` is False for a personal
    deploy, whose alerts run as the person deploying."""
    users = [{"group_name": domain.ENGINEERS_GROUP, "level": "CAN_USE"}]
    if pipeline_may_use:
        users.append({"service_principal_name": PIPELINE, "level": "CAN_USE"})
    tags = cost.job_tags(domain.TAGS, environment)
    return SqlWarehouse.from_dict(
        {
            "name": domain.environment_names(environment)["sql_warehouse"],
            "cluster_size": CLUSTER_SIZE,
            "min_num_clusters": 1,
            "max_num_clusters": 1,
            "auto_stop_mins": AUTO_STOP_MINUTES,
            "warehouse_type": "PRO",
            "enable_serverless_compute": True,
            "tags": {"custom_tags": [{"key": k, "value": v} for k, v in tags.items()]},
            "permissions": users,
        }
    )


def alert(contract: Contract, environment: str, kind: str, spec: monitoring.AlertSpec) -> Alert:
    return Alert.from_dict(
        {
            "display_name": naming.alert_name(domain.DOMAIN, contract.name, environment, kind),
            "query_text": spec.query,
            "warehouse_id": WAREHOUSE_ID,
            "evaluation": {
                "source": {"name": spec.column, "display": spec.column},
                "comparison_operator": "GREATER_THAN",
                "threshold": {"value": {"double_value": float(spec.threshold)}},
                # No row: no run has measured it yet (the job's failure mail covers failed runs).
                "empty_result_state": "OK",
                "notification": {
                    "notify_on_ok": True,
                    "subscriptions": [{"destination_id": ALERT_DESTINATION}],
                },
            },
            "schedule": {
                "quartz_cron_schedule": monitoring.ALERT_SCHEDULE,
                "timezone_id": monitoring.ALERT_TIMEZONE,
                "pause_status": "UNPAUSED",
            },
            "permissions": [ENGINEERS_RUN],
        }
    )


def alerts(contract: Contract, environment: str) -> dict[str, Alert]:
    """The contract's alerts by resource key (``monitoring.alert_specs`` says which)."""
    table = naming.run_history_table(domain.DOMAIN, environment)
    return {
        f"{contract.name}_{kind}": alert(contract, environment, kind, spec)
        for kind, spec in monitoring.alert_specs(contract, table).items()
    }


def dashboard(environment: str) -> Dashboard:
    """The operations dashboard from its file, on the environment's catalog and warehouse."""
    return Dashboard.from_dict(
        {
            "display_name": domain.environment_names(environment)["dashboard"],
            "serialized_dashboard": DASHBOARD_FILE.read_text(encoding="utf-8"),
            "warehouse_id": WAREHOUSE_ID,
            "dataset_catalog": domain.environment_names(environment)["catalog"],
            "embed_credentials": False,
            "permissions": [ENGINEERS_RUN],
        }
    )
