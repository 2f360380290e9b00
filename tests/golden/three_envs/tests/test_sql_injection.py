"""Hostile text in every SQL-bound field is harmless: quoted, never code.

Generated hostile strings (``hostile_strings.py``: both quote kinds, backslashes, comment
markers, semicolons, control and line-separator characters, reserved words) go into every
field the engine writes into SQL. Three kinds of proof:

- the real engines read them back exactly (Spark for literals, identifiers and the row
  filter; delta-rs for MERGE predicates; PostgreSQL in ``test_local_postgres.py``);
- the generated statements tokenize (sqlglot, per dialect) into the same tokens as the
  statement built from plain placeholder values: the input only ever lands inside string
  literals and quoted identifiers, and adds no comment;
- a hostile row-filter value cannot make the filter show a row it should not.
"""

from __future__ import annotations

import csv
import dataclasses
import json
from datetime import date, datetime

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlglot.dialects import Dialect
from sqlglot.tokens import TokenType

from lakehouse_domain.contract import Column, Contract, RowFilter, Source
from lakehouse_domain.governance import Groups, governance_statements, persona_view
from lakehouse_domain.runtime import Runtime
from lakehouse_domain.sources.files import read_landed_files
from lakehouse_domain.sources.jdbc import increment_query, watermark_literal
from lakehouse_domain.sql import (
    UnquotableError,
    postgres_identifier,
    postgres_string,
    spark_identifier,
    spark_string,
    spark_type,
    sqlserver_identifier,
    sqlserver_string,
)
from lakehouse_domain.storage import (
    DELTA_RS_SQL,
    LocalStorage,
    merge_condition,
    merge_sql,
    update_condition,
)
from lakehouse_local.synthetic import SyntheticSpec, generate_records

from .hostile_strings import hostile_text, without_nul

# Tokens that carry input text; everything else must be the statement's own.
QUOTED = {
    TokenType.STRING,
    TokenType.NATIONAL_STRING,
    TokenType.BYTE_STRING,
    TokenType.IDENTIFIER,
}
FIELDS = (
    "catalog",
    "domain",
    "description",
    "key",
    "email",
    "region",
    "email_description",
    "pii_kind",
    "engineers",
    "analysts",
    "pii_readers",
    "partner_group",
    "value_1",
    "value_2",
    "gold_table",
    "gold_column",
)
NAMES = ("key", "email", "region", "gold_column")


def skeleton(sql: str, dialect: str) -> list[tuple[TokenType, str]]:
    """The statement's tokens, with the text of literals and quoted identifiers hidden."""
    tokens = Dialect.get_or_raise(dialect).tokenizer().tokenize(sql)
    assert not [t.comments for t in tokens if t.comments], sql
    return [(t.token_type, "" if t.token_type in QUOTED else t.text.upper()) for t in tokens]


def assert_same_shape(hostile: list[str], plain: list[str], dialect: str) -> None:
    assert len(hostile) == len(plain)
    for statement, reference in zip(hostile, plain, strict=True):
        assert skeleton(statement, dialect) == skeleton(reference, dialect), statement


def placeholders(fields) -> dict[str, str]:
    return {name: f"p{index}" for index, name in enumerate(fields)}


def contract_from(v: dict[str, str], row_filter: bool = True, name: str = "t") -> Contract:
    """A contract whose every SQL-bound text comes from ``v``."""
    columns = (
        Column(v["key"], "string", True, "", None, None, None, None),
        Column(
            v["email"],
            "string",
            False,
            v["email_description"],
            v["pii_kind"],
            "email_partial",
            None,
            None,
        ),
        Column(v["region"], "string", False, "", None, None, None, None),
    )
    return Contract(
        path=None,
        id="id",
        name=name,
        domain=v["domain"],
        version="1.0.0",
        description=v["description"],
        columns=columns,
        primary_key=(v["key"],),
        source=Source(type="files", format="csv"),
        freshness_hours=None,
        row_filter=RowFilter(v["region"], {v["partner_group"]: (v["value_1"], v["value_2"])})
        if row_filter
        else None,
        ordering_column=v["key"],
    )


