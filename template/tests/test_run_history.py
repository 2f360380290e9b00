"""The run history: every run appends its report, failed runs included; the schema is
versioned and documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lakehouse_domain.naming import LAYERS
from lakehouse_domain.report import DatasetReport, RunReport
from lakehouse_domain.run_history import (
    COLUMNS,
    FAILED,
    NOT_RUN,
    SCHEMA_VERSION,
    SUCCEEDED,
    RunIdentity,
    history_rows,
    spark_schema,
)
from lakehouse_domain.runtime import Runtime
from lakehouse_local import run_history

DOC = Path(__file__).resolve().parents[1] / "docs" / "run-history.md"
CSV = {"type": "files", "format": "csv"}


def by_layer(rows: list[dict], run_id: str) -> dict[str, dict]:
    return {row["layer"]: row for row in rows if row["run_id"] == run_id}


def test_each_run_appends_its_layers_under_a_new_run_id(local_run, contract):
    run = local_run(CSV)
    assert run("--synthetic", "60") == 0
    first = run_history.read(run.root)
    assert [row["layer"] for row in first] == sorted(LAYERS)
    assert {row["schema_version"] for row in first} == {SCHEMA_VERSION}
    assert {row["status"] for row in first} == {SUCCEEDED}
    report = run.report
    layers = by_layer(first, first[0]["run_id"])
    assert layers["bronze"]["rows_written"] == report["bronze"]["rows_written"] > 0
    assert layers["bronze"]["last_batch"] is not None
    silver = layers["silver"]
    assert silver["rows_quarantined"] == report["silver"]["quarantined"]
    rules = {rule["rule"]: rule["failed"] for rule in report["silver"]["rules"]}
    assert silver["quarantine_by_rule"] == rules
    assert silver["rows_duplicate"] == report["silver"]["superseded_duplicates"]
    assert silver["last_batch"] == layers["bronze"]["last_batch"]
    assert layers["gold"]["rows_read"] == report["gold"]["rows_built"]
    lag = silver["freshness_lag_seconds"]
    assert lag is not None and 0 <= lag < 3600
    expected_sla = None if contract.freshness_hours is None else contract.freshness_hours * 3600
    assert silver["freshness_sla_seconds"] == expected_sla

    assert run() == 0
    both = run_history.read(run.root)
    assert len(both) == 2 * len(LAYERS)
    second_id = next(row["run_id"] for row in both if row["run_id"] != first[0]["run_id"])
    rerun = by_layer(both, second_id)
    assert rerun["bronze"]["rows_written"] == rerun["silver"]["rows_read"] == 0
    assert rerun["bronze"]["run_started_at"] > layers["bronze"]["run_started_at"]


def test_a_failed_layer_is_recorded_with_its_cause(local_run, contract):
    run = local_run(CSV)
    run.root.mkdir(parents=True)
    (run.root / "silver").write_text("a file where the silver folder should be")
    assert run("--synthetic", "20") == 1
    rows = run_history.read(run.root)
    layers = by_layer(rows, rows[0]["run_id"])
    assert layers["bronze"]["status"] == SUCCEEDED
    assert layers["silver"]["status"] == FAILED
    assert layers["silver"]["error"].startswith("silver: ")
    assert layers["gold"]["status"] == NOT_RUN and layers["gold"]["error"] is None


def test_a_run_that_stops_before_its_datasets_is_recorded(local_run, contract, monkeypatch):
    from lakehouse_domain import spark_session

    def no_spark(local):
        raise RuntimeError("no Java here")

    monkeypatch.setattr(spark_session, "get_spark", no_spark)
    run = local_run(CSV)
    with pytest.raises(RuntimeError, match="no Java here"):
        run("--synthetic", "10")
    rows = run_history.read(run.root)
    assert {(row["dataset"], row["layer"]) for row in rows} == {
        (contract.name, layer) for layer in LAYERS
    }
    assert {row["status"] for row in rows} == {FAILED}
    assert {row["error"] for row in rows} == {"run: RuntimeError: no Java here"}


def identity() -> RunIdentity:
    from datetime import UTC, datetime

    return RunIdentity.new(Runtime("local"), datetime(2026, 5, 1, tzinfo=UTC))


def test_lost_source_data_and_broken_conservation_fail_their_layer():
    lost = DatasetReport("orders", "eventhub")
    lost.bronze.data_loss = "events expired before they were read"
    broken = DatasetReport("refunds", "files")
    broken.silver.rows_read = 5  # read but accounted nowhere
    report = RunReport("local", "local", [lost, broken])
    rows = {(r["dataset"], r["layer"]): r for r in history_rows(identity(), report, LAYERS, {})}
    assert rows["orders", "bronze"]["status"] == FAILED
    assert "events expired" in rows["orders", "bronze"]["error"]
    assert rows["orders", "silver"]["status"] == SUCCEEDED
    assert rows["refunds", "silver"]["status"] == FAILED
    assert rows["refunds", "silver"]["error"].startswith("silver: conservation does not hold")


def test_only_the_requested_layers_are_recorded():
    report = RunReport("local", "local", [DatasetReport("orders", "files")])
    rows = history_rows(identity(), report, ("silver",), {"orders": (12.0, 3600.0)})
    assert [(r["layer"], r["freshness_lag_seconds"]) for r in rows] == [("silver", 12.0)]


def test_every_column_is_documented_with_its_type():
    documented = dict(re.findall(r"^\| `(\w+)` \| ([A-Z<>, ]+) \|", DOC.read_text(), re.M))
    assert documented == dict(COLUMNS)
    assert f"| {SCHEMA_VERSION} |" in DOC.read_text()


def test_the_local_table_has_the_documented_schema(tmp_path):
    report = RunReport("local", "local", [DatasetReport("orders", "files")])
    run_history.append(tmp_path, history_rows(identity(), report, LAYERS, {}))
    from deltalake import DeltaTable

    schema = DeltaTable(str(run_history.path(tmp_path))).schema()
    assert [field.name for field in schema.fields] == [name for name, _ in COLUMNS]


@pytest.mark.domain_independent
def test_the_databricks_schema_takes_the_rows_as_they_are(spark):
    """The rows the jobs append to <catalog>.ops.pipeline_runs fit its Spark schema: every
    column, its type and the values round-trip (the map and the UTC timestamp included)."""
    dataset = DatasetReport("orders", "files")
    dataset.silver.rules = {"amount_not_null": 2}
    report = RunReport("databricks", "dev", [dataset])
    rows = history_rows(identity(), report, LAYERS, {"orders": (12.5, 3600.0)})
    frame = spark.createDataFrame(rows, schema=spark_schema())
    assert frame.columns == [name for name, _ in COLUMNS]
    read_back = [row.asDict() for row in frame.collect()]
    assert [row["quarantine_by_rule"] for row in read_back] == [{}, {"amount_not_null": 2}, {}]
    assert {row["run_started_at"].timestamp() for row in read_back} == {
        rows[0]["run_started_at"].timestamp()
    }
    assert {row["freshness_lag_seconds"] for row in read_back} == {12.5}
