"""How silver applies the changes a source sends: deletes, and which rows are current.

A contract may name a delete marker (``customProperties.deletes``): a record whose marker
column holds one of the delete values deletes its key. ``hard`` (the default) removes the
silver row in the MERGE; ``soft`` keeps it with ``_deleted`` true, so a late, older version
of the key cannot bring it back (it is older than the stored delete). With SCD type 2
(``history.py``) a delete closes the key's current row instead.

Silver may then hold rows nobody downstream should read (soft-deleted rows, closed history
rows): gold and the governed comparisons read ``current_rows`` only.
"""

from __future__ import annotations

from pyspark.sql import Column as SparkColumn
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from .contract import Contract
from .storage import DeleteMarker

DELETED = "_deleted"
VALID_FROM = "_valid_from"
VALID_TO = "_valid_to"
IS_CURRENT = "_is_current"
# Columns silver adds to the contract's for deletes and history (never part of gold's input).
BOOKKEEPING = (DELETED, VALID_FROM, VALID_TO, IS_CURRENT)


def delete_marker(contract: Contract) -> DeleteMarker | None:
    changes = contract.changes
    if changes.delete_column is None:
        return None
    return DeleteMarker(changes.delete_column, changes.delete_values)


def is_delete(contract: Contract) -> SparkColumn:
    """True for a record that deletes its key; false for every other (a null marker too)."""
    marker = delete_marker(contract)
    if marker is None:
        return F.lit(False)
    return F.coalesce(F.col(marker.column).isin(list(marker.values)), F.lit(False))


def current_rows(silver: DataFrame, contract: Contract) -> DataFrame:
    """The rows of silver that hold a key's current, not deleted version, with the
    contract's columns and lineage only (what gold transforms are written against)."""
    if contract.changes.scd_type == 2:
        silver = silver.where(F.col(IS_CURRENT))
    elif contract.changes.soft_deletes:
        # Rows merged before soft deletes were turned on read null: not deleted.
        silver = silver.where(~F.coalesce(F.col(DELETED), F.lit(False)))
    return silver.drop(*BOOKKEEPING)