def statements_from(v: dict[str, str], name: str = "t") -> list[str]:
    groups = Groups(v["engineers"], v["analysts"], v["pii_readers"])
    gold_columns = [v["email"], v["gold_column"], v["region"]]
    return governance_statements(
        contract_from(v, name=name), v["catalog"], groups, v["gold_table"], gold_columns
    )


def as_fields(values: list[str]) -> dict[str, str]:
    """Hostile values per field; column names never start with '_' (the engine's own columns,
    which get no PII tags)."""
    fields = dict(zip(FIELDS, values, strict=True))
    for name in NAMES:
        fields[name] = "x" + fields[name] if fields[name].startswith("_") else fields[name]
    return fields


distinct_fields = (
    st.lists(hostile_text(), min_size=len(FIELDS), max_size=len(FIELDS))
    .map(as_fields)
    .filter(lambda fields: len({fields[n] for n in NAMES}) == len(NAMES))
)


@pytest.mark.domain_independent
@given(distinct_fields)
@example(
    {
        **placeholders(FIELDS),
        "value_1": "AR\\",
        "value_2": ")) OR true --",
        "description": 'it\'s "quoted" \\ -- /* */ ;',
        "email": "e`mail",
    }
)
def test_governance_sql_keeps_hostile_text_inside_literals(fields):
    assert_same_shape(statements_from(fields), statements_from(placeholders(FIELDS)), "databricks")


@given(hostile_text())
def test_hostile_dataset_names_are_refused_or_quoted(name):
    """Dataset names also name the quarantine table, whose naming rule refuses most of them;
    whatever passes is quoted like any other name."""
    v = placeholders(FIELDS)
    try:
        statements = statements_from(v, name)
    except ValueError as error:
        assert "Unity Catalog identifier" in str(error)
        return
    assert_same_shape(statements, statements_from(v), "databricks")


@given(st.lists(hostile_text(), min_size=4, max_size=4, unique=True))
def test_merge_statements_keep_hostile_names_inside_identifiers(names):
    key, value, newer, table = names
    plain = ["k", "v", "n", "t"]

    def spark_merge(k, v, n, t):
        return merge_sql(("catalog", "silver", t), f"view_{t}", [k, v, n], [k], n, False, True)

    assert_same_shape([spark_merge(*names)], [spark_merge(*plain)], "databricks")

    def datafusion(k, v, n, _):
        return [
            merge_condition([k], DELTA_RS_SQL),
            update_condition([k, v, n], [k], n, DELTA_RS_SQL),
        ]

    if any("\x00" in name for name in names[:3]):
        with pytest.raises(UnquotableError, match="NUL"):
            datafusion(*names)
        return
    # DataFusion (sqlparser's generic dialect) quotes identifiers as ANSI does.
    assert_same_shape(datafusion(*names), datafusion(*plain), "")


WATERMARKS = {
    "int": 42,
    "bigint": 9_007_199_254_740_993,
    "date": date(2024, 2, 29),
    "timestamp": datetime(2024, 2, 29, 23, 59, 59, 123456),
}


@pytest.mark.domain_independent
@pytest.mark.parametrize("engine", ["postgresql", "sqlserver"])
@pytest.mark.parametrize("column_type", sorted(WATERMARKS))
@given(names=st.lists(without_nul(hostile_text()), min_size=3, max_size=3))
def test_jdbc_queries_keep_hostile_names_inside_identifiers(engine, column_type, names):
    def query(schema, table, column):
        contract = dataclasses.replace(
            contract_from(placeholders(FIELDS), row_filter=False),
            columns=(Column(column, column_type, True, "", None, None, None, None),),
            source=Source(
                type="jdbc", engine=engine, table=f"{schema}.{table}", incremental_column=column
            ),
        )
        return [increment_query(contract, None), increment_query(contract, WATERMARKS[column_type])]

    if any("." in name for name in names[:2]):
        return  # a dot separates schema and table: not a name a contract can hold
    dialect = "postgres" if engine == "postgresql" else "tsql"
    assert_same_shape(query(*names), query("s", "t", "c"), dialect)


