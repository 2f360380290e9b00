"""Governance from the contracts: column masks, row filters, tags and comments as SQL.

Terraform has no resource for SQL functions or column masks, so the engine writes them: one
mask function per (strategy, column type) in ``<catalog>.governance``, clear only for members
of the PII readers group, ``SET MASK`` on every masked column of silver, its quarantine table
(as text) and gold columns named like a masked column, an optional row filter, and tags and
comments. Every statement is idempotent, and columns without a rule get ``DROP MASK`` /
``UNSET TAGS`` (and an empty comment) so Unity Catalog follows the contract when a rule is
removed: the statements of the new contract alone set the state, whatever the old one set.

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
from .dataset_rules import classification, type_family
from .sql import spark_identifier, spark_name, spark_string, spark_type

GOVERNANCE_SCHEMA = "governance"
# Lineage columns of the quarantine table that may hold raw PII text.
RAW_TEXT_COLUMNS = ("_rescued_data", "_corrupt_record")
REDACTED = spark_string("***REDACTED***")
# The masked branch of each strategy for a string column, over the parameter ``value``.
STRING_MASKS = {
    "hash_sha256": "sha2(value, 256)",
    "email_partial": (
        f"regexp_replace(value, {spark_string('^(.)[^@]*(@.*)$')}, {spark_string('$1***$2')})"
    ),
    "last4": (
        f"concat(repeat({spark_string('*')}, greatest(length(value) - 4, 0)), right(value, 4))"
    ),
    "char_mask": "mask(value)",
    "redact": f"CASE WHEN value IS NOT NULL THEN {REDACTED} END",
}


@dataclass(frozen=True)
class Groups:
    engineers: str
    analysts: str
    pii_readers: str


DOMAIN_GROUPS = Groups(domain.ENGINEERS_GROUP, domain.ANALYSTS_GROUP, domain.PII_READERS_GROUP)


def masked_expression(strategy: str, column_type: str) -> str:
    """The masked branch of a mask function over its parameter ``value`` (null-safe, and of
    the same type as the column)."""
    sql_type = spark_type(column_type)
    kind = type_family(column_type)
    if strategy == "null":
        return f"CAST(NULL AS {sql_type})"
    if strategy == "year_only":
        if kind == "date":
            return "make_date(year(value), 1, 1)"
        # Quarantined text of a date column: keep a leading year, drop the rest.
        year, rest = spark_string("^[0-9]{4}"), spark_string("-01-01")
        return f"CASE WHEN value RLIKE {year} THEN concat(substr(value, 1, 4), {rest}) END"
    if strategy not in STRING_MASKS:
        raise ValueError(f"{strategy!r} is not a masking strategy")
    if kind != "string":
        raise ValueError(f"strategy {strategy} cannot mask a {column_type} column")
    return STRING_MASKS[strategy]


def mask_function_name(strategy: str, column_type: str) -> str:
    suffix = column_type.lower().replace("(", "_").replace(",", "_").replace(")", "")
    return f"mask_{strategy}_{suffix.replace(' ', '')}"


def group_member(group: str) -> str:
    """True for members of the account group ``group`` (Unity Catalog built-in)."""
    return f"is_account_group_member({spark_string(group)})"


def mask_body(strategy: str, column_type: str, groups: Groups) -> str:
    clear = group_member(groups.pii_readers)
    return f"CASE WHEN {clear} THEN value ELSE {masked_expression(strategy, column_type)} END"


def governance_function(catalog: str, name: str) -> str:
    return spark_name(catalog, GOVERNANCE_SCHEMA, name)


def mask_function_sql(catalog: str, strategy: str, column_type: str, groups: Groups) -> str:
    name = governance_function(catalog, mask_function_name(strategy, column_type))
    sql_type = spark_type(column_type)
    comment = f"Column mask ({strategy}); clear only for members of {groups.pii_readers}"
    return (
        f"CREATE OR REPLACE FUNCTION {name}(value {sql_type})\n"
        f"  RETURNS {sql_type}\n"
        f"  COMMENT {spark_string(comment)}\n"
        f"  RETURN {mask_body(strategy, column_type, groups)};"
    )


def row_filter_function_name(contract: Contract) -> str:
    return f"row_filter_{contract.name}"


def row_filter_body(contract: Contract, groups: Groups) -> str:
    """Engineers and PII readers (which include the pipeline) see every row; each listed
    group sees the rows whose filter column holds one of its values."""
    conditions = [group_member(groups.engineers), group_member(groups.pii_readers)]
    for group, values in sorted(contract.row_filter.allowed_values.items()):
        if not values:
            raise ValueError(f"row filter of {contract.name}: group {group!r} has no values")
        allowed = ", ".join(spark_string(value) for value in values)
        conditions.append(f"({group_member(group)} AND value IN ({allowed}))")
    return " OR ".join(conditions)


def silver_masks(contract: Contract) -> dict[str, tuple[str, str]]:
    """(strategy, type) of every masked column of the silver table."""
    return {name: (s, contract.column(name).type) for name, s in contract.masked_columns.items()}


@dataclass(frozen=True)
class ProtectedTable:
    """A table (its catalog, schema and table name) and the strategy (and type) of each of its
    columns that must be masked; ``described`` tables also get the contract's comments."""

    parts: tuple[str, str, str]
    masks: dict[str, tuple[str, str]]
    unmasked: list[str]
    row_filter_column: str | None
    described: bool = False

    @property
    def name(self) -> str:
        """The quoted three-level name for SQL."""
        return spark_name(*self.parts)

    @property
    def full_name(self) -> str:
        """The plain three-level name for the REST API."""
        return naming.qualified_name(*self.parts)


