"""The local run history: the Delta folder ``<root>/ops/pipeline_runs``, written and read with
delta-rs. Its columns are the engine's (``lakehouse_domain.run_history.COLUMNS``), the same as
the Databricks table's."""

from __future__ import annotations

from pathlib import Path

from lakehouse_domain import naming
from lakehouse_domain.run_history import COLUMNS


def path(root: Path) -> Path:
    return root / naming.OPS_SCHEMA / naming.RUN_HISTORY_TABLE


def arrow_schema():
    import pyarrow as pa

    types = {
        "INT": pa.int32(),
        "BIGINT": pa.int64(),
        "DOUBLE": pa.float64(),
        "STRING": pa.string(),
        "TIMESTAMP": pa.timestamp("us", tz="UTC"),
        "MAP<STRING, BIGINT>": pa.map_(pa.string(), pa.int64()),
    }
    return pa.schema([(name, types[sql_type]) for name, sql_type in COLUMNS])


def append(root: Path, rows: list[dict]) -> str:
    """Append ``rows`` to the local run history (created by the first append); returns where."""
    import pyarrow as pa
    from deltalake import write_deltalake

    table = path(root)
    write_deltalake(str(table), pa.Table.from_pylist(rows, schema=arrow_schema()), mode="append")
    return str(table)


def read(root: Path) -> list[dict]:
    """Every row of the local run history, oldest run first (empty before the first run)."""
    from deltalake import DeltaTable

    table = path(root)
    if not DeltaTable.is_deltatable(str(table)):
        return []
    rows = DeltaTable(str(table)).to_pyarrow_table().to_pylist()
    for row in rows:
        row["quarantine_by_rule"] = dict(row["quarantine_by_rule"] or [])
    return sorted(rows, key=lambda r: (r["run_started_at"], r["dataset"], r["layer"]))
