"""Run history: every run's report appended to one table, one row per dataset and layer.

On Databricks ``<catalog>.ops.pipeline_runs`` (written here, by the jobs); locally a Delta
folder in the local store (``lakehouse_local.run_history`` writes it with delta-rs). Both have
the columns of ``COLUMNS``; ``schema_version`` on every row says which layout it follows
(docs/run-history.md describes each version). A version only ever adds columns: a reader of
version 1 rows keeps working.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from . import domain, naming
from .contract import Contract
from .report import DatasetReport, RunReport
from .runtime import Runtime
from .sql import spark_name

SCHEMA_VERSION = 1
SUCCEEDED, FAILED, NOT_RUN = "succeeded", "failed", "not_run"
# (name, Spark SQL type); docs/run-history.md says what each column holds.
COLUMNS = (
    ("schema_version", "INT"),
    ("run_id", "STRING"),
    ("run_started_at", "TIMESTAMP"),
    ("target", "STRING"),
    ("environment", "STRING"),
    ("dataset", "STRING"),
    ("source", "STRING"),
    ("layer", "STRING"),
    ("status", "STRING"),
    ("error", "STRING"),
    ("rows_read", "BIGINT"),
    ("rows_written", "BIGINT"),
    ("rows_inserted", "BIGINT"),
    ("rows_updated", "BIGINT"),
    ("rows_quarantined", "BIGINT"),
    ("rows_duplicate", "BIGINT"),
    ("rows_rescued", "BIGINT"),
    ("rows_corrupt", "BIGINT"),
    ("quarantine_by_rule", "MAP<STRING, BIGINT>"),
    ("seconds", "DOUBLE"),
    ("last_batch", "BIGINT"),
    ("watermark", "STRING"),
    ("freshness_lag_seconds", "DOUBLE"),
    ("freshness_sla_seconds", "DOUBLE"),
)
ZERO_COUNTS = tuple(name for name, _ in COLUMNS if name.startswith("rows_"))


@dataclass(frozen=True)
class RunIdentity:
    """What every row of one run shares."""

    run_id: str
    started_at: datetime
    target: str
    environment: str

    @classmethod
    def new(cls, runtime: Runtime, started_at: datetime) -> RunIdentity:
        return cls(uuid.uuid4().hex, started_at, runtime.target, runtime.environment)


def _row(run: RunIdentity, dataset: str, source: str, layer: str, **values) -> dict:
    """A row with every column: the run's, zero counts, then ``values``."""
    row = dict.fromkeys(name for name, _ in COLUMNS)
    row.update(dict.fromkeys(ZERO_COUNTS, 0))
    row.update(
        schema_version=SCHEMA_VERSION,
        run_id=run.run_id,
        run_started_at=run.started_at,
        target=run.target,
        environment=run.environment,
        dataset=dataset,
        source=source,
        layer=layer,
        quarantine_by_rule={},
        seconds=0.0,
    )
    unknown = set(values) - set(row)
    if unknown:
        raise KeyError(f"not run history columns: {sorted(unknown)}")
    row.update(values)
    return row


def _layer_counts(report: DatasetReport, layer: str) -> dict:
    if layer == "bronze":
        b = report.bronze
        return {
            "rows_read": b.rows_read,
            "rows_written": b.rows_written,
            "rows_inserted": b.rows_written,
            "rows_rescued": b.rescued,
            "rows_corrupt": b.corrupt,
            "seconds": b.seconds,
            "last_batch": b.last_batch,
            "watermark": b.watermark,
        }
    if layer == "silver":
        s = report.silver
        return {
            "rows_read": s.rows_read,
            "rows_written": s.inserted + s.updated,
            "rows_inserted": s.inserted,
            "rows_updated": s.updated,
            "rows_quarantined": s.quarantined,
            "rows_duplicate": s.superseded_duplicates,
            "quarantine_by_rule": dict(s.rules),
            "seconds": s.seconds,
            "last_batch": s.last_batch,
        }
    g = report.gold
    return {
        "rows_read": g.rows_built,
        "rows_written": g.inserted + g.updated,
        "rows_inserted": g.inserted,
        "rows_updated": g.updated,
        "seconds": g.seconds,
    }


