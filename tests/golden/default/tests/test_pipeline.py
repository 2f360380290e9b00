"""End-to-end local runs of the medallion pipeline, per source type."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import pytest

from lakehouse_domain import naming

from .conftest import assert_conserved, assert_rerun_changes_nothing

ROWS = "300"
FILES_SOURCES = [
    {"type": "files", "format": "csv"},
    {"type": "files", "format": "json"},
    {"type": "files", "format": "parquet"},
]
EVENTHUB = {"type": "eventhub", "eventHub": "events", "partitions": 2, "retentionDays": 1}


@pytest.mark.parametrize(
    "source", [*FILES_SOURCES, EVENTHUB], ids=["csv", "json", "parquet", "eventhub"]
)
def test_local_run_is_conserved_and_idempotent(local_run, contract, source):
    run = local_run(source)
    assert run("--synthetic", ROWS) == 0
    report = run.report
    assert_conserved(report)
    silver_rows = run.table("silver", contract.name).to_pyarrow_table().num_rows
    assert silver_rows == report["silver"]["inserted"]
    quarantine = run.table("silver", naming.quarantine_table(contract.name)).to_pyarrow_table()
    assert quarantine.num_rows == report["silver"]["quarantined"]
    assert all(reasons for reasons in quarantine.column("_failed_rules").to_pylist())
    assert report["gold"]["rows_built"] > 0
    assert_rerun_changes_nothing(run, contract)


# Ordering values far after and before any synthetic record, per allowed ordering type.
FUTURE = {"timestamp": "2030-01-01T00:00:00+00:00", "date": "2030-01-01", "int": "2000000000"}
FUTURE["bigint"] = "9000000000000"
PAST = {"timestamp": "2000-01-01T00:00:00+00:00", "date": "2000-01-01", "int": "0", "bigint": "0"}


def same_value(stored, text: str) -> bool:
    """A typed value read back from a table equals the text it was landed as (keys of every
    type: decimal(35,8) reads back as Decimal('1.00000000'), a timestamp as a datetime)."""
    if isinstance(stored, bool):
        return str(stored).lower() == text.lower()
    if isinstance(stored, int | float | Decimal):
        return Decimal(str(stored)) == Decimal(text)
    if isinstance(stored, datetime):
        landed = datetime.fromisoformat(text)
        return stored.replace(tzinfo=None) == landed.replace(tzinfo=None)
    if isinstance(stored, date):
        return stored == date.fromisoformat(text)
    return str(stored) == text


def land_json(run, contract, name, records):
    landing = run.landing(contract.name)
    landing.mkdir(parents=True, exist_ok=True)
    (landing / name).write_text("\n".join(json.dumps(r) for r in records) + "\n")


def test_late_updates_win_and_older_records_do_not(local_run, contract):
    from lakehouse_local.synthetic import SyntheticSpec, generate_records

    ordering = contract.ordering_column
    ordering_type = contract.column(ordering).type
    run = local_run({"type": "files", "format": "json"})
    base = generate_records(
        contract, SyntheticSpec(rows=5, bad_share=0, duplicate_share=0), "en_US"
    )
    land_json(run, contract, "a.json", base)
    assert run() == 0
    key = {k: base[0][k] for k in contract.primary_key}
    newer = dict(base[0], **{ordering: FUTURE[ordering_type]})
    land_json(run, contract, "b.json", [newer])
    assert run() == 0
    assert run.report["silver"]["updated"] == 1
    older = dict(base[0], **{ordering: PAST[ordering_type]})
    land_json(run, contract, "c.json", [older])
    assert run() == 0
    assert run.report["silver"]["not_applied_older"] == 1
    rows = run.table("silver", contract.name).to_pyarrow_table().to_pylist()
    stored = next(r for r in rows if all(same_value(r[k], v) for k, v in key.items()))
    assert str(stored[ordering]).startswith(FUTURE[ordering_type][:10])


def test_schema_drift_is_rescued_and_corrupt_records_quarantined(local_run, contract):
    from lakehouse_local.synthetic import SyntheticSpec, generate_records

    run = local_run({"type": "files", "format": "json"})
    base = generate_records(
        contract, SyntheticSpec(rows=3, bad_share=0, duplicate_share=0), "en_US"
    )
    drifted = dict(base[0], loyalty_tier="gold")
    landing = run.landing(contract.name)
    landing.mkdir(parents=True, exist_ok=True)
    (landing / "drift.json").write_text(json.dumps(drifted) + "\n{broken json\n")
    assert run() == 0
    report = run.report
    assert report["bronze"]["rescued"] == 1 and report["bronze"]["corrupt"] == 1
    bronze = run.table("bronze", contract.name).to_pyarrow_table().to_pylist()
    assert any(r["_rescued_data"] == '{"loyalty_tier":"gold"}' for r in bronze)
    quarantined = run.table("silver", naming.quarantine_table(contract.name))
    quarantine = quarantined.to_pyarrow_table().to_pylist()
    assert [r["_failed_rules"][0] for r in quarantine] == ["parseable"]
    assert quarantine[0]["_corrupt_record"] == "{broken json"
    assert report["silver"]["upserts"] == 1


def test_interrupted_run_converges(local_run, contract, tmp_path):
    run = local_run({"type": "files", "format": "csv"})
    assert run("--synthetic", ROWS, "--layers", "bronze") == 0
    assert not (run.root / "silver").exists()
    assert run() == 0
    once = local_run({"type": "files", "format": "csv"})
    once.root = tmp_path / "once"
    once.report_path = tmp_path / "once.json"
    assert once("--synthetic", ROWS) == 0

    def silver_values(local):
        table = local.table("silver", contract.name).to_pyarrow_table()
        return sorted(map(str, table.select(contract.column_names).to_pylist()))

    assert silver_values(run) == silver_values(once)


def test_a_replayed_silver_batch_is_accounted_once(local_run, contract):
    """Silver progress lost after its MERGE (a crash before it was saved): the next run reads
    the same bronze batches again. Nothing is written twice and the report says so: the
    failing records are already quarantined and the valid ones change nothing."""
    run = local_run({"type": "files", "format": "csv"})
    assert run("--synthetic", ROWS) == 0
    first = run.report
    (run.root / "checkpoints" / contract.name / "silver_progress.json").unlink()
    assert run() == 0
    replay = run.report
    assert replay["silver"]["rows_read"] == first["silver"]["rows_read"]
    assert replay["silver"]["quarantined"] == 0
    assert replay["silver"]["already_quarantined"] == first["silver"]["quarantined"] > 0
    assert replay["silver"]["inserted"] == replay["silver"]["updated"] == 0
    assert replay["conservation"]["holds"]
    quarantine = run.table("silver", naming.quarantine_table(contract.name)).to_pyarrow_table()
    assert quarantine.num_rows == first["silver"]["quarantined"] + replay["silver"]["quarantined"]


def test_failure_exits_non_zero_with_the_cause(local_run, contract):
    run = local_run({"type": "files", "format": "csv"})
    run.root.mkdir(parents=True)
    (run.root / "silver").write_text("a file where the silver folder should be")
    assert run("--synthetic", "20") == 1
    report = json.loads(run.report_path.read_text())
    assert report["succeeded"] is False
    assert report["datasets"][0]["error"].startswith("silver: ")


def test_a_reset_stream_checkpoint_does_not_lose_new_files(local_run, contract):
    import shutil

    run = local_run({"type": "files", "format": "csv"})
    assert run("--synthetic", "60") == 0
    before = run.table("silver", contract.name).to_pyarrow_table().num_rows
    shutil.rmtree(run.root / "checkpoints" / contract.name / "bronze")
    assert run("--synthetic", "40", "--seed", "7", "--offset", "5000") == 0
    assert run.report["error"] is None
    after = run.table("silver", contract.name).to_pyarrow_table().num_rows
    assert after >= before + 30  # the new file's records arrived (older files were re-read)


def test_gold_always_equals_its_transform_of_silver(local_run, contract, spark):
    from lakehouse_domain.gold import transform_for
    from lakehouse_local.synthetic import SyntheticSpec, generate_records

    transform = transform_for(contract)
    if transform is None:
        pytest.skip(f"{contract.name} has no gold transform")
    ordering = contract.ordering_column
    run = local_run({"type": "files", "format": "json"})
    base = generate_records(
        contract, SyntheticSpec(rows=40, bad_share=0, duplicate_share=0), "en_US"
    )
    land_json(run, contract, "a.json", base)
    assert run() == 0
    # Later versions move some records to another day: their old gold keys must go.
    moved_day = {"timestamp": "2026-03-01T10:00:00+00:00", "date": "2026-03-01"}
    days = {
        c.name: moved_day[c.type]
        for c in contract.columns
        if c.type in moved_day and c.name not in contract.primary_key and not c.pii
    }
    days[ordering] = FUTURE[contract.column(ordering).type]
    moved = [dict(r, **days) for r in base[:10]]
    land_json(run, contract, "b.json", moved)
    assert run() == 0
    silver = spark.createDataFrame(run.table("silver", contract.name).to_pyarrow_table())
    expected = {
        tuple(r[k] for k in transform.keys) for r in transform.module.build(silver).collect()
    }
    gold = run.table("gold", transform.table).to_pyarrow_table().to_pylist()
    assert {tuple(r[k] for k in transform.keys) for r in gold} == expected
