"""Relational sources over JDBC, loaded incrementally on a watermark column.

Each run reads rows whose incremental column is above the largest value already in bronze,
so an interrupted run never loses or duplicates rows. On Databricks the JDBC URL, user and
password come from the environment's secret scope; locally from a throw-away PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from ..contract import Contract
from .raw import from_named_columns, with_record_id

DRIVERS = {
    "postgresql": "org.postgresql.Driver",
    "sqlserver": "com.microsoft.sqlserver.jdbc.SQLServerDriver",
}


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


def watermark_literal(value, column_type: str) -> str:
    """A SQL literal of the watermark that PostgreSQL and SQL Server both accept."""
    if column_type in ("int", "bigint"):
        return str(int(value))
    text = value.isoformat(sep=" ") if hasattr(value, "isoformat") else str(value)
    return "'" + text.replace("'", "''") + "'"


def increment_query(contract: Contract, watermark) -> str:
    column = contract.source.incremental_column
    query = f"SELECT * FROM {contract.source.table}"
    if watermark is not None:
        literal = watermark_literal(watermark, contract.column(column).type)
        query += f" WHERE {column} > {literal}"
    return query


def read_increment(
    spark: SparkSession, contract: Contract, connection: JdbcConnection, watermark
) -> DataFrame:
    """Raw records of the source rows above ``watermark`` (all rows when it is None)."""
    frame = (
        spark.read.format("jdbc")
        .option("url", connection.url)
        .option("user", connection.user)
        .option("password", connection.password)
        .option("driver", DRIVERS[contract.source.engine])
        .option("query", increment_query(contract, watermark))
        .option("fetchsize", 10_000)
        .load()
    )
    frame = frame.withColumn("_source", F.lit(f"jdbc:{contract.source.table}"))
    raw = frame.select(*from_named_columns(frame, contract, None), "_source")
    identity = F.to_json(F.struct(*contract.column_names, "_rescued_data"))
    return with_record_id(raw, F.col("_source"), identity)
