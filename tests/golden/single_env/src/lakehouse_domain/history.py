"""SCD type 2: silver keeps a row per version of the tracked columns.

Each row holds the values of one period of a key: ``_valid_from`` (the ordering column of
the version that opened it), ``_valid_to`` (the next row's ``_valid_from``, null while it is
the latest) and ``_is_current``. A silver row is identified by the primary key plus
``_valid_from``.

Per key, a batch's versions newer than the newest version already applied are laid after
the key's latest row, in ordering-column order:

- a change of a tracked column (or a delete, or the first version after one) opens a row and
  closes the previous one;
- a change of untracked columns only updates the open row in place;
- a delete opens a tombstone row (``_deleted`` true, never current): the key has no current
  row until a newer version arrives.

A version not newer than the newest version already applied to its key is either a replay
(``replayed``: silver already holds it, so applying it changes nothing) or a late,
out-of-order change. A batch with a late change has silver lay out the whole history again
from every bronze version (``history_rows`` with no base), so the late version lands in its
place by the ordering column.
"""

from __future__ import annotations

from functools import reduce

from pyspark.sql import Column as SparkColumn
from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from .changes import DELETED, IS_CURRENT, VALID_FROM, VALID_TO, is_delete
from .contract import Contract

_BASE = "_base"
_OPENS = "_opens"
_PERIOD = "_period"


def _latest_rows(stored: DataFrame, keys: list[str]) -> DataFrame:
    """The row with the largest ``_valid_from`` of each key (current, closed or tombstone)."""
    newest = Window.partitionBy(*keys).orderBy(F.col(VALID_FROM).desc())
    return stored.withColumn("_n", F.row_number().over(newest)).where("_n = 1").drop("_n")


def split_late(
    versions: DataFrame, stored: DataFrame | None, contract: Contract
) -> tuple[DataFrame, DataFrame | None]:
    """(versions newer than their key's newest applied version, the latest stored rows of
    their keys). ``versions`` hold one record per key and ordering value."""
    keys, order = list(contract.primary_key), contract.ordering_column
    if stored is None:
        return versions, None
    latest = _latest_rows(stored.join(versions.select(*keys).distinct(), keys, "left_semi"), keys)
    applied = latest.select(*keys, F.col(order).alias("_applied"))
    fresh = (
        versions.join(applied, keys, "left")
        .where(F.col("_applied").isNull() | (F.col(order) > F.col("_applied")))
        .drop("_applied")
    )
    return fresh, latest.join(fresh.select(*keys).distinct(), keys, "left_semi")


def replayed(older: DataFrame, stored: DataFrame, contract: Contract) -> DataFrame:
    """The ``older`` versions silver's history already holds. A stored row is a period of
    versions with the same tracked columns and delete flag, from ``_valid_from`` to its own
    ordering value (its last version, whose values it holds). A version inside a period with
    the period's tracked columns and flag adds nothing to it (the row keeps its last version's
    values); at the period's last ordering value every column must match. Any other older
    version is a late change."""
    keys, order = list(contract.primary_key), contract.ordering_column
    version, row = older.withColumn(DELETED, is_delete(contract)).alias("v"), stored.alias("r")
    same = [F.col(f"v.{k}").eqNullSafe(F.col(f"r.{k}")) for k in keys]
    within = (F.col(f"r.{VALID_FROM}") <= F.col(f"v.{order}")) & (
        F.col(f"v.{order}") <= F.col(f"r.{order}")
    )

    def equal(columns) -> SparkColumn:
        # A contract column the table does not hold yet (added since) reads null in it.
        return reduce(
            lambda a, b: a & b,
            [
                F.col(f"v.{c}").eqNullSafe(F.col(f"r.{c}") if c in stored.columns else F.lit(None))
                for c in columns
            ],
        )

    tracked = equal([*contract.changes.tracked_columns, DELETED])
    last = F.col(f"v.{order}") == F.col(f"r.{order}")
    matches = (~last & tracked) | (last & equal([*contract.column_names, DELETED]))
    held = version.join(row, reduce(lambda a, b: a & b, [*same, within, matches]), "left_semi")
    return held.drop(DELETED)


def history_rows(fresh: DataFrame, base: DataFrame | None, contract: Contract) -> DataFrame:
    """The silver rows to merge on (key, ``_valid_from``): the keys' latest stored rows with
    their new ``_valid_to``/``_is_current``, and the rows the fresh versions open or update.
    With no base, ``fresh`` is every version of the keys: their whole history."""
    keys, order = list(contract.primary_key), contract.ordering_column
    columns = [*fresh.columns, DELETED, VALID_FROM]
    laid = fresh.select(
        "*", is_delete(contract).alias(DELETED), F.col(order).alias(VALID_FROM)
    ).withColumn(_BASE, F.lit(False))
    if base is not None:
        laid = laid.unionByName(base.select(*columns).withColumn(_BASE, F.lit(True)))
    in_order = Window.partitionBy(*keys).orderBy(order)
    changed = [
        ~F.lag(F.col(c)).over(in_order).eqNullSafe(F.col(c))
        for c in (*contract.changes.tracked_columns, DELETED)
    ]
    opens = (
        F.col(_BASE) | F.lag(order).over(in_order).isNull() | reduce(lambda a, b: a | b, changed)
    )
    laid = laid.withColumn(_OPENS, opens.cast("int"))
    laid = laid.withColumn(
        _PERIOD, F.sum(_OPENS).over(in_order.rowsBetween(Window.unboundedPreceding, 0))
    )
    period = Window.partitionBy(*keys, _PERIOD)
    # A period's row holds its last version's values, valid from its first version.
    last = period.orderBy(F.col(order).desc())
    rows = (
        laid.withColumn(VALID_FROM, F.min(VALID_FROM).over(period))
        .withColumn("_n", F.row_number().over(last))
        .where("_n = 1")
        .drop("_n", _OPENS, _PERIOD, _BASE)
    )
    following = Window.partitionBy(*keys).orderBy(VALID_FROM)
    rows = rows.withColumn(VALID_TO, F.lead(VALID_FROM).over(following))
    return rows.withColumn(IS_CURRENT, F.col(VALID_TO).isNull() & ~F.col(DELETED))
