"""Azure Event Hubs through its Kafka endpoint, authenticated with Microsoft Entra ID.

On Databricks the Kafka source uses a Unity Catalog service credential
(``databricks.serviceCredential``, DBR 16.1+): no SAS key or secret exists anywhere. Offsets
live in the stream checkpoint. Locally, where no Kafka connector can be installed, recorded
envelopes (JSON lines with ``body``, ``enqueuedTime``, ``partition``, ``offset``) are replayed
from the landing folder; both paths parse the body with the same code.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from .. import domain, naming
from ..contract import Contract
from ..runtime import Runtime
from .raw import from_json_text, with_record_id

ENVELOPE_SCHEMA = "body string, enqueuedTime timestamp, partition int, offset long"
BatchHandler = Callable[[DataFrame, int], None]


def parse_events(events: DataFrame, contract: Contract) -> DataFrame:
    """Raw records from events with ``body`` (text), ``partition`` and ``offset`` columns."""
    source: Column = F.concat(
        F.lit("partition="), F.col("partition"), F.lit("/offset="), F.col("offset")
    )
    raw = events.select(*from_json_text(F.col("body"), contract), source.alias("_source"))
    return with_record_id(raw, F.col("_source"))


def kafka_options(runtime: Runtime, contract: Contract) -> dict[str, str]:
    names = naming.environment_names(domain.DOMAIN, runtime.environment, domain.NAME_SUFFIX)
    return {
        "kafka.bootstrap.servers": f"{names['eventhub_namespace']}.servicebus.windows.net:9093",
        "subscribe": contract.source.event_hub,
        "databricks.serviceCredential": names["eventhub_service_credential"],
        "startingOffsets": "earliest",
        "failOnDataLoss": "true",
    }


def ingest_events(
    spark: SparkSession, runtime: Runtime, contract: Contract, handle_batch: BatchHandler
) -> None:
    """Feed every event not yet ingested to ``handle_batch`` in micro-batches, then stop."""
    checkpoint = str(runtime.checkpoints(contract.name) / "bronze")
    if runtime.is_local:
        landing = runtime.landing(contract.name)
        Path(landing).mkdir(parents=True, exist_ok=True)
        events = (
            spark.readStream.schema(ENVELOPE_SCHEMA)
            .option("pathGlobFilter", "*.jsonl")
            .option("maxFilesPerTrigger", 200)
            .json(str(landing))
        )
    else:
        events = (
            spark.readStream.format("kafka")
            .options(**kafka_options(runtime, contract))
            .load()
            .select(F.col("value").cast("string").alias("body"), "partition", "offset")
        )
    query = (
        parse_events(events, contract)
        .writeStream.option("checkpointLocation", checkpoint)
        .trigger(availableNow=True)
        .foreachBatch(handle_batch)
        .start()
    )
    query.awaitTermination()
