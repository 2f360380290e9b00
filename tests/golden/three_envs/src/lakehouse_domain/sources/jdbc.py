"""Relational sources over JDBC, loaded incrementally on a watermark column.

Each run reads the rows whose incremental column is at or above the largest value already
in bronze (``>=``): a row committed later with a value equal to the last watermark is not
missed. The boundary rows read again are identical records, which the pipeline drops by
record id before appending (and silver would deduplicate anyway), so a run with no new
data adds nothing.

Table and column names are quoted per engine (``"x"`` on PostgreSQL, exact case;
``[x]`` on SQL Server), so reserved words (``order``, ``user``) and names of SQL functions
(``localtimestamp``) are read as names. Watermark literals are written per column type in
an explicit form each engine converts exactly. On Databricks the JDBC URL, user and
password come from the environment's secret scope; locally from a throw-away PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from ..contract import Contract
from ..sql import postgres_identifier, postgres_string, sqlserver_identifier, sqlserver_string
from .raw import from_named_columns, record_identity, with_record_id

DRIVERS = {
    "postgresql": "org.postgresql.Driver",
    "sqlserver": "com.microsoft.sqlserver.jdbc.SQLServerDriver",
}
IDENTIFIERS: dict[str, Callable[[str], str]] = {
    "postgresql": postgres_identifier,
    "sqlserver": sqlserver_identifier,
}
# mssql-jdbc reads a SQL Server `datetime` (1/300 s ticks) rounded to the nearest
# millisecond, sometimes up; one millisecond lower never skips a stored value.
SQLSERVER_DATETIME_SLACK = timedelta(milliseconds=1)


@dataclass(frozen=True)
class JdbcConnection:
    url: str
    user: str
    password: str


def connection_from_secrets(dbutils, scope: str) -> JdbcConnection:
    """Databricks: the secret scope holds ``jdbc-url``, ``jdbc-user`` and ``jdbc-password``."""
    return JdbcConnection(
        url=dbutils.secrets.get(scope, "jdbc-url"),
        user=dbutils.secrets.get(scope, "jdbc-user"),
        password=dbutils.secrets.get(scope, "jdbc-password"),
    )


def _engine(contract: Contract) -> str:
    engine = contract.source.engine
    if engine not in DRIVERS:
        raise ValueError(f"{contract.name}: JDBC engine {engine!r} is not one of {sorted(DRIVERS)}")
    return engine


def source_table(contract: Contract) -> str:
    """The source table (``table`` or ``schema.table``), each part quoted for its engine."""
    parts = (contract.source.table or "").split(".")
    if not 1 <= len(parts) <= 2 or not all(parts):
        raise ValueError(
            f"{contract.name}: source table {contract.source.table!r} must be "
            "'table' or 'schema.table'"
        )
    quote = IDENTIFIERS[_engine(contract)]
    return ".".join(quote(part) for part in parts)


def reread_from(engine: str, column_type: str, watermark):
    """The lowest watermark value the next query asks for (see ``watermark_literal``)."""
    if engine == "sqlserver" and column_type == "timestamp":
        return watermark - SQLSERVER_DATETIME_SLACK
    return watermark


def watermark_literal(engine: str, column_type: str, watermark) -> str:
    """The SQL literal of ``reread_from(watermark)``, explicit and exact per engine and type.

    SQL Server: ``datetime2(7)`` from ISO 8601 with a ``T`` is language- and
    DATEFORMAT-independent and holds any fraction (a 6-digit fraction cast to ``datetime``
    fails); a ``datetime``, ``datetime2`` or ``smalldatetime`` column compares with it after
    an exact conversion. PostgreSQL: ``timestamp``/``date`` keep microseconds.
    """
    fits = {
        "int": isinstance(watermark, int) and not isinstance(watermark, bool),
        "date": isinstance(watermark, date) and not isinstance(watermark, datetime),
        "timestamp": isinstance(watermark, datetime),
    }
    if not fits.get("int" if column_type == "bigint" else column_type, False):
        raise ValueError(f"watermark {watermark!r} does not fit a {column_type} column")
    value = reread_from(engine, column_type, watermark)
    if column_type in ("int", "bigint"):
        return str(value)
    if column_type == "date":
        text, sql_type = value.isoformat(), "date"
    elif engine == "sqlserver":
        text, sql_type = value.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0", "datetime2(7)"
    else:
        text, sql_type = value.isoformat(sep=" ", timespec="microseconds"), "timestamp"
    literal = sqlserver_string(text) if engine == "sqlserver" else postgres_string(text)
    return f"CAST({literal} AS {sql_type})"


def increment_query(contract: Contract, watermark) -> str:
    """Every row (no watermark yet), else the rows at or above the watermark."""
    engine = _engine(contract)
    query = f"SELECT * FROM {source_table(contract)}"
    if watermark is not None:
        column = contract.source.incremental_column
        literal = watermark_literal(engine, contract.column(column).type, watermark)
        query += f" WHERE {IDENTIFIERS[engine](column)} >= {literal}"
    return query


def read_increment(
    spark: SparkSession, contract: Contract, connection: JdbcConnection, watermark
) -> DataFrame:
    """Raw records of the source rows at or above ``watermark`` (all rows when it is None)."""
    frame = (
        spark.read.format("jdbc")
        .option("url", connection.url)
        .option("user", connection.user)
        .option("password", connection.password)
        .option("driver", DRIVERS[_engine(contract)])
        .option("query", increment_query(contract, watermark))
        .option("fetchsize", 10_000)
        .load()
    )
    frame = frame.withColumn("_source", F.lit(f"jdbc:{contract.source.table}"))
    raw = frame.select(*from_named_columns(frame, contract, None), "_source")
    return with_record_id(raw, F.col("_source"), record_identity(contract))
