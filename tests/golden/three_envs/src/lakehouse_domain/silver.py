"""Silver: typed, quality-checked, one row per primary key, upserted with MERGE.

Records breaking a contract rule go to ``<dataset>_quarantine`` (text values, the broken
rules, lineage), inserted once per record id so a re-run adds nothing. Valid records are cast
to the contract types, deduplicated on the primary key keeping the newest (ordering column,
then ingestion time), and merged: a newer version updates the row, an older late arrival
does not, and identical data changes nothing. Deletes and SCD type 2 history follow the
contract's ``changes`` (see ``changes.py`` and ``history.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from . import history, naming
from .changes import DELETED, VALID_FROM, delete_marker, is_delete
from .contract import Contract
from .quality import failed_rules, record_rules, typed
from .storage import DeleteMarker, MergeCounts, Storage

LINEAGE = ("_source", "_record_id", "_ingest_batch", "_ingested_at")


@dataclass
class SilverOutcome:
    rows_read: int = 0
    quarantined: int = 0
    superseded_duplicates: int = 0
    upserts: int = 0
    not_applied_older: int = 0
    history_recomputed: bool = False
    merge: MergeCounts = field(default_factory=lambda: MergeCounts(0, 0, 0))
    rules: dict[str, int] = field(default_factory=dict)


def check(bronze: DataFrame, contract: Contract) -> tuple[DataFrame, list[str]]:
    rules = record_rules(contract)
    return bronze.withColumn("_failed_rules", failed_rules(rules)), [r.name for r in rules]


def quarantine_rows(checked: DataFrame, contract: Contract) -> DataFrame:
    return checked.where(F.size("_failed_rules") > 0).select(
        *contract.column_names,
        "_failed_rules",
        "_rescued_data",
        "_corrupt_record",
        *LINEAGE,
        F.current_timestamp().alias("_quarantined_at"),
    )


def typed_rows(checked: DataFrame, contract: Contract) -> DataFrame:
    valid = checked.where(F.size("_failed_rules") == 0)
    return valid.select(*[typed(c.name, c.type).alias(c.name) for c in contract.columns], *LINEAGE)


def ranked_per_key(rows: DataFrame, contract: Contract) -> DataFrame:
    """``_rank`` 1 is the newest record of its key; higher ranks are superseded duplicates.
    With SCD type 2 every version is kept: records rank per key and ordering value."""
    order = [
        F.col(contract.ordering_column).desc_nulls_last(),
        F.col("_ingested_at").desc(),
        F.col("_record_id").desc(),
    ]
    versions = list(contract.primary_key)
    if contract.changes.scd_type == 2:
        versions.append(contract.ordering_column)
    window = Window.partitionBy(*versions).orderBy(*order)
    return rows.withColumn("_rank", F.row_number().over(window))


def rule_counts(checked: DataFrame, names: list[str]) -> dict[str, int]:
    if not names:
        return {}
    totals = checked.agg(
        *[F.sum(F.array_contains("_failed_rules", n).cast("int")).alias(n) for n in names]
    ).first()
    return {name: int(totals[name] or 0) for name in names}


def process(bronze: DataFrame, contract: Contract, storage: Storage) -> SilverOutcome:
    """Check, split, deduplicate and merge one set of new bronze records."""
    checked, names = check(bronze, contract)
    checked = storage.cached(checked)
    try:
        outcome = SilverOutcome(rows_read=checked.count(), rules=rule_counts(checked, names))
        quarantine = quarantine_rows(checked, contract)
        quarantined = storage.merge(
            "silver",
            naming.quarantine_table(contract.name),
            quarantine,
            ["_record_id"],
            insert_only=True,
        )
        outcome.quarantined = quarantined.source_rows
        ranked = ranked_per_key(typed_rows(checked, contract), contract)
        newest = ranked.where("_rank = 1").drop("_rank")
        if contract.changes.scd_type == 2:
            merged = merge_history(newest, contract, storage)
            outcome.merge, outcome.history_recomputed = merged.merge, merged.recomputed
            outcome.upserts, outcome.not_applied_older = merged.versions, merged.not_applied
        else:
            if contract.changes.soft_deletes:
                flagged = newest.withColumn(DELETED, is_delete(contract))
                outcome.merge = merge_latest(flagged, contract, storage, deletes=None)
            else:
                outcome.merge = merge_latest(newest, contract, storage, delete_marker(contract))
            outcome.upserts, outcome.not_applied_older = (
                outcome.merge.source_rows,
                outcome.merge.unchanged,
            )
        outcome.superseded_duplicates = ranked.where("_rank > 1").count()
        return outcome
    finally:
        storage.release(checked)


def merge_latest(
    rows: DataFrame, contract: Contract, storage: Storage, deletes: DeleteMarker | None
) -> MergeCounts:
    """SCD type 1: one row per key, the newest version (hard deletes remove the row)."""
    return storage.merge(
        "silver",
        contract.name,
        rows,
        list(contract.primary_key),
        newer=contract.ordering_column,
        deletes=deletes,
    )


@dataclass(frozen=True)
class HistoryMerge:
    """An SCD type 2 merge of a batch's ``versions``: ``not_applied`` of them changed nothing
    (replays); ``recomputed`` when the batch held a late change and the whole history was laid
    out again from bronze (``merge`` then counts the rows that MERGE changed)."""

    merge: MergeCounts
    versions: int
    not_applied: int
    recomputed: bool = False


def merge_history(versions: DataFrame, contract: Contract, storage: Storage) -> HistoryMerge:
    """SCD type 2. Forward, counted per version: ``inserted`` the rows versions opened,
    ``updated`` the other versions applied (in place), the rest (``unchanged``) replays of
    versions silver holds. A late version (not newer than what silver holds for its key, and
    not a replay) recomputes the whole history (``recompute_history``)."""
    keys, order = list(contract.primary_key), contract.ordering_column
    stored = (
        storage.read("silver", contract.name) if storage.exists("silver", contract.name) else None
    )
    fresh, base = history.split_late(versions, stored, contract)
    fresh = storage.cached(fresh)
    try:
        count = versions.count()
        if stored is not None:
            older = versions.join(fresh.select(*keys, order), [*keys, order], "left_anti")
            older = storage.cached(older)
            try:
                replays = history.replayed(older, stored, contract).count()
                if older.count() > replays:
                    merged = recompute_history(contract, storage)
                    return HistoryMerge(merged, count, replays, recomputed=True)
            finally:
                storage.release(older)
        merged = storage.merge(
            "silver",
            contract.name,
            history.history_rows(fresh, base, contract),
            [*keys, VALID_FROM],
            newer=order,
        )
        applied = fresh.count()
    finally:
        storage.release(fresh)
    return HistoryMerge(
        MergeCounts(count, merged.inserted, applied - merged.inserted), count, count - applied
    )


def recompute_history(contract: Contract, storage: Storage) -> MergeCounts:
    """Lay out the whole history again from every bronze record of the dataset, through the
    same steps as a batch (check, valid records typed, one record per key and ordering value),
    and write it in ONE MERGE that also deletes the rows no longer in it (a period a late
    version split or joined). The batch being merged is in bronze already. The quarantine is
    not touched: its failing records are inserted once per record id by the batch."""
    checked, _ = check(storage.read("bronze", contract.name), contract)
    ranked = ranked_per_key(typed_rows(checked, contract), contract)
    every_version = ranked.where("_rank = 1").drop("_rank")
    return storage.merge(
        "silver",
        contract.name,
        history.history_rows(every_version, None, contract),
        [*contract.primary_key, VALID_FROM],
        # No newer-guard: a recomputed row may end earlier (its _valid_to) or hold an older
        # version (a late version now ends its period) than the stored one, and must win.
        newer=None,
        delete_missing=True,
    )
