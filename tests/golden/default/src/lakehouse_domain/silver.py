"""Silver: typed, quality-checked, one row per primary key, upserted with MERGE.

Records breaking a contract rule go to ``<dataset>_quarantine`` (text values, the broken
rules, lineage), inserted once per record id so a re-run adds nothing. Valid records are cast
to the contract types, deduplicated on the primary key keeping the newest (ordering column,
then ingestion time), and merged: a newer version updates the row, an older late arrival
does not, and identical data changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from . import naming
from .contract import Contract
from .quality import failed_rules, record_rules, typed
from .storage import MergeCounts, Storage

LINEAGE = ("_source", "_record_id", "_ingest_batch", "_ingested_at")


@dataclass
class SilverOutcome:
    rows_read: int = 0
    quarantined: int = 0
    superseded_duplicates: int = 0
    upserts: int = 0
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
    """``_rank`` 1 is the newest record of its key; higher ranks are superseded duplicates."""
    order = [
        F.col(contract.ordering_column).desc_nulls_last(),
        F.col("_ingested_at").desc(),
        F.col("_record_id").desc(),
    ]
    window = Window.partitionBy(*contract.primary_key).orderBy(*order)
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
        outcome.merge = storage.merge(
            "silver",
            contract.name,
            ranked.where("_rank = 1").drop("_rank"),
            list(contract.primary_key),
            newer=contract.ordering_column,
        )
        outcome.upserts = outcome.merge.source_rows
        outcome.superseded_duplicates = ranked.where("_rank > 1").count()
        return outcome
    finally:
        storage.release(checked)
