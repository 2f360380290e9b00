"""Azure Event Hubs through its Kafka endpoint, authenticated with Microsoft Entra ID.

On Databricks the Kafka source uses a Unity Catalog service credential
(``databricks.serviceCredential``, DBR 16.1+): no SAS key or secret exists anywhere. Offsets
live in the stream checkpoint. Locally, where no Kafka connector can be installed, recorded
envelopes (JSON lines with ``body``, ``enqueuedTime``, ``partition``, ``offset``) are replayed
from the landing folder; both paths parse the body with the same code.

Events expire after the hub's retention. When the job pauses longer than that, the offsets
in the checkpoint no longer exist and the Kafka source fails with ``KAFKA_DATA_LOSS`` on
every run (``failOnDataLoss=true``): the stream would be stuck forever. Recovery: the run
restarts the stream once from the same checkpoint with ``failOnDataLoss=false``, which skips
the expired offsets and goes on from the earliest retained event, and the run report records
the loss (``bronze.data_loss``), so the run still fails and the job's failure alert fires.
Nothing is lost silently and nothing stays stuck; the expired events can only come back from
wherever the producer keeps them (Event Hubs Capture, if enabled).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from .. import domain
from ..contract import Contract
from ..runtime import Runtime
from .raw import BatchHandler, from_json_text, with_record_id

ENVELOPE_SCHEMA = "body string, enqueuedTime timestamp, partition int, offset long"
# Spark's error condition for offsets that no longer exist, and the hint of older messages.
DATA_LOSS_MARKERS = ("KAFKA_DATA_LOSS", "failOnDataLoss")


def parse_events(events: DataFrame, contract: Contract) -> DataFrame:
    """Raw records from events with ``body`` (text), ``partition`` and ``offset`` columns."""
    source: Column = F.concat(
        F.lit("partition="), F.col("partition"), F.lit("/offset="), F.col("offset")
    )
    raw = events.select(*from_json_text(F.col("body"), contract), source.alias("_source"))
    return with_record_id(raw, F.col("_source"))


def kafka_options(
    runtime: Runtime, contract: Contract, fail_on_data_loss: bool = True
) -> dict[str, str]:
    """``startingOffsets`` applies to a new checkpoint only; afterwards the stream resumes
    where its checkpoint stopped."""
    names = domain.environment_names(runtime.environment)
    return {
        "kafka.bootstrap.servers": f"{names['eventhub_namespace']}.servicebus.windows.net:9093",
        "subscribe": contract.source.event_hub,
        "databricks.serviceCredential": names["eventhub_service_credential"],
        "startingOffsets": "earliest",
        "failOnDataLoss": str(fail_on_data_loss).lower(),
    }


def is_data_loss(error: BaseException) -> bool:
    """The Kafka source failed because offsets it must read have expired or vanished."""
    return any(marker in str(error) for marker in DATA_LOSS_MARKERS)


def run_recovering_data_loss(run_stream: Callable[[bool], None]) -> str | None:
    """Run the stream failing on data loss; if it fails so, run it once more accepting the
    loss. The loss's description, or None when nothing was lost."""
    try:
        run_stream(True)
    except Exception as error:  # StreamingQueryException, classic or Spark Connect
        if not is_data_loss(error):
            raise
        run_stream(False)
        detail = next((line for line in str(error).splitlines() if line.strip()), "")
        return f"events expired before ingestion; resumed at the earliest retained event ({detail})"
    return None


def _run(events: DataFrame, contract: Contract, checkpoint: str, handle: BatchHandler) -> None:
    query = (
        parse_events(events, contract)
        .writeStream.option("checkpointLocation", checkpoint)
        .trigger(availableNow=True)
        .foreachBatch(handle)
        .start()
    )
    query.awaitTermination()


def ingest_events(
    spark: SparkSession, runtime: Runtime, contract: Contract, handle_batch: BatchHandler
) -> str | None:
    """Feed every event not yet ingested to ``handle_batch`` in micro-batches, then stop.
    Returns what was lost to retention (see the module docstring), or None."""
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
        _run(events, contract, checkpoint, handle_batch)
        return None

    def run_stream(fail_on_data_loss: bool) -> None:
        events = (
            spark.readStream.format("kafka")
            .options(**kafka_options(runtime, contract, fail_on_data_loss))
            .load()
            .select(F.col("value").cast("string").alias("body"), "partition", "offset")
        )
        _run(events, contract, checkpoint, handle_batch)

    return run_recovering_data_loss(run_stream)
