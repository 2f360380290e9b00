"""The medallion pipeline of one dataset: source -> bronze -> silver -> gold.

Every step can be re-run: bronze appends each micro-batch once, silver remembers the last
bronze batch it merged (and merging the same batch again changes nothing), gold merges only
changed rows. So a run interrupted anywhere converges when it is run again.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from . import bronze, naming, schema_guard, silver
from .contract import Contract
from .gold import build_gold
from .quality import typed
from .rebuild import SilverRebuild
from .report import DatasetReport
from .runtime import Runtime
from .sources.eventhub import ingest_events
from .sources.files import ingest_files
from .sources.jdbc import JdbcConnection, read_increment, reread_from
from .storage import Storage, max_of


class SilverProgress:
    """The last bronze batch merged into silver, kept beside the stream checkpoints."""

    def __init__(self, runtime: Runtime, dataset: str):
        self.path = Path(runtime.checkpoints(dataset)) / "silver_progress.json"

    def last_batch(self) -> int:
        if not self.path.exists():
            return -1
        return int(json.loads(self.path.read_text())["last_bronze_batch"])

    def save(self, batch: int) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"last_bronze_batch": batch}) + "\n")
        temporary.replace(self.path)

    def forget(self) -> None:
        """Every bronze batch is new to silver again (a silver rebuild)."""
        self.path.unlink(missing_ok=True)


def _last_batch(storage: Storage, contract: Contract) -> int:
    if not storage.exists("bronze", contract.name):
        return -1
    last = max_of(storage.read("bronze", contract.name), "_ingest_batch")
    return -1 if last is None else last


def jdbc_increment(
    spark: SparkSession,
    storage: Storage,
    contract: Contract,
    jdbc: JdbcConnection,
    has_bronze: bool,
) -> DataFrame:
    """The source rows bronze does not hold yet: those at or above the bronze watermark
    (``>=``, so rows committed later with the watermark's value are read), less the records
    bronze already has at that boundary (same record id), so a re-run appends nothing."""
    if not has_bronze:
        return read_increment(spark, contract, jdbc, None)
    column = contract.source.incremental_column
    column_type = contract.column(column).type
    existing = storage.read("bronze", contract.name).select(
        typed(column, column_type).alias("_watermark"), "_record_id"
    )
    watermark = max_of(existing, "_watermark")
    increment = read_increment(spark, contract, jdbc, watermark)
    if watermark is None:
        return increment
    lowest = reread_from(contract.source.engine, column_type, watermark)
    boundary = existing.where(F.col("_watermark") >= F.lit(lowest)).select("_record_id")
    return increment.join(boundary, "_record_id", "left_anti")


def ingest(
    spark: SparkSession,
    storage: Storage,
    runtime: Runtime,
    contract: Contract,
    report: DatasetReport,
    jdbc: JdbcConnection | None,
) -> None:
    """Source -> bronze; the report counts what this run added to the bronze table."""
    before = _last_batch(storage, contract)
    kind = contract.source.type
    if kind in ("files", "eventhub"):
        stream, first = bronze.stream_identity(Path(runtime.checkpoints(contract.name)), before + 1)
        app = bronze.app_id(contract.name, stream)
        handler = bronze.batch_handler(storage.batch_writer("bronze", contract.name, app), first)
        if kind == "files":
            ingest_files(spark, runtime, contract, handler)
        else:
            report.bronze.data_loss = ingest_events(spark, runtime, contract, handler)
    else:
        if jdbc is None:
            raise RuntimeError(f"{contract.name}: a JDBC source needs a connection")
        raw = jdbc_increment(spark, storage, contract, jdbc, before >= 0)
        write = storage.batch_writer("bronze", contract.name, bronze.app_id(contract.name, "jdbc"))
        bronze.batch_handler(write, before + 1)(raw, 0)
    if not storage.exists("bronze", contract.name):
        return
    added = storage.read("bronze", contract.name, after=("_ingest_batch", before))
    counts = added.agg(
        F.count("*").alias("rows"),
        F.count("_rescued_data").alias("rescued"),
        F.count("_corrupt_record").alias("corrupt"),
        F.countDistinct("_ingest_batch").alias("batches"),
    ).first()
    report.bronze.rows_read = report.bronze.rows_written = counts["rows"]
    report.bronze.rescued = counts["rescued"]
    report.bronze.corrupt = counts["corrupt"]
    report.bronze.batches = counts["batches"]
    report.bronze.last_batch = _last_batch(storage, contract)
    if kind == "jdbc":
        report.bronze.watermark = _bronze_watermark(storage, contract)


def _bronze_watermark(storage: Storage, contract: Contract) -> str | None:
    """The newest incremental-column value in bronze, as text (the run history keeps it)."""
    column = contract.source.incremental_column
    rows = storage.read("bronze", contract.name).select(
        typed(column, contract.column(column).type).alias("_watermark")
    )
    newest = max_of(rows, "_watermark")
    return None if newest is None else str(newest)


def refine(
    storage: Storage,
    runtime: Runtime,
    contract: Contract,
    report: DatasetReport,
    rebuild: SilverRebuild | None = None,
) -> None:
    """Bronze batches not yet in silver -> silver and quarantine (all of them, through the
    rebuild's renames, when silver is rebuilt)."""
    if not storage.exists("bronze", contract.name):
        return
    progress = SilverProgress(runtime, contract.name)
    done = progress.last_batch()
    report.silver.last_batch = None if done < 0 else done
    new = storage.read("bronze", contract.name, after=("_ingest_batch", done))
    new = storage.cached(rebuild.bronze(new) if rebuild else new)
    quarantine = naming.quarantine_table(contract.name)
    silver_before = storage.count("silver", contract.name)
    quarantine_before = storage.count("silver", quarantine)
    try:
        newest_batch = max_of(new, "_ingest_batch")
        if newest_batch is None:
            return
        schema_guard.widen_types(storage, contract)
        outcome = silver.process(new, contract, storage)
        schema_guard.record(storage, contract)
    finally:
        storage.release(new)
    # Counted on the tables, not on the split: a replayed batch (silver progress lost after
    # its MERGE) finds its failing records already quarantined and adds nothing there.
    quarantined = storage.count("silver", quarantine) - quarantine_before
    s = report.silver
    s.rows_read += outcome.rows_read
    s.upserts += outcome.upserts
    s.inserted += outcome.merge.inserted
    s.updated += outcome.merge.updated
    s.deleted += outcome.merge.deleted
    s.not_applied_older += outcome.not_applied_older
    s.history_recomputed += int(outcome.history_recomputed)
    s.superseded_duplicates += outcome.superseded_duplicates
    s.quarantined += quarantined
    s.already_quarantined += outcome.quarantined - quarantined
    s.table_growth += storage.count("silver", contract.name) - silver_before
    for rule, failed in outcome.rules.items():
        s.rules[rule] = s.rules.get(rule, 0) + failed
    progress.save(newest_batch)
    s.last_batch = newest_batch


def publish(storage: Storage, contract: Contract, report: DatasetReport) -> None:
    """Silver -> gold through the dataset's gold transform (if it has one)."""
    if not storage.exists("silver", contract.name):
        return
    built = build_gold(contract, storage)
    if built is None:
        return
    table, merged = built
    report.gold.table = table
    report.gold.rows_built = merged.source_rows
    report.gold.inserted = merged.inserted
    report.gold.updated = merged.updated


def run_dataset(
    spark: SparkSession,
    storage: Storage,
    runtime: Runtime,
    contract: Contract,
    layers: tuple[str, ...] = naming.LAYERS,
    jdbc: JdbcConnection | None = None,
    on_layer: Callable[[str], None] = lambda layer: None,
    rebuild: SilverRebuild | None = None,
) -> DatasetReport:
    """Run the requested layers of one dataset; errors are recorded, not raised. With
    ``rebuild``, silver is dropped first and made again from every bronze batch."""
    report = DatasetReport(dataset=contract.name, source=contract.source.type)
    steps = {
        "bronze": (report.bronze, lambda: ingest(spark, storage, runtime, contract, report, jdbc)),
        "silver": (report.silver, lambda: refine(storage, runtime, contract, report, rebuild)),
        "gold": (report.gold, lambda: publish(storage, contract, report)),
    }
    if rebuild is not None:
        rebuild.drop_silver(storage, contract)
        SilverProgress(runtime, contract.name).forget()
    if "silver" in layers:
        try:
            schema_guard.check(storage, contract)
        except schema_guard.BreakingChange as refused:  # before any layer writes
            report.error = f"contract: {refused}"
            report.failed_layer = layers[0]
            return report
    for layer in layers:
        on_layer(layer)
        section, step = steps[layer]
        started = time.perf_counter()
        try:
            step()
        except Exception as error:  # the report carries the cause; the CLI exits non-zero
            report.error = f"{layer}: {type(error).__name__}: {error}"
            report.failed_layer = layer
            return report
        finally:
            section.seconds = round(time.perf_counter() - started, 3)
    return report