def protected_tables(
    contract: Contract, catalog: str, gold_table: str | None, gold_columns: list[str]
) -> list[ProtectedTable]:
    strategies = contract.masked_columns
    masks = silver_masks(contract)
    filter_column = contract.row_filter.column if contract.row_filter else None
    tables = [
        ProtectedTable(
            (catalog, "silver", contract.name),
            masks,
            [c for c in contract.column_names if c not in strategies],
            filter_column,
            described=True,
        )
    ]
    quarantine = {name: (strategies[name], "string") for name in strategies}
    if strategies:
        quarantine.update({name: ("redact", "string") for name in RAW_TEXT_COLUMNS})
    tables.append(
        ProtectedTable(
            (catalog, "silver", naming.quarantine_table(contract.name)),
            quarantine,
            [c for c in [*contract.column_names, *RAW_TEXT_COLUMNS] if c not in quarantine],
            filter_column,
        )
    )
    if gold_table:
        gold_masks = {name: masks[name] for name in gold_columns if name in masks}
        tables.append(
            ProtectedTable(
                (catalog, "gold", gold_table),
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
    row_filter = governance_function(catalog, row_filter_function_name(contract))
    if contract.row_filter:
        comment = f"Row filter of {contract.name} on {contract.row_filter.column}"
        statements.append(
            f"CREATE OR REPLACE FUNCTION {row_filter}(value STRING)\n"
            "  RETURNS BOOLEAN\n"
            f"  COMMENT {spark_string(comment)}\n"
            f"  RETURN {row_filter_body(contract, groups)};"
        )
    pii = {c.name: c.pii for c in contract.columns if c.pii}
    descriptions = {c.name: c.description for c in contract.columns if c.description}
    tags = {
        "domain": contract.domain,
        "classification": classification(bool(pii), bool(contract.masked_columns)),
    }
    table_tags = ", ".join(f"{spark_string(k)} = {spark_string(v)}" for k, v in tags.items())
    for table in tables:
        if exists is not None and not exists(table.name):
            continue
        statements.append(f"ALTER TABLE {table.name} SET TAGS ({table_tags});")
        if table.described and contract.description:
            statements.append(
                f"COMMENT ON TABLE {table.name} IS {spark_string(contract.description)};"
            )
        for column, (strategy, column_type) in sorted(table.masks.items()):
            function = governance_function(catalog, mask_function_name(strategy, column_type))
            statements.append(
                f"ALTER TABLE {table.name} ALTER COLUMN {spark_identifier(column)} "
                f"SET MASK {function};"
            )
        for column in table.unmasked:
            statements.append(
                f"ALTER TABLE {table.name} ALTER COLUMN {spark_identifier(column)} DROP MASK;"
            )
        for column in [*table.masks, *table.unmasked]:
            alter_column = f"ALTER TABLE {table.name} ALTER COLUMN {spark_identifier(column)}"
            if column in pii:
                pii_tag = f"{spark_string('pii')} = {spark_string(pii[column])}"
                statements.append(f"{alter_column} SET TAGS ({pii_tag});")
            elif not column.startswith("_"):
                statements.append(f"{alter_column} UNSET TAGS ({spark_string('pii')});")
            if column in descriptions and table.described:
                statements.append(f"{alter_column} COMMENT {spark_string(descriptions[column])};")
            elif table.described:  # a description the contract dropped does not linger
                statements.append(f"{alter_column} COMMENT '';")
        if table.row_filter_column:
            on = spark_identifier(table.row_filter_column)
            statements.append(f"ALTER TABLE {table.name} SET ROW FILTER {row_filter} ON ({on});")
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
    membership = ", ".join(spark_string(group) for group in member_of) or "NULL"
    spark.sql(
        "CREATE OR REPLACE TEMPORARY FUNCTION is_account_group_member(g STRING) "
        f"RETURNS BOOLEAN RETURN coalesce(g IN ({membership}), false)"
    )
    for strategy, column_type in set(masks.values()):
        sql_type = spark_type(column_type)
        function = spark_identifier(mask_function_name(strategy, column_type))
        spark.sql(
            f"CREATE OR REPLACE TEMPORARY FUNCTION {function}(value {sql_type}) "
            f"RETURNS {sql_type} RETURN {mask_body(strategy, column_type, groups)}"
        )
    view = spark_identifier(f"governed_{contract.name}")
    frame.createOrReplaceTempView(view)  # parsed as an identifier: quoted
    columns = []
    for column in frame.columns:
        quoted = spark_identifier(column)
        if column in masks:
            function = spark_identifier(mask_function_name(*masks[column]))
            columns.append(f"{function}({quoted}) AS {quoted}")
        else:
            columns.append(quoted)
    query = f"SELECT {', '.join(columns)} FROM {view}"
    if contract.row_filter and contract.row_filter.column in frame.columns:
        row_filter = spark_identifier(row_filter_function_name(contract))
        spark.sql(
            f"CREATE OR REPLACE TEMPORARY FUNCTION {row_filter}(value STRING) "
            f"RETURNS BOOLEAN RETURN {row_filter_body(contract, groups)}"
        )
        query += f" WHERE {row_filter}({spark_identifier(contract.row_filter.column)})"
    return spark.sql(query)


def gold_columns(spark: SparkSession, contract: Contract) -> tuple[str | None, list[str]]:
    """The gold table of a contract and its columns, from its transform applied to an empty
    silver table (no data needed)."""
    from .gold import transform_for
    from .silver import LINEAGE

    transform = transform_for(contract)
    if transform is None:
        return None, []
    lineage_types = {"_ingested_at": "timestamp", "_ingest_batch": "bigint"}
    schema = ", ".join(
        [f"{spark_identifier(c.name)} {spark_type(c.type)}" for c in contract.columns]
        + [f"{spark_identifier(name)} {lineage_types.get(name, 'string')}" for name in LINEAGE]
    )
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
