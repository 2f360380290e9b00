"""Bronze: every record as received, appended with its lineage; nothing is dropped.

Each micro-batch is appended exactly once: the write carries a Delta transaction id
(``<dataset>-bronze-<stream id>`` at the batch number), so a batch replayed after a crash is
skipped. The stream id changes whenever the stream checkpoint is reset (batch numbers then
restart at 0), so a new stream's batches are never mistaken for old ones.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

from pyspark.sql import DataFrame
from pyspark.sql import functions as F


def bronze_rows(raw: DataFrame, batch: int) -> DataFrame:
    """Raw records plus the batch number and ingestion time."""
    return raw.withColumn("_ingest_batch", F.lit(batch).cast("long")).withColumn(
        "_ingested_at", F.current_timestamp()
    )


def stream_identity(checkpoints: Path, next_batch: int) -> tuple[str, int]:
    """(id, first batch number) of the bronze stream whose checkpoint is
    ``checkpoints/bronze``, kept beside it and renewed when the checkpoint is gone.

    Bronze batch numbers are the first batch number plus the stream's own micro-batch number:
    a new stream starts after every batch already in bronze, so silver still sees its rows as
    new, and a replayed micro-batch gets the same number again.
    """
    marker = checkpoints / "bronze-stream-id"
    if marker.exists() and (checkpoints / "bronze").exists():
        stream, first = marker.read_text().split()
        return stream, int(first)
    checkpoints.mkdir(parents=True, exist_ok=True)
    stream = uuid.uuid4().hex
    marker.write_text(f"{stream} {next_batch}\n")
    return stream, next_batch


def app_id(dataset: str, stream: str) -> str:
    return f"{dataset}-bronze-{stream}"


def batch_handler(
    write: Callable[[DataFrame, int], None], first_batch: int
) -> Callable[[DataFrame, int], None]:
    """The foreachBatch function of a source: lineage columns, then one idempotent append.
    It captures only ``write`` and a number, so Spark Connect can run it on serverless."""

    def handle(raw: DataFrame, micro_batch: int) -> None:
        batch = first_batch + micro_batch
        write(bronze_rows(raw, batch), batch)

    return handle
