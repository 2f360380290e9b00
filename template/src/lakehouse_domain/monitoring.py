"""Monitoring on Databricks from the contracts: the SQL of each dataset's alerts over the run
history, and the operations dashboard over the run history and the billing system tables.

Each contract gets a freshness alert (when it has a freshness SLA) and a quarantine alert
(its ``quarantineThresholdPercent``); ``resources/monitoring.py`` deploys them with the jobs,
on the environment's SQL warehouse, mailing the alert address. The dashboard's file
(``dashboards/operations.lvdash.json``) is written by the template with ``operations_dashboard``
and deployed by the bundle; its cost dataset is the cost query itself (``cost.cost_query``).

Standard library only: the questionnaire loads this module to write the dashboard file
(extensions/engine.py).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, NamedTuple

from . import cost, naming
from .sql import spark_name, spark_string

if TYPE_CHECKING:
    from .contract import Contract

FRESHNESS = "freshness"
QUARANTINE = "quarantine"
# The columns each alert compares with its threshold.
FRESHNESS_COLUMN = "lag_hours"
QUARANTINE_COLUMN = "quarantined_percent"
# Every alert is evaluated at the top of each hour (Quartz: seconds minutes hours ...), so one
# warehouse start serves all of them; in UTC like the run history.
ALERT_SCHEDULE = "0 0 * * * ?"
ALERT_TIMEZONE = "UTC"
# The run history in the dashboard's datasets: relative to the dashboard's default catalog
# (the bundle sets it per environment), so one file serves every environment.
DASHBOARD_RUN_HISTORY = f"{naming.OPS_SCHEMA}.{naming.RUN_HISTORY_TABLE}"
RUNS_DATASET = "pipeline_runs"
COST_DATASET = "cost_by_dataset"
HISTORY_DAYS = 30


def _table(run_history_table: str) -> str:
    return spark_name(*run_history_table.split("."))


def freshness_query(run_history_table: str, dataset: str) -> str:
    """Hours since ``dataset``'s newest bronze record arrived, as of now: the lag its latest
    run measured plus the time since that run started (an upper bound by the run's length).
    No row until a run has seen a bronze record."""
    return f"""\
SELECT
  dataset,
  ROUND(
    (MAX_BY(freshness_lag_seconds, run_started_at)
      + (UNIX_TIMESTAMP(CURRENT_TIMESTAMP()) - UNIX_TIMESTAMP(MAX(run_started_at)))) / 3600,
    2
  ) AS {FRESHNESS_COLUMN}
FROM {_table(run_history_table)}
WHERE dataset = {spark_string(dataset)}
  AND layer = 'bronze'
  AND freshness_lag_seconds IS NOT NULL
GROUP BY dataset
"""


def quarantine_query(run_history_table: str, dataset: str) -> str:
    """Percent of the records ``dataset``'s latest silver run read that it quarantined (runs
    that read nothing do not count). No row until silver has read a record."""
    return f"""\
SELECT
  dataset,
  ROUND(100 * MAX_BY(rows_quarantined / rows_read, run_started_at), 2) AS {QUARANTINE_COLUMN}
FROM {_table(run_history_table)}
WHERE dataset = {spark_string(dataset)}
  AND layer = 'silver'
  AND status = 'succeeded'
  AND rows_read > 0
GROUP BY dataset
"""


class AlertSpec(NamedTuple):
    """One alert: its query, the column compared and the threshold it must stay at or under."""

    query: str
    column: str
    threshold: float


def alert_specs(contract: Contract, run_history_table: str) -> dict[str, AlertSpec]:
    """The alerts of one contract by kind: freshness over its SLA (when it has one), the
    quarantined share over its threshold."""
    specs = {}
    if contract.freshness_hours is not None:
        specs[FRESHNESS] = AlertSpec(
            freshness_query(run_history_table, contract.name),
            FRESHNESS_COLUMN,
            contract.freshness_hours,
        )
    specs[QUARANTINE] = AlertSpec(
        quarantine_query(run_history_table, contract.name),
        QUARANTINE_COLUMN,
        contract.quarantine_threshold_percent,
    )
    return specs


def _query_lines(sql: str) -> list[str]:
    """A dataset's query as AI/BI dashboards store it: its lines, each with its newline."""
    return sql.splitlines(keepends=True)


RUNS_SQL = f"""\
SELECT
  run_started_at,
  DATE(run_started_at) AS run_date,
  environment,
  dataset,
  layer,
  status,
  rows_read,
  rows_written,
  rows_quarantined,
  seconds,
  freshness_lag_seconds / 3600 AS lag_hours,
  freshness_sla_seconds / 3600 AS sla_hours
FROM {DASHBOARD_RUN_HISTORY}
WHERE run_started_at >= CURRENT_TIMESTAMP() - INTERVAL {HISTORY_DAYS} DAYS
"""


