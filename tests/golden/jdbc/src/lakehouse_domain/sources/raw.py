"""Shaping of raw records, shared by every source so bronze looks the same whatever the origin."""

from __future__ import annotations

from collections.abc import Callable

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from ..contract import Contract
from ..sql import spark_identifier

# What a source calls with each micro-batch of raw records and its batch number.
BatchHandler = Callable[[DataFrame, int], None]


def from_json_text(text: Column, contract: Contract) -> list[Column]:
    """Contract columns, rescued fields and corrupt text from one JSON document per record."""
    parsed = F.from_json(text, "map<string,string>")
    known = F.array(*[F.lit(name) for name in contract.column_names])
    extras = F.map_filter(parsed, lambda key, _: ~F.array_contains(known, key))
    return [
        *[parsed[name].alias(name) for name in contract.column_names],
        F.when(F.size(extras) > 0, F.to_json(extras)).alias("_rescued_data"),
        F.when(parsed.isNull() & (F.trim(text) != ""), text).alias("_corrupt_record"),
    ]


def column(name: str) -> Column:
    """A column by its exact name: dots and backticks in names from files are not syntax."""
    return F.col(spark_identifier(name))


def from_named_columns(frame: DataFrame, contract: Contract, corrupt: str | None) -> list[Column]:
    """Contract columns (text) and rescued extras from a frame with named columns."""
    present = set(frame.columns) - {corrupt, "_source"}
    extras = sorted(present - set(contract.column_names))
    rescued = (
        F.map_filter(
            F.create_map(
                *[x for name in extras for x in (F.lit(name), column(name).cast("string"))]
            ),
            lambda _, value: value.isNotNull(),
        )
        if extras
        else None
    )
    return [
        *[
            (column(name).cast("string") if name in present else F.lit(None).cast("string")).alias(
                name
            )
            for name in contract.column_names
        ],
        (F.when(F.size(rescued) > 0, F.to_json(rescued)) if extras else F.lit(None))
        .cast("string")
        .alias("_rescued_data"),
        (column(corrupt) if corrupt else F.lit(None)).cast("string").alias("_corrupt_record"),
    ]


def record_identity(contract: Contract) -> Column:
    """What makes a record itself: its values, rescued fields and corrupt text (null fields
    are left out of the JSON, so sources without corrupt text get the same identity)."""
    return F.to_json(F.struct(*contract.column_names, "_rescued_data", "_corrupt_record"))


def with_record_id(frame: DataFrame, *identity: Column) -> DataFrame:
    """A stable id per record: the same record read again gets the same id."""
    return frame.withColumn("_record_id", F.sha2(F.concat_ws("\u0001", *identity), 256))
