"""Files landed in the landing volume: Auto Loader on Databricks, a file stream locally.

Locally a ``binaryFile`` stream (only the ``path`` column, so contents are not read twice)
with ``trigger(availableNow=True)`` and a checkpoint finds the files not yet ingested; each
micro-batch reads them by format, mapping columns by name, so a file with extra columns
(schema drift) keeps them in ``_rescued_data`` instead of dropping them.

On Databricks Auto Loader reads with the contract's schema: text columns for CSV and JSON
(typing happens in silver) plus ``_corrupt_record``, which the PERMISSIVE parsers fill with
the text of a record they cannot parse; the contract's own types for Parquet, whose files
carry types (an all-text schema would send every typed value to ``_rescued_data``). Values
that do not fit land in ``_rescued_data`` (schema evolution mode ``rescue``).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from urllib.parse import unquote, urlparse

import pyarrow.parquet as pq
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from ..contract import Contract
from ..runtime import Runtime
from ..sql import spark_identifier, spark_type
from .raw import (
    BatchHandler,
    column,
    from_json_text,
    from_named_columns,
    record_identity,
    with_record_id,
)

# RFC 4180: a quote inside a quoted field is doubled; Spark's CSV reader (and Auto Loader's)
# escapes with a backslash unless told otherwise.
CSV_ESCAPE = '"'
BINARY_FILE_SCHEMA = "path string, modificationTime timestamp, length long, content binary"


def _local_path(uri: str) -> str:
    """The file system path of a local file URI (Spark reports paths as URIs)."""
    return unquote(urlparse(uri).path) if uri.startswith("file:") else uri


def _header(path: str) -> tuple[str, ...]:
    with open(_local_path(path), encoding="utf-8", newline="") as handle:
        return tuple(next(csv.reader(handle), []))


def read_landed_files(spark: SparkSession, paths: list[str], contract: Contract) -> DataFrame:
    """Raw records of the given files (one format per contract)."""
    file_format = contract.source.format
    identity = record_identity(contract)
    if file_format == "json":
        frame = spark.read.text(paths).select(
            "value", F.col("_metadata.file_path").alias("_source")
        )
        frame = frame.where(F.trim("value") != "")
        raw = frame.select(*from_json_text(F.col("value"), contract), "_source")
        return with_record_id(raw, F.col("_source"), identity)
    groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for path in paths:
        if file_format == "csv":
            groups[_header(path)].append(path)
        else:
            groups[tuple(pq.read_schema(_local_path(path)).names)].append(path)
    frames = []
    for columns, group in groups.items():
        if file_format == "csv":
            schema = ", ".join(f"{spark_identifier(c)} string" for c in columns)
            schema += ", _corrupt_record string"
            frame = (
                spark.read.schema(schema)
                .option("header", True)
                .option("escape", CSV_ESCAPE)
                .option("mode", "PERMISSIVE")
                .option("columnNameOfCorruptRecord", "_corrupt_record")
                .csv(group)
            )
            corrupt = "_corrupt_record"
        else:
            frame, corrupt = spark.read.parquet(*group), None
        frame = frame.withColumn("_source", F.col("_metadata.file_path"))
        frames.append(frame.select(*from_named_columns(frame, contract, corrupt), "_source"))
    raw = frames[0]
    for frame in frames[1:]:
        raw = raw.unionByName(frame)
    return with_record_id(raw, F.col("_source"), identity)


def autoloader_schema(contract: Contract) -> str:
    """The schema Auto Loader reads with (DDL)."""
    if contract.source.format == "parquet":
        return ", ".join(
            f"{spark_identifier(c.name)} {spark_type(c.type)}" for c in contract.columns
        )
    text = [f"{spark_identifier(name)} STRING" for name in contract.column_names]
    return ", ".join([*text, "_corrupt_record STRING"])


def autoloader_options(contract: Contract, checkpoint: str) -> dict[str, str]:
    """Auto Loader options: rescue what does not fit the schema, keep corrupt records."""
    file_format = contract.source.format
    options = {
        "cloudFiles.format": file_format,
        "cloudFiles.schemaLocation": f"{checkpoint}/schema",
        "cloudFiles.schemaEvolutionMode": "rescue",
        "rescuedDataColumn": "_rescued_data",
    }
    if file_format in ("csv", "json"):
        options.update(mode="PERMISSIVE", columnNameOfCorruptRecord="_corrupt_record")
    if file_format == "csv":
        options.update(header="true", escape=CSV_ESCAPE)
    return options


def autoloader_records(frame: DataFrame, contract: Contract) -> DataFrame:
    """Raw records (text columns and lineage) from what Auto Loader read."""
    corrupt = "_corrupt_record" if "_corrupt_record" in frame.columns else None
    raw = frame.select(
        *[column(name).cast("string").alias(name) for name in contract.column_names],
        column("_rescued_data").cast("string").alias("_rescued_data"),
        (column(corrupt) if corrupt else F.lit(None)).cast("string").alias("_corrupt_record"),
        F.col("_metadata.file_path").alias("_source"),
    )
    return with_record_id(raw, F.col("_source"), record_identity(contract))


def ingest_files(
    spark: SparkSession, runtime: Runtime, contract: Contract, handle_batch: BatchHandler
) -> None:
    """Feed every file not yet ingested to ``handle_batch`` in micro-batches, then stop."""
    landing = str(runtime.landing(contract.name))
    checkpoint = str(runtime.checkpoints(contract.name) / "bronze")
    if runtime.is_local:
        Path(landing).mkdir(parents=True, exist_ok=True)
        stream = (
            spark.readStream.format("binaryFile")
            .schema(BINARY_FILE_SCHEMA)
            .option("pathGlobFilter", f"*.{contract.source.format}")
            .option("recursiveFileLookup", "true")
            .option("maxFilesPerTrigger", 200)
            .load(landing)
            .select("path")
        )

        def batch(paths: DataFrame, batch_id: int) -> None:
            found = [row.path for row in paths.collect()]
            if found:
                handle_batch(read_landed_files(spark, sorted(found), contract), batch_id)
    else:
        stream = autoloader_records(
            spark.readStream.format("cloudFiles")
            .options(**autoloader_options(contract, checkpoint))
            .schema(autoloader_schema(contract))
            .load(landing),
            contract,
        )

        def batch(raw: DataFrame, batch_id: int) -> None:
            handle_batch(raw, batch_id)

    query = (
        stream.writeStream.option("checkpointLocation", checkpoint)
        .trigger(availableNow=True)
        .foreachBatch(batch)
        .start()
    )
    query.awaitTermination()
