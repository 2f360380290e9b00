"""Governance from the contracts: column masks, row filters, tags and comments as SQL.

Terraform has no resource for SQL functions or column masks, so the engine writes them: one
mask function per (strategy, column type) in ``<catalog>.governance``, clear only for members
of the PII readers group, ``SET MASK`` on every masked column of silver, its quarantine table
(as text) and gold columns named like a masked column, an optional row filter, and tags and
comments. Every statement is idempotent, and columns without a rule get ``DROP MASK`` /
``UNSET TAGS`` so Unity Catalog follows the contract when a rule is removed.

The same function bodies run in local Spark as temporary functions, with
``is_account_group_member`` stubbed per persona: ``persona_view`` is how the local run and
the tests prove what each persona sees.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pyspark.sql import DataFrame, SparkSession

from . import domain, naming
from .contract import Contract

GOVERNANCE_SCHEMA = "governance"
# Lineage columns of the quarantine table that may hold raw PII text.
RAW_TEXT_COLUMNS = ("_rescued_data", "_corrupt_record")
REDACTED = "'***REDACTED***'"


@dataclass(frozen=True)
class Groups:
    engineers: str
    analysts: str
    pii_readers: str


DOMAIN_GROUPS = Groups(domain.ENGINEERS_GROUP, domain.ANALYSTS_GROUP, domain.PII_READERS_GROUP)


def masked_expression(strategy: str, column_type: str) -> str:
    """The masked branch of a mask function over its parameter ``value`` (null-safe, and of
    the same type as the column)."""
    kind = column_type.split("(")[0]
    if strategy == "null":
        return f"CAST(NULL AS {column_type.upper()})"
    if strategy == "year_only":
        if kind == "date":
            return "make_date(year(value), 1, 1)"
        # Quarantined text of a date column: keep a leading year, drop the rest.
        return "CASE WHEN value RLIKE '^[0-9]{4}' THEN concat(substr(value, 1, 4), '-01-01') END"
    if kind != "string":
        raise ValueError(f"strategy {strategy} cannot mask a {column_type} column")
    return {
        "hash_sha256": "sha2(value, 256)",
        "email_partial": "regexp_replace(value, '^(.)[^@]*(@.*)$', '$1***$2')",
        "last4": "concat(repeat('*', greatest(length(value) - 4, 0)), right(value, 4))",
        "char_mask": "mask(value)",
        "redact": f"CASE WHEN value IS NOT NULL THEN {REDACTED} END",
    }[strategy]


def mask_function_name(strategy: str, column_type: str) -> str:
    suffix = column_type.lower().replace("(", "_").replace(",", "_").replace(")", "")
    return f"mask_{strategy}_{suffix.replace(' ', '')}"


def mask_body(strategy: str, column_type: str, groups: Groups) -> str:
    clear = f"is_account_group_member('{groups.pii_readers}')"
    return f"CASE WHEN {clear} THEN value ELSE {masked_expression(strategy, column_type)} END"


def mask_function_sql(catalog: str, strategy: str, column_type: str, groups: Groups) -> str:
    name = f"{catalog}.{GOVERNANCE_SCHEMA}.{mask_function_name(strategy, column_type)}"
    sql_type = column_type.upper()
    return (
        f"CREATE OR REPLACE FUNCTION {name}(value {sql_type})\n"
        f"  RETURNS {sql_type}\n"
        f"  COMMENT 'Column mask ({strategy}); clear only for members of {groups.pii_readers}'\n"
        f"  RETURN {mask_body(strategy, column_type, groups)};"
    )


def row_filter_function_name(contract: Contract) -> str:
    return f"row_filter_{contract.name}"


def row_filter_body(contract: Contract, groups: Groups) -> str:
    """Engineers and PII readers (which include the pipeline) see every row; each listed
    group sees the rows whose filter column holds one of its values."""
    conditions = [
        f"is_account_group_member('{groups.engineers}')",
        f"is_account_group_member('{groups.pii_readers}')",
    ]
    for group, values in sorted(contract.row_filter.allowed_values.items()):
        allowed = ", ".join(f"'{value}'" for value in values)
        conditions.append(f"(is_account_group_member('{group}') AND value IN ({allowed}))")
    return " OR ".join(conditions)


def _quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def silver_masks(contract: Contract) -> dict[str, tuple[str, str]]:
    """(strategy, type) of every masked column of the silver table."""
    return {name: (s, contract.column(name).type) for name, s in contract.masked_columns.items()}


@dataclass(frozen=True)
class ProtectedTable:
    """A table and the strategy (and type) of each of its columns that must be masked."""

    name: str
    masks: dict[str, tuple[str, str]]
    unmasked: list[str]
    row_filter_column: str | None


def protected_tables(
    contract: Contract, catalog: str, gold_table: str | None, gold_columns: list[str]
) -> list[ProtectedTable]:
    strategies = contract.masked_columns
    masks = silver_masks(contract)
    filter_column = contract.row_filter.column if contract.row_filter else None
    tables = [
        ProtectedTable(
            f"{catalog}.silver.{contract.name}",
            masks,
            [c for c in contract.column_names if c not in strategies],
            filter_column,
        )
    ]
    quarantine = {name: (strategies[name], "string") for name in strategies}
    if strategies:
        quarantine.update({name: ("redact", "string") for name in RAW_TEXT_COLUMNS})
    tables.append(
        ProtectedTable(
            f"{catalog}.silver.{naming.quarantine_table(contract.name)}",
            quarantine,
            [c for c in [*contract.column_names, *RAW_TEXT_COLUMNS] if c not in quarantine],
            filter_column,
        )
    )
    if gold_table:
        gold_masks = {name: masks[name] for name in gold_columns if name in masks}
        tables.append(
            ProtectedTable(
                f"{catalog}.gold.{gold_table}",
                gold_masks,
                [c for c in gold_columns if c not in gold_masks],
                filter_column if filter_column in gold_columns else None,
            )
        )
    return tables


def governance_statements(
    contract: Contract,
    catalog: str,
    groups: Groups,
    gold_table: str | None = None,
    gold_columns: list[str] | None = None,
    exists: Callable[[str], bool] | None = None,
) -> list[str]:
    """Every statement that makes Unity Catalog follow one contract, in execution order.

    ``exists`` (Databricks) leaves out the tables not created yet (a new dataset before its
    first run); the next governance run covers them."""
    tables = protected_tables(contract, catalog, gold_table, gold_columns or [])
    functions = sorted({mask for table in tables for mask in table.masks.values()})
    statements = [mask_function_sql(catalog, *mask, groups) for mask in functions]
    if contract.row_filter:
        name = f"{catalog}.{GOVERNANCE_SCHEMA}.{row_filter_function_name(contract)}"
        statements.append(
            f"CREATE OR REPLACE FUNCTION {name}(value STRING)\n"
            "  RETURNS BOOLEAN\n"
            f"  COMMENT 'Row filter of {contract.name} on {contract.row_filter.column}'\n"
            f"  RETURN {row_filter_body(contract, groups)};"
        )
    pii = {c.name: c.pii for c in contract.columns if c.pii}
    descriptions = {c.name: c.description for c in contract.columns if c.description}
    classification = (
        "restricted" if pii else ("confidential" if contract.masked_columns else "internal")
    )
    for table in tables:
        if exists is not None and not exists(table.name):
            continue
        statements.append(
            f"ALTER TABLE {table.name} SET TAGS ('domain' = {_quote(contract.domain)}, "
            f"'classification' = {_quote(classification)});"
        )
        if table.name.endswith(f".silver.{contract.name}") and contract.description:
            statements.append(f"COMMENT ON TABLE {table.name} IS {_quote(contract.description)};")
        for column, (strategy, column_type) in sorted(table.masks.items()):
            function = f"{catalog}.{GOVERNANCE_SCHEMA}.{mask_function_name(strategy, column_type)}"
            statements.append(
                f"ALTER TABLE {table.name} ALTER COLUMN {column} SET MASK {function};"
            )
        for column in table.unmasked:
            statements.append(f"ALTER TABLE {table.name} ALTER COLUMN {column} DROP MASK;")
        for column in [*table.masks, *table.unmasked]:
            if column in pii:
                statements.append(
                    f"ALTER TABLE {table.name} ALTER COLUMN {column} "
                    f"SET TAGS ('pii' = {_quote(pii[column])});"
                )
            elif not column.startswith("_"):
                statements.append(
                    f"ALTER TABLE {table.name} ALTER COLUMN {column} UNSET TAGS ('pii');"
                )
            if column in descriptions and table.name.endswith(f".silver.{contract.name}"):
                statements.append(
                    f"ALTER TABLE {table.name} ALTER COLUMN {column} "
                    f"COMMENT {_quote(descriptions[column])};"
                )
        if table.row_filter_column:
            function = f"{catalog}.{GOVERNANCE_SCHEMA}.{row_filter_function_name(contract)}"
            on = table.row_filter_column
            statements.append(f"ALTER TABLE {table.name} SET ROW FILTER {function} ON ({on});")
        else:
            statements.append(f"ALTER TABLE {table.name} DROP ROW FILTER;")
    return statements


def persona_view(
    spark: SparkSession,
    frame: DataFrame,
    contract: Contract,
    groups: Groups,
    member_of: tuple[str, ...],
    masks: dict[str, tuple[str, str]],
) -> DataFrame:
    """What a member of ``member_of`` sees of ``frame`` once the masks and the row filter
    apply: the same function bodies as in Unity Catalog, run as temporary functions with
    ``is_account_group_member`` answering for this persona."""
    membership = ", ".join(_quote(group) for group in member_of) or "NULL"
    spark.sql(
        "CREATE OR REPLACE TEMPORARY FUNCTION is_account_group_member(g STRING) "
        f"RETURNS BOOLEAN RETURN coalesce(g IN ({membership}), false)"
    )
    for strategy, column_type in set(masks.values()):
        sql_type = column_type.upper()
        spark.sql(
            f"CREATE OR REPLACE TEMPORARY FUNCTION {mask_function_name(strategy, column_type)}"
            f"(value {sql_type}) RETURNS {sql_type} "
            f"RETURN {mask_body(strategy, column_type, groups)}"
        )
    view = f"governed_{contract.name}"
    frame.createOrReplaceTempView(view)
    columns = [
        f"{mask_function_name(*masks[c])}(`{c}`) AS `{c}`" if c in masks else f"`{c}`"
        for c in frame.columns
    ]
    query = f"SELECT {', '.join(columns)} FROM {view}"
    if contract.row_filter and contract.row_filter.column in frame.columns:
        spark.sql(
            f"CREATE OR REPLACE TEMPORARY FUNCTION {row_filter_function_name(contract)}"
            f"(value STRING) RETURNS BOOLEAN RETURN {row_filter_body(contract, groups)}"
        )
        query += f" WHERE {row_filter_function_name(contract)}(`{contract.row_filter.column}`)"
    return spark.sql(query)


def gold_columns(spark: SparkSession, contract: Contract) -> tuple[str | None, list[str]]:
    """The gold table of a contract and its columns, from its transform applied to an empty
    silver table (no data needed)."""
    from .gold import transform_for
    from .silver import LINEAGE

    transform = transform_for(contract)
    if transform is None:
        return None, []
    schema = ", ".join(
        [f"`{c.name}` {c.type}" for c in contract.columns]
        + [f"`{name}` {'timestamp' if name == '_ingested_at' else 'string'}" for name in LINEAGE]
    ).replace("`_ingest_batch` string", "`_ingest_batch` bigint")
    empty = spark.createDataFrame([], schema)
    return transform.table, transform.module.build(empty).columns


@dataclass(frozen=True)
class Comparison:
    """One record as an analyst and as a PII reader see it, and how many rows each sees."""

    columns: list[str]
    analyst: dict
    pii_reader: dict
    analyst_rows: int
    pii_reader_rows: int


def analyst_vs_pii_reader(
    spark: SparkSession, silver: DataFrame, contract: Contract
) -> Comparison | None:
    """The first record the analyst may see, as each persona sees it (None when the analyst
    sees no row)."""
    masks = silver_masks(contract)
    groups = DOMAIN_GROUPS
    ordered = silver.orderBy(*contract.primary_key)
    analyst = persona_view(spark, ordered, contract, groups, (groups.analysts,), masks)
    analyst_rows = analyst.count()
    first = analyst.first()
    reader = persona_view(spark, ordered, contract, groups, (groups.pii_readers,), masks)
    reader_rows = reader.count()
    if first is None:
        return None
    key = {k: first[k] for k in contract.primary_key}
    clear = next(r for r in reader.collect() if all(r[k] == v for k, v in key.items()))
    shown = [*contract.primary_key, *masks]
    if contract.row_filter:
        shown.append(contract.row_filter.column)
    return Comparison(
        shown,
        {c: first[c] for c in shown},
        {c: clear[c] for c in shown},
        analyst_rows,
        reader_rows,
    )
