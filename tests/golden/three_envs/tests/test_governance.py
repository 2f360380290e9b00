"""Governance from the contract, proven per persona in local Spark.

The mask and row-filter functions are the exact bodies written to Unity Catalog, run as
temporary functions with ``is_account_group_member`` stubbed for each persona.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from decimal import Decimal

import pytest

from lakehouse_domain import dataset_rules, naming
from lakehouse_domain.contract import Column, Contract, RowFilter, Source
from lakehouse_domain.governance import (
    DOMAIN_GROUPS,
    analyst_vs_pii_reader,
    governance_statements,
    mask_function_name,
    persona_view,
    silver_masks,
)
from lakehouse_domain.sql import spark_identifier as q
from lakehouse_domain.sql import spark_name

ANALYST = (DOMAIN_GROUPS.analysts,)
PII_READER = (DOMAIN_GROUPS.pii_readers,)
ENGINEER = (DOMAIN_GROUPS.engineers,)
OUTSIDER = ("someone-else",)
SAMPLES = {
    "string": "Maria.Silva@example.com",
    "int": 42,
    "bigint": 4_000_000_000,
    "double": 2.5,
    "decimal(18,2)": Decimal("1234.56"),
    "boolean": True,
    "date": date(1980, 5, 17),
    "timestamp": None,  # covered by the null case below
}


def strategy_cases():
    for strategy, fits in dataset_rules.STRATEGY_TYPES.items():
        for column_type in fits or (
            "string",
            "int",
            "bigint",
            "double",
            "decimal(18,2)",
            "boolean",
            "date",
        ):
            yield strategy, column_type


def changes_under_mask(strategy: str, value) -> bool:
    """Whether a strategy must change this value (the last 4 characters of a 4-character
    text, or mask() of text that is only 'X', 'x' and 'n', are the text itself)."""
    if strategy == "last4":
        return len(value) > 4
    if strategy == "char_mask":
        return any(char.isalnum() and char not in "Xxn" for char in value)
    return True


def one_column_contract(tmp_path, column_type, strategy):
    column = Column("c", column_type, False, "", None, strategy, None, None)
    key = Column("k", "string", True, "", None, None, None, None)
    return Contract(
        tmp_path,
        "id",
        "t",
        "test",
        "1.0.0",
        "",
        (key, column),
        ("k",),
        Source(type="files", format="csv"),
        None,
        ordering_column="k",
    )


@pytest.mark.domain_independent
@pytest.mark.parametrize(("strategy", "column_type"), list(strategy_cases()))
def test_every_strategy_masks_for_analysts_only_and_keeps_nulls(
    spark, tmp_path, strategy, column_type
):
    contract = one_column_contract(tmp_path, column_type, strategy)
    value = SAMPLES[column_type]
    frame = spark.createDataFrame([("a", value), ("b", None)], f"k string, c {column_type}")
    masks = silver_masks(contract)
    clear = persona_view(spark, frame, contract, DOMAIN_GROUPS, PII_READER, masks)
    masked = persona_view(spark, frame, contract, DOMAIN_GROUPS, ANALYST, masks)
    assert clear.schema == frame.schema == masked.schema  # same type as the column
    rows = {r["k"]: r["c"] for r in clear.collect()}
    assert rows == {"a": value, "b": None}
    masked_rows = {r["k"]: r["c"] for r in masked.collect()}
    assert masked_rows["b"] is None
    assert masked_rows["a"] != value
    if strategy == "email_partial":
        assert masked_rows["a"] == "M***@example.com"
    if strategy == "last4":
        assert masked_rows["a"].endswith(value[-4:]) and set(masked_rows["a"][:-4]) == {"*"}
    if strategy == "year_only":
        assert masked_rows["a"] == date(1980, 1, 1)
    if strategy == "hash_sha256":
        assert re.fullmatch(r"[0-9a-f]{64}", masked_rows["a"])
    if strategy == "null":
        assert masked_rows["a"] is None


def test_quarantine_text_is_masked_with_the_same_strategies(contract):
    statements = governance_statements(contract, "c", DOMAIN_GROUPS)
    quarantine = spark_name("c", "silver", naming.quarantine_table(contract.name))
    for column, strategy in contract.masked_columns.items():
        function = spark_name("c", "governance", mask_function_name(strategy, "string"))
        assert (
            f"ALTER TABLE {quarantine} ALTER COLUMN {q(column)} SET MASK {function};" in statements
        )
    if not contract.masked_columns:
        return  # no PII (every PII column is masked), so nothing to redact in the raw text
    redact = spark_name("c", "governance", "mask_redact_string")
    for raw in ("_rescued_data", "_corrupt_record"):
        assert f"ALTER TABLE {quarantine} ALTER COLUMN {q(raw)} SET MASK {redact};" in statements


def test_each_masked_column_has_exactly_one_mask_per_table(contract):
    statements = governance_statements(contract, "c", DOMAIN_GROUPS, "g", ["email", "n"])
    tables = [
        spark_name("c", "silver", contract.name),
        spark_name("c", "silver", naming.quarantine_table(contract.name)),
    ]
    for column in contract.masked_columns:
        for table in tables:
            sets = [
                s
                for s in statements
                if s.startswith(f"ALTER TABLE {table} ALTER COLUMN {q(column)} SET MASK")
            ]
            drops = [
                s
                for s in statements
                if s == f"ALTER TABLE {table} ALTER COLUMN {q(column)} DROP MASK;"
            ]
            assert len(sets) == 1 and not drops, (table, column)
    gold = spark_name("c", "gold", "g")
    if "email" in contract.masked_columns:
        assert any(
            s.startswith(f"ALTER TABLE {gold} ALTER COLUMN `email` SET MASK") for s in statements
        )
    assert f"ALTER TABLE {gold} ALTER COLUMN `n` DROP MASK;" in statements


def test_removing_a_rule_drops_its_mask_and_statements_are_stable(contract):
    if not contract.masked_columns:
        pytest.skip(f"{contract.name} masks no column")
    column = next(iter(contract.masked_columns))
    assert governance_statements(contract, "c", DOMAIN_GROUPS) == governance_statements(
        contract, "c", DOMAIN_GROUPS
    )
    unmasked = dataclasses.replace(
        contract,
        columns=tuple(
            dataclasses.replace(c, masking=None, pii=None) if c.name == column else c
            for c in contract.columns
        ),
    )
    statements = governance_statements(unmasked, "c", DOMAIN_GROUPS)
    table = spark_name("c", "silver", contract.name)
    assert f"ALTER TABLE {table} ALTER COLUMN {q(column)} DROP MASK;" in statements
    assert f"ALTER TABLE {table} ALTER COLUMN {q(column)} UNSET TAGS ('pii');" in statements
    assert not any(
        s.startswith(f"ALTER TABLE {table} ALTER COLUMN {q(column)} SET MASK") for s in statements
    )


def test_pii_columns_are_tagged_with_their_kind(contract):
    statements = governance_statements(contract, "c", DOMAIN_GROUPS)
    for column in contract.columns:
        if column.pii:
            assert (
                f"ALTER TABLE {spark_name('c', 'silver', contract.name)} "
                f"ALTER COLUMN {q(column.name)} SET TAGS ('pii' = '{column.pii}');"
            ) in statements


@pytest.mark.domain_independent
def test_row_filter_hides_the_rows_it_should(spark, tmp_path):
    contract = dataclasses.replace(
        one_column_contract(tmp_path, "string", "redact"),
        row_filter=RowFilter("c", {DOMAIN_GROUPS.analysts: ("BR",), "partners": ("AR", "PT")}),
    )
    frame = spark.createDataFrame(
        [("1", "BR"), ("2", "AR"), ("3", "US"), ("4", None)], "k string, c string"
    )

    def visible(member_of):
        view = persona_view(spark, frame, contract, DOMAIN_GROUPS, member_of, {})
        return sorted(r["k"] for r in view.collect())

    assert visible(ANALYST) == ["1"]
    assert visible(("partners",)) == ["2"]
    assert visible(ENGINEER) == visible(PII_READER) == ["1", "2", "3", "4"]
    assert visible(OUTSIDER) == []
    statements = governance_statements(contract, "cat", DOMAIN_GROUPS)
    assert (
        "ALTER TABLE `cat`.`silver`.`t` SET ROW FILTER `cat`.`governance`.`row_filter_t` ON (`c`);"
        in statements
    )


def test_local_run_protects_every_masked_column_and_gold_holds_no_pii(local_run, contract):
    run = local_run({"type": "files", "format": "csv"})
    assert run("--synthetic", "300") == 0
    from lakehouse_domain.runtime import Runtime
    from lakehouse_domain.spark_session import get_spark
    from lakehouse_domain.storage import LocalStorage

    spark = get_spark(local=True)
    storage = LocalStorage(spark, Runtime("local", root=run.root))
    silver = storage.read("silver", contract.name)
    comparison = analyst_vs_pii_reader(spark, silver, contract)
    if contract.row_filter is None or comparison is not None:
        assert comparison is not None
        for column, strategy in contract.masked_columns.items():
            clear, masked = comparison.pii_reader[column], comparison.analyst[column]
            if clear is None:
                assert masked is None, column
            elif strategy == "year_only":
                assert masked == date(clear.year, 1, 1), column
            elif changes_under_mask(strategy, clear):
                assert masked != clear, column
        assert comparison.pii_reader_rows == silver.count()
        assert comparison.analyst_rows <= comparison.pii_reader_rows
    # Gold must not hold PII: text values of masked text columns must not appear in any gold
    # column. Only text is compared (a date or number in gold can equal a PII value by
    # chance), and only values long enough to identify someone.
    text_masked = [c for c in contract.masked_columns if contract.column(c).type == "string"]
    pii_values = {
        row[c] for row in silver.collect() for c in text_masked if row[c] and len(row[c]) >= 6
    }
    gold_dir = run.root / "gold"
    for table in gold_dir.iterdir() if gold_dir.exists() else []:
        gold = run.table("gold", table.name).to_pyarrow_table()
        for name in gold.column_names:
            if name not in contract.masked_columns:
                values = {v for v in gold.column(name).to_pylist() if isinstance(v, str)}
                assert not pii_values & values, (table.name, name)