def test_watermark_literals_are_explicit_per_engine_and_type():
    """SQL Server: ``datetime2(7)`` from ISO 8601 with a ``T`` converts whatever the session's
    DATEFORMAT or language, and holds Spark's microseconds (a 6-digit fraction cast to
    ``datetime`` fails). It is one millisecond lower than the watermark because mssql-jdbc
    reads a ``datetime``'s 1/300 s ticks rounded to the nearest millisecond, sometimes up, so
    ``>=`` on the value read misses rows stored at the true value (microsoft/mssql-jdbc#1843,
    "issue due to rounding of timestamps"). PostgreSQL keeps microseconds: an exact CAST."""
    moment = datetime(2024, 2, 29, 23, 59, 59, 123456)
    assert watermark_literal("sqlserver", "timestamp", moment) == (
        "CAST(N'2024-02-29T23:59:59.1224560' AS datetime2(7))"
    )
    assert watermark_literal("sqlserver", "timestamp", datetime(2024, 3, 1)) == (
        "CAST(N'2024-02-29T23:59:59.9990000' AS datetime2(7))"
    )
    assert watermark_literal("postgresql", "timestamp", moment) == (
        "CAST('2024-02-29 23:59:59.123456' AS timestamp)"
    )
    for engine, literal in (("sqlserver", "N'2024-02-29'"), ("postgresql", "'2024-02-29'")):
        assert watermark_literal(engine, "date", date(2024, 2, 29)) == f"CAST({literal} AS date)"
        assert watermark_literal(engine, "bigint", 2**53 + 1) == "9007199254740993"
        for column_type, value in (
            ("timestamp", "2024-02-29"),
            ("date", moment),
            ("int", True),
            ("int", "1 OR 1=1"),
            ("string", "x"),
        ):
            with pytest.raises(ValueError):
                watermark_literal(engine, column_type, value)


def test_quoting_refuses_what_a_dialect_cannot_hold():
    """Refused, never silently altered: NUL in PostgreSQL/SQL Server/DataFusion text, names
    PostgreSQL would truncate to another name (63 bytes), SQL Server names over 128
    characters, a backslash before a line break (T-SQL drops both), empty identifiers, and
    column types outside the contract's grammar."""
    for refused in (
        lambda: postgres_string("a\x00b"),
        lambda: postgres_identifier("x" * 64),
        lambda: postgres_identifier("é" * 32),
        lambda: sqlserver_identifier("x" * 129),
        lambda: sqlserver_string("a\\\nb"),
        lambda: sqlserver_string("a\\\r\nb"),
        lambda: spark_identifier(""),
        lambda: spark_type("string) RETURN true; --"),
        lambda: spark_type("decimal(39,2)"),
    ):
        with pytest.raises(UnquotableError):
            refused()
    assert postgres_identifier("x" * 63) == '"' + "x" * 63 + '"'
    assert postgres_string("a\\'b") == "E'a\\\\''b'"
    assert sqlserver_identifier("a]b") == "[a]]b]"
    assert spark_string("it's\\\n") == "'it\\'s\\\\\\u000A'"
    assert spark_type("decimal( 12 ,2)") == "DECIMAL(12,2)"


@pytest.mark.domain_independent
def test_row_filter_exploit_of_the_first_release_is_harmless(spark):
    """The review's injection: a value ending in a backslash escaped its closing quote, so the
    next value ran as SQL and made the filter always true."""
    check_row_filter(spark, "partners", ["AR\\", ")) OR true --"])