def _layer_outcome(report: DatasetReport, layers: tuple[str, ...], layer: str):
    """(status, error) of one layer: a failed layer stops the layers after it; a layer
    that ran but lost source data (bronze) or broke conservation (silver) failed too."""
    if report.failed_layer is not None:
        failed_at = layers.index(report.failed_layer)
        position = layers.index(layer)
        if position == failed_at:
            return FAILED, report.error
        if position > failed_at:
            return NOT_RUN, None
    if layer == "bronze" and report.bronze.data_loss:
        return FAILED, f"bronze: data loss: {report.bronze.data_loss}"
    if layer == "silver" and not report.conserved:
        s = report.silver
        return FAILED, (
            f"silver: conservation does not hold: {s.rows_read} read, {s.accounted} accounted, "
            f"table grew by {s.table_growth} for {s.inserted} inserted, {s.deleted} deleted"
        )
    return SUCCEEDED, None


def history_rows(
    run: RunIdentity,
    report: RunReport,
    layers: tuple[str, ...],
    freshness: dict[str, tuple[float | None, float | None]],
) -> list[dict]:
    """One row per dataset of ``report`` and requested layer. ``freshness`` maps a dataset to
    (lag, SLA) in seconds; both are the dataset's, repeated on each of its rows."""
    rows = []
    for dataset in report.datasets:
        lag, sla = freshness.get(dataset.dataset, (None, None))
        for layer in layers:
            status, error = _layer_outcome(dataset, layers, layer)
            rows.append(
                _row(
                    run,
                    dataset.dataset,
                    dataset.source,
                    layer,
                    status=status,
                    error=error,
                    freshness_lag_seconds=lag,
                    freshness_sla_seconds=sla,
                    **_layer_counts(dataset, layer),
                )
            )
    return rows


def failure_rows(
    run: RunIdentity, contracts: Iterable[Contract], layers: tuple[str, ...], error: str
) -> list[dict]:
    """Rows of a run that stopped before its datasets reported (Spark did not start, the
    synthetic data could not be written): each requested layer of each dataset failed."""
    return [
        _row(run, c.name, c.source.type, layer, status=FAILED, error=error)
        for c in contracts
        for layer in layers
    ]


def freshness(storage, contract: Contract, now: datetime) -> tuple[float | None, float | None]:
    """(lag, SLA) in seconds: how long before ``now`` the newest bronze record arrived, and
    the contract's freshness SLA. The lag is None while bronze is empty."""
    from pyspark.sql import functions as F

    sla = None if contract.freshness_hours is None else contract.freshness_hours * 3600
    if not storage.exists("bronze", contract.name):
        return None, sla
    # Epoch microseconds: no time zone between Spark's timestamp and Python's.
    bronze = storage.read("bronze", contract.name)
    newest = bronze.agg(F.unix_micros(F.max("_ingested_at")).alias("m")).first()["m"]
    if newest is None:
        return None, sla
    return round(now.timestamp() - newest / 1e6, 3), sla


def run_rows(
    run: RunIdentity,
    report: RunReport,
    contracts: list[Contract],
    layers: tuple[str, ...],
    storage=None,
    error: str | None = None,
) -> list[dict]:
    """The rows of a run: its datasets' reports, and when the run stopped with ``error``,
    failure rows for the datasets it did not reach. ``storage`` is None when the run stopped
    before it had one (no freshness then)."""
    now = datetime.now(UTC)
    reported = {d.dataset for d in report.datasets}
    lags = {}
    for contract in contracts:
        if storage is None or contract.name not in reported:
            continue
        try:
            lags[contract.name] = freshness(storage, contract, now)
        except Exception:  # an unreadable bronze is the run's error, recorded with its layer
            lags[contract.name] = (None, None)
    rows = history_rows(run, report, layers, lags)
    if error is not None:
        rows += failure_rows(run, [c for c in contracts if c.name not in reported], layers, error)
    return rows


def spark_schema() -> str:
    """The table's columns as a Spark DDL string."""
    return ", ".join(f"{name} {sql_type}" for name, sql_type in COLUMNS)


def append_to_catalog(spark, environment: str, rows: list[dict]) -> str:
    """Append ``rows`` to the environment's ``<catalog>.ops.pipeline_runs`` (created by the
    first append); returns the table's name."""
    table = naming.run_history_table(domain.DOMAIN, environment)
    (
        spark.createDataFrame(rows, schema=spark_schema())
        .write.format("delta")
        .mode("append")
        # Checked identifiers hold no dots: the name splits back into its three levels.
        .saveAsTable(spark_name(*table.split(".")))
    )
    return table
