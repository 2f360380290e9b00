"""Rebuilding silver from bronze: the recipe of a breaking contract change.

Bronze keeps every record as received, so silver can always be made again: its table and
quarantine are dropped, the silver progress forgotten, and every bronze batch goes through
silver under the current contract (checks, types, deduplication, merge), then gold is merged
again. A renamed column names its old bronze column (``--renamed old=new``): bronze batches
landed before the rename hold the value under the old name, and the rebuild reads it from
there when the new one is empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from . import naming
from .contract import Contract
from .storage import Storage


@dataclass(frozen=True)
class SilverRebuild:
    """A rebuild of silver; ``renamed`` maps a bronze column's old name to its new one."""

    renamed: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str) -> SilverRebuild:
        """``old=new[,old=new...]`` (the ``--renamed`` option); ValueError when malformed."""
        renamed = {}
        for pair in filter(None, (part.strip() for part in text.split(","))):
            old, sep, new = (side.strip() for side in pair.partition("="))
            if not (sep and old and new):
                raise ValueError(f"--renamed: {pair!r} is not old=new")
            renamed[old] = new
        return cls(renamed)

    def unknown_columns(self, contract: Contract) -> list[str]:
        """New names that are not columns of the contract (a typo would rename nothing)."""
        return sorted(set(self.renamed.values()) - set(contract.column_names))

    def drop_silver(self, storage: Storage, contract: Contract) -> None:
        storage.drop("silver", contract.name)
        storage.drop("silver", naming.quarantine_table(contract.name))

    def bronze(self, rows: DataFrame) -> DataFrame:
        """Bronze rows with each renamed column read from its new name, else its old one."""
        for old, new in self.renamed.items():
            if old not in rows.columns:
                continue
            value = F.coalesce(F.col(new), F.col(old)) if new in rows.columns else F.col(old)
            rows = rows.withColumn(new, value).drop(old)
        return rows