@pytest.mark.domain_independent
@settings(max_examples=max(5, settings.default.max_examples // 4))
@given(group=hostile_text(), values=st.lists(hostile_text(), min_size=1, max_size=3, unique=True))
def test_hostile_row_filter_values_cannot_widen_the_filter(spark, group, values):
    check_row_filter(spark, group, values)


def check_row_filter(spark, group, values):
    """Each persona sees exactly the rows whose filter value its groups allow."""
    v = placeholders(FIELDS)
    contract = dataclasses.replace(
        contract_from(v), row_filter=RowFilter(v["region"], {group: tuple(values)})
    )
    groups = Groups("engineers", "analysts", "readers")
    canaries = ["US", "", "AR", "true", "x\\", "' OR '1'='1"]
    rows = [(str(i), value) for i, value in enumerate([*values, *canaries, None])]
    frame = spark.createDataFrame(rows, f"`{v['key']}` string, `{v['region']}` string")

    def visible(member_of):
        view = persona_view(spark, frame, contract, groups, member_of, {})
        return sorted(r[v["key"]] for r in view.collect())

    allowed = sorted(key for key, value in rows if value in values)
    assert visible((group,)) == allowed
    assert visible(("analysts",)) == []
    assert visible(("someone-else", group + "x")) == []
    assert visible(("engineers",)) == sorted(key for key, _ in rows)


@pytest.mark.domain_independent
@settings(max_examples=max(5, settings.default.max_examples // 6))
@given(reader=hostile_text(), analyst=hostile_text())
@example(reader="readers') OR true OR ('", analyst="analysts")
@example(reader="readers\\", analyst="analysts")
def test_hostile_group_names_in_mask_functions_grant_nothing(spark, reader, analyst):
    if reader == analyst:
        return
    v = placeholders(FIELDS)
    contract = contract_from(v, row_filter=False)
    groups = Groups("engineers", analyst, reader)
    frame = spark.createDataFrame(
        [("1", "maria@example.com", "BR")],
        f"`{v['key']}` string, `{v['email']}` string, `{v['region']}` string",
    )
    masks = {v["email"]: ("email_partial", "string")}

    def email(member_of):
        return persona_view(spark, frame, contract, groups, member_of, masks).first()[v["email"]]

    assert email((reader,)) == "maria@example.com"
    assert email((analyst,)) == "m***@example.com"


no_backtick = without_nul(hostile_text()).map(lambda text: text.replace("`", "")).filter(bool)


@pytest.mark.domain_independent
@settings(max_examples=max(5, settings.default.max_examples // 5))
@given(st.lists(no_backtick, min_size=3, max_size=3, unique=True))
def test_local_merge_reads_hostile_column_names_as_names(tmp_path_factory, spark, names):
    """delta-rs parses the MERGE predicates with DataFusion: quoted names, exact case.

    Names without backticks: delta-rs 1.6.6 itself wraps column names in backticks without
    escaping them in ``when_matched_update_all``/``when_not_matched_insert_all`` ("Expected
    close delimiter '`'"), whatever the predicate; contract column names never hold one.
    No NUL either: DataFusion cannot name such a column (``datafusion_identifier`` refuses
    it)."""
    key, value, newer = names
    root = tmp_path_factory.mktemp("merge")
    storage = LocalStorage(spark, Runtime("local", root=root))
    schema = f"`{key}` string, `{value}` string, `{newer}` int"
    first = spark.createDataFrame([("a", "old", 1), ("b", "keep", 1)], schema)
    storage.merge("silver", "t", first, [key], newer=newer)
    second = spark.createDataFrame([("a", "new", 2), ("b", "stale", 0), ("c", "add", 1)], schema)
    counts = storage.merge("silver", "t", second, [key], newer=newer)
    assert (counts.inserted, counts.updated) == (1, 1)
    stored = {r[key]: r[value] for r in storage.read("silver", "t").collect()}
    assert stored == {"a": "new", "b": "keep", "c": "add"}


def test_file_headers_with_hostile_names_are_rescued_by_name(spark, tmp_path, contract):
    """Column names also come from landed files: a dot, backtick, quote or comment marker in
    a CSV header is part of a name (quoted for Spark, never parsed as a path or as SQL), kept
    in ``_rescued_data`` under its exact name. Values with quotes follow RFC 4180 (doubled),
    which Spark's CSV reader only reads back with ``escape='"'`` (its default is a
    backslash: Spark "CSV Files" data source option ``escape``)."""
    csv_contract = dataclasses.replace(contract, source=Source(type="files", format="csv"))
    extras = ["a.b", "we`ird", "x'y\"z", "--c;", "/*d*/", "sp ace"]
    spec = SyntheticSpec(rows=2, bad_share=0, duplicate_share=0)
    records = generate_records(csv_contract, spec, "en_US")
    path = tmp_path / "landed.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*csv_contract.column_names, *extras])
        for record in records:
            writer.writerow([*(record[c] for c in csv_contract.column_names), *extras])
    raw = read_landed_files(spark, [str(path)], csv_contract).collect()
    assert len(raw) == 2
    for row in raw:
        assert json.loads(row["_rescued_data"]) == {name: name for name in extras}