def _field(name: str, expression: str) -> dict:
    return {"name": name, "expression": expression}


def _chart(name: str, title: str, kind: str, dataset: str, x: tuple, y: tuple, color=None):
    """A bar or line chart widget: ``x`` and ``y`` are (field name, expression, scale)."""
    fields = [_field(x[0], x[1]), _field(y[0], y[1])]
    encodings = {
        "x": {"fieldName": x[0], "scale": {"type": x[2]}},
        "y": {"fieldName": y[0], "scale": {"type": y[2]}},
    }
    if color is not None:
        fields.append(_field(color[0], color[1]))
        encodings["color"] = {"fieldName": color[0], "scale": {"type": "categorical"}}
    return {
        "name": name,
        "queries": [
            {
                "name": "main_query",
                "query": {"datasetName": dataset, "fields": fields, "disaggregated": False},
            }
        ],
        "spec": {
            "version": 3,
            "widgetType": kind,
            "encodings": encodings,
            "frame": {"showTitle": True, "title": title},
        },
    }


def _table_widget(name: str, title: str, dataset: str, columns: list[str]) -> dict:
    return {
        "name": name,
        "queries": [
            {
                "name": "main_query",
                "query": {
                    "datasetName": dataset,
                    "fields": [_field(c, f"`{c}`") for c in columns],
                    "disaggregated": True,
                },
            }
        ],
        "spec": {
            "version": 1,
            "widgetType": "table",
            "encodings": {"columns": [{"fieldName": c, "displayName": c} for c in columns]},
            "frame": {"showTitle": True, "title": title},
        },
    }


def _placed(widgets: list[dict], width: int = 3, height: int = 6) -> list[dict]:
    """Two widgets per row of the six-column grid."""
    return [
        {
            "widget": widget,
            "position": {
                "x": (index % 2) * width,
                "y": (index // 2) * height,
                "width": width,
                "height": height,
            },
        }
        for index, widget in enumerate(widgets)
    ]


def dashboard(domain: str) -> dict:
    """The operations dashboard: runs, rows, quarantine and freshness from the run history,
    and the domain's Databricks cost."""
    day = ("run_date", "`run_date`", "temporal")
    runs = [
        _chart(
            "runs_by_status",
            "Layer runs per day by status",
            "bar",
            RUNS_DATASET,
            day,
            ("runs", "COUNT(`layer`)", "quantitative"),
            ("status", "`status`"),
        ),
        _chart(
            "rows_written",
            "Rows written per day by layer",
            "bar",
            RUNS_DATASET,
            day,
            ("rows", "SUM(`rows_written`)", "quantitative"),
            ("layer", "`layer`"),
        ),
        _chart(
            "rows_quarantined",
            "Rows quarantined per day by dataset",
            "bar",
            RUNS_DATASET,
            day,
            ("quarantined", "SUM(`rows_quarantined`)", "quantitative"),
            ("dataset", "`dataset`"),
        ),
        _chart(
            "freshness_lag",
            "Freshness lag (hours) by dataset",
            "line",
            RUNS_DATASET,
            ("run_started_at", "`run_started_at`", "temporal"),
            ("lag_hours", "MAX(`lag_hours`)", "quantitative"),
            ("dataset", "`dataset`"),
        ),
    ]
    costs = [
        _chart(
            "cost_by_dataset",
            f"List cost of the last {cost.QUERY_DAYS} days by dataset",
            "bar",
            COST_DATASET,
            ("dataset", "`dataset`", "categorical"),
            ("list_cost", "SUM(`list_cost`)", "quantitative"),
            ("environment", "`environment`"),
        ),
        _table_widget(
            "cost_table",
            "Usage and list cost",
            COST_DATASET,
            ["environment", "dataset", "cost_center", "usage_unit", "usage_quantity", "list_cost"],
        ),
    ]
    return {
        "datasets": [
            {
                "name": RUNS_DATASET,
                "displayName": "Pipeline runs",
                "queryLines": _query_lines(RUNS_SQL),
            },
            {
                "name": COST_DATASET,
                "displayName": "Cost by dataset",
                "queryLines": _query_lines(cost.cost_query(domain)),
            },
        ],
        "pages": [
            {"name": "runs", "displayName": "Runs", "layout": _placed(runs)},
            {"name": "cost", "displayName": "Cost", "layout": _placed(costs)},
        ],
    }


def dashboard_json(domain: str) -> str:
    """The dashboard file's text (``dashboards/operations.lvdash.json``)."""
    return json.dumps(dashboard(domain), indent=2) + "\n"
