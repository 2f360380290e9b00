"""Bronze: every record as received, appended with its lineage; nothing is dropped.

Each micro-batch is appended exactly once: the write carries a Delta transaction id
(``<dataset>-bronze`` at the batch number), so a batch replayed after a crash is skipped.
"""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

BRONZE_LINEAGE = ("_ingest_batch", "_ingested_at")


def bronze_rows(raw: DataFrame, batch: int) -> DataFrame:
    """Raw records plus the batch number and ingestion time."""
    return raw.withColumn("_ingest_batch", F.lit(batch).cast("long")).withColumn(
        "_ingested_at", F.current_timestamp()
    )


def app_id(dataset: str) -> str:
    return f"{dataset}-bronze"
