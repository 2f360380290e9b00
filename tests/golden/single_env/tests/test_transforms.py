"""Unit tests of each transform on small DataFrames."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest
from pyspark.sql import functions as F

from lakehouse_domain import silver
from lakehouse_domain.contract import Column, Contract, Source
from lakehouse_domain.gold import transform_for
from lakehouse_domain.quality import failed_rules, record_rules
from lakehouse_domain.runtime import Runtime
from lakehouse_domain.sources.raw import from_json_text
from lakehouse_domain.storage import LocalStorage, merge_sql
from lakehouse_local.synthetic import BAD_TEXT, SyntheticSpec, generate_records, luhn_valid


def small_contract(path) -> Contract:
    columns = (
        Column("id", "string", True, "", None, None, None, None),
        Column("ts", "timestamp", True, "", None, None, None, None),
        Column("amount", "decimal(10,2)", True, "", None, None, None, None),
        Column("email", "string", False, "", "email", "email_partial", None, None),
        Column("code", "string", False, "", None, None, "^[A-Z]{2}$", ("BR", "US")),
    )
    return Contract(
        path,
        "id",
        "payments",
        "test",
        "1.0.0",
        "",
        columns,
        ("id",),
        Source(type="files", format="json"),
        None,
        ordering_column="ts",
    )


def bronze_frame(spark, rows):
    columns = [
        "id",
        "ts",
        "amount",
        "email",
        "code",
        "_source",
        "_record_id",
        "_rescued_data",
        "_corrupt_record",
        "_ingest_batch",
        "_ingested_at",
    ]
    full = [
        (*row, "test", f"r{i}", None, None, 0, datetime(2026, 1, 1, 0, 0, i))
        for i, row in enumerate(rows)
    ]
    schema = (
        ", ".join(f"{c} string" for c in columns[:-2])
        + ", _ingest_batch long, _ingested_at timestamp"
    )
    return spark.createDataFrame(full, schema)


@pytest.mark.domain_independent
def test_rules_name_each_broken_rule(spark, tmp_path):
    contract = small_contract(tmp_path)
    frame = bronze_frame(
        spark,
        [
            ("a", "2026-01-01T00:00:00", "10.00", None, "BR"),
            ("b", "not-a-time", "10.00", None, "BR"),
            (None, "2026-01-01T00:00:00", "x", None, "br"),
            ("c", "2026-01-01T00:00:00", "1.00", None, "AR"),
        ],
    )
    result = frame.select("id", failed_rules(record_rules(contract)).alias("failed")).collect()
    failed = {row["id"]: sorted(row["failed"]) for row in result}
    assert failed["a"] == []
    assert failed["b"] == ["ts_is_timestamp"]
    assert failed[None] == ["amount_is_decimal", "code_pattern", "code_valid_values", "id_not_null"]
    assert failed["c"] == ["code_valid_values"]


@pytest.mark.domain_independent
def test_quarantine_keeps_text_values_and_reasons(spark, tmp_path):
    contract = small_contract(tmp_path)
    frame = bronze_frame(spark, [("a", "bad", "1.00", "a@b.co", "BR")])
    checked, _ = silver.check(frame, contract)
    row = silver.quarantine_rows(checked, contract).first()
    assert row["ts"] == "bad" and row["_failed_rules"] == ["ts_is_timestamp"]
    assert silver.typed_rows(checked, contract).count() == 0


@pytest.mark.domain_independent
def test_newest_version_of_a_key_wins(spark, tmp_path):
    contract = small_contract(tmp_path)
    frame = bronze_frame(
        spark,
        [
            ("a", "2026-01-01T00:00:00", "1.00", None, "BR"),
            ("a", "2026-01-02T00:00:00", "2.00", None, "BR"),
            ("a", "2025-12-31T00:00:00", "3.00", None, "BR"),
        ],
    )
    checked, _ = silver.check(frame, contract)
    ranked = silver.ranked_per_key(silver.typed_rows(checked, contract), contract)
    newest = ranked.where("_rank = 1").collect()
    assert len(newest) == 1 and str(newest[0]["amount"]) == "2.00"
    assert ranked.where("_rank > 1").count() == 2


@pytest.mark.domain_independent
def test_json_parsing_rescues_unknown_fields_and_keeps_corrupt_text(spark, tmp_path):
    contract = small_contract(tmp_path)
    frame = spark.createDataFrame([('{"id": "a", "extra": 7}',), ("{not json",)], "value string")
    rows = frame.select(*from_json_text(F.col("value"), contract)).collect()
    assert rows[0]["id"] == "a" and rows[0]["_rescued_data"] == '{"extra":"7"}'
    assert rows[0]["_corrupt_record"] is None
    assert rows[1]["_corrupt_record"] == "{not json" and rows[1]["id"] is None


def test_merge_statement_never_replaces_and_lets_newer_win():
    statement = merge_sql(("cat", "silver", "t"), "v", ["id", "ts", "amount"], ["id"], "ts", False)
    assert statement.startswith(
        "MERGE WITH SCHEMA EVOLUTION INTO `cat`.`silver`.`t` AS t USING `v` AS s"
        " ON t.`id` <=> s.`id`"
    )
    assert "WHEN MATCHED AND s.`ts` >= t.`ts` AND (NOT (t.`ts` <=> s.`ts`)" in statement
    assert statement.endswith("WHEN NOT MATCHED THEN INSERT *")
    assert "REPLACE" not in merge_sql(("c", "s", "x"), "v", ["id"], ["id"], None, True)


@pytest.mark.domain_independent
def test_local_merge_applies_newer_ignores_older_and_identical(spark, tmp_path):
    storage = LocalStorage(spark, Runtime("local", root=tmp_path))
    schema = "id string, ts timestamp, amount int"

    def merge(rows):
        frame = spark.createDataFrame(rows, schema)
        return storage.merge("silver", "t", frame, ["id"], newer="ts")

    assert merge([("a", datetime(2026, 1, 2), 1)]).inserted == 1
    assert merge([("a", datetime(2026, 1, 2), 1)]).updated == 0
    assert merge([("a", datetime(2026, 1, 1), 9)]).unchanged == 1
    assert merge([("a", datetime(2026, 1, 3), 5)]).updated == 1
    assert storage.read("silver", "t").first()["amount"] == 5


@pytest.mark.domain_independent
def test_local_append_is_exactly_once_per_batch(spark, tmp_path):
    storage = LocalStorage(spark, Runtime("local", root=tmp_path))
    frame = spark.createDataFrame([("a",)], "id string")
    assert storage.append("bronze", "t", frame, app_id="t-bronze", version=0) == 1
    assert storage.append("bronze", "t", frame, app_id="t-bronze", version=0) == 0
    assert storage.append("bronze", "t", frame, app_id="t-bronze", version=1) == 1
    assert storage.read("bronze", "t").count() == 2


def test_gold_transform_builds_one_row_per_key(spark, contract):
    gold_transform = transform_for(contract)
    if gold_transform is None:
        pytest.skip(f"{contract.name} has no gold transform")
    records = generate_records(contract, SyntheticSpec(rows=50, bad_share=0), "en_US")
    schema = ", ".join(f"`{c.name}` string" for c in contract.columns)
    text = spark.createDataFrame([[r[c] for c in contract.column_names] for r in records], schema)
    typed = text.select(
        *[F.expr(f"try_cast(`{c.name}` AS {c.type})").alias(c.name) for c in contract.columns],
        F.current_timestamp().alias("_ingested_at"),
    )
    gold = gold_transform.module.build(typed)
    assert gold.count() == gold.select(*gold_transform.keys).distinct().count() > 0
    assert set(gold_transform.keys) <= set(gold.columns)


def test_synthetic_data_is_reproducible_and_shaped(contract):
    spec = SyntheticSpec(rows=300, seed=7, bad_share=0.1, duplicate_share=0.1)
    first = generate_records(contract, spec, "pt_BR")
    assert first == generate_records(contract, spec, "pt_BR")
    assert first != generate_records(contract, dataclasses.replace(spec, seed=8), "pt_BR")
    keys = [tuple(r[k] for k in contract.primary_key) for r in first[: spec.rows]]
    complete = [key for key in keys if None not in key and BAD_TEXT not in key]
    assert len(set(complete)) == len(complete) > spec.rows * 0.8
    assert len(first) > spec.rows  # later versions of some records
    cards = [c.name for c in contract.columns if c.pii == "card"]
    for name in cards:
        assert all(luhn_valid(r[name]) for r in first if r[name])


ORDERING_VERSIONS = [
    ("timestamp", "2026-01-01T00:00:00", "2026-01-02T00:00:00"),
    ("date", "2026-01-01", "2026-01-02"),
    ("int", "7", "12"),
    ("bigint", "7000000000", "7000000001"),
]


def ordered_contract(path, ordering_type: str) -> Contract:
    columns = (
        Column("id", "string", True, "", None, None, None, None),
        Column("version", ordering_type, True, "", None, None, None, None),
        Column("amount", "decimal(38,30)", True, "", None, None, None, None),
    )
    source = Source(type="files", format="json")
    return Contract(
        path,
        "id",
        "t",
        "test",
        "1.0.0",
        "",
        columns,
        ("id",),
        source,
        None,
        ordering_column="version",
    )


@pytest.mark.domain_independent
@pytest.mark.parametrize(("ordering_type", "older", "newer"), ORDERING_VERSIONS)
def test_every_ordering_type_keeps_the_newest_version(spark, tmp_path, ordering_type, older, newer):
    contract = ordered_contract(tmp_path, ordering_type)
    schema = "id string, version string, amount string, _source string, _record_id string"
    schema += ", _rescued_data string, _corrupt_record string, _ingest_batch long"
    schema += ", _ingested_at timestamp"
    arrived = datetime(2026, 1, 1)
    rows = [
        ("a", newer, "2.0", "s", "r1", None, None, 0, arrived),
        ("a", older, "1.0", "s", "r2", None, None, 0, arrived),  # arrives later, is older
    ]
    checked, _ = silver.check(spark.createDataFrame(rows, schema), contract)
    ranked = silver.ranked_per_key(silver.typed_rows(checked, contract), contract)
    newest = ranked.where("_rank = 1").first()
    assert str(newest["version"]).startswith(newer[:10]) and float(newest["amount"]) == 2.0
    storage = LocalStorage(spark, Runtime("local", root=tmp_path))
    typed = silver.typed_rows(checked, contract).drop("_rank")
    for version in (newer, older):
        storage.merge(
            "silver",
            "t",
            typed.where(F.col("version") == F.lit(version).cast(ordering_type)),
            ["id"],
            newer="version",
        )
    assert str(storage.read("silver", "t").first()["version"]).startswith(newer[:10])


@pytest.mark.parametrize(("ordering_type", "older", "newer"), ORDERING_VERSIONS)
def test_synthetic_updates_are_newer_for_every_ordering_type(tmp_path, ordering_type, older, newer):
    contract = ordered_contract(tmp_path, ordering_type)
    spec = SyntheticSpec(rows=200, bad_share=0, duplicate_share=0.2)
    records = generate_records(contract, spec, "en_US")
    originals = {r["id"]: r["version"] for r in records[: spec.rows]}
    updates = records[spec.rows :]
    assert updates
    as_value = {"int": int, "bigint": int}.get(ordering_type, str)
    for update in updates:
        assert as_value(update["version"]) > as_value(originals[update["id"]])


@pytest.mark.domain_independent
def test_synthetic_values_fit_every_type(spark, tmp_path):
    """Every value is castable to its column's type: any decimal precision and scale, keys of
    every type a key may have."""
    types = ["decimal(38,30)", "decimal(3,3)", "decimal(5,0)", "int", "bigint", "double"]
    types += ["boolean", "date", "timestamp", "string"]
    columns = [Column(f"c{i}", t, True, "", None, None, None, None) for i, t in enumerate(types)]
    key = Column("k", "decimal(4,0)", True, "", None, None, None, None)
    stamp = Column("at", "timestamp", True, "", None, None, None, None)
    contract = Contract(
        tmp_path,
        "id",
        "t",
        "test",
        "1.0.0",
        "",
        (key, stamp, *columns),
        ("k",),
        Source(type="files", format="json"),
        None,
        ordering_column="at",
    )
    records = generate_records(contract, SyntheticSpec(rows=300, bad_share=0), "en_US")
    text = spark.createDataFrame(
        [[r[c] for c in contract.column_names] for r in records],
        ", ".join(f"`{c}` string" for c in contract.column_names),
    )
    for column in contract.columns:
        cast = F.expr(f"try_cast(`{column.name}` AS {column.type})")
        assert text.where(cast.isNull()).count() == 0, column
