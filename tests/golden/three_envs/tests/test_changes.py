"""Deletes and SCD type 2 history in silver, on small DataFrames (local delta-rs adapter),
and the Databricks MERGE text of the same rules."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest
import sqlglot
from sqlglot import exp

from lakehouse_domain import silver
from lakehouse_domain.changes import current_rows
from lakehouse_domain.contract import Changes, Column, Contract, Source
from lakehouse_domain.runtime import Runtime
from lakehouse_domain.storage import DeleteMarker, LocalStorage, merge_sql

COLUMNS = ("id", "seq", "op", "status", "note")


def changes_contract(path, changes: Changes) -> Contract:
    columns = (
        Column("id", "string", True, "", None, None, None, None),
        Column("seq", "int", True, "", None, None, None, None),
        Column("op", "string", False, "", None, None, None, None),
        Column("status", "string", False, "", None, None, None, None),
        Column("note", "string", False, "", None, None, None, None),
    )
    source = Source(type="files", format="json")
    return Contract(
        path, "id", "t", "test", "1.0.0", "", columns, ("id",), source, None,
        ordering_column="seq", changes=changes,
    )  # fmt: skip


HARD = Changes(delete_column="op", delete_values=("D",))
SOFT = dataclasses.replace(HARD, delete_mode="soft")
HISTORY = dataclasses.replace(HARD, scd_type=2, tracked_columns=("status",))


class Silver:
    """Bronze batches of (id, seq, op, status, note) through bronze and silver into private
    tables."""

    def __init__(self, spark, tmp_path, changes: Changes):
        self.spark = spark
        self.contract = changes_contract(tmp_path / "t.odcs.yaml", changes)
        self.storage = LocalStorage(spark, Runtime("local", root=tmp_path))

    def batch(self, number: int, *records):
        arrived = datetime(2026, 1, 1, number)
        rows = [
            (*map(str, r[:2]), *r[2:], "test", f"b{number}r{i}", None, None, number, arrived)
            for i, r in enumerate(records)
        ]
        schema = ", ".join(f"{c} string" for c in COLUMNS)
        schema += ", _source string, _record_id string, _rescued_data string"
        schema += ", _corrupt_record string, _ingest_batch long, _ingested_at timestamp"
        frame = self.spark.createDataFrame(rows, schema)
        # Bronze first, as in a run (once per batch number: a replay is already there); a
        # late SCD type 2 change recomputes the history from it.
        self.storage.append("bronze", "t", frame, app_id="test", version=number)
        return silver.process(frame, self.contract, self.storage)

    def rows(self, *columns: str) -> set[tuple]:
        frame = self.storage.read("silver", "t")
        return {tuple(row) for row in frame.select(*columns).collect()}

    def current(self) -> set[tuple]:
        frame = current_rows(self.storage.read("silver", "t"), self.contract)
        return {tuple(row) for row in frame.select("id", "seq", "status").collect()}

    def version(self) -> int:
        from deltalake import DeltaTable

        return DeltaTable(self.storage._path("silver", "t")).version()


@pytest.mark.domain_independent
def test_hard_deletes_apply_when_not_older_and_replays_change_nothing(spark, tmp_path):
    table = Silver(spark, tmp_path, HARD)
    table.batch(0, ("a", 1, "I", "new", None), ("b", 5, "I", "new", None), ("c", 1, "I", "x", None))
    late = [("b", 4, "D", None, None), ("c", 0, "U", "late", None)]
    changes = [("a", 2, "D", None, None), ("z", 9, "D", None, None), ("c", 3, "U", "y", None)]
    outcome = table.batch(1, *changes, *late)
    assert table.rows("id", "seq", "status") == {("b", 5, "new"), ("c", 3, "y")}
    assert (outcome.merge.deleted, outcome.merge.updated, outcome.merge.inserted) == (1, 1, 0)
    assert outcome.merge.unchanged == 2  # the late delete of b and the unknown key z
    version = table.version()
    replay = table.batch(1, *changes, *late)
    assert (replay.merge.deleted, replay.merge.updated, replay.merge.inserted) == (0, 0, 0)
    assert table.version() in (version, version + 1)  # delta-rs may commit an empty MERGE
    assert table.rows("id", "seq", "status") == {("b", 5, "new"), ("c", 3, "y")}


@pytest.mark.domain_independent
def test_soft_deletes_flag_the_row_and_keep_late_versions_out(spark, tmp_path):
    table = Silver(spark, tmp_path, SOFT)
    table.batch(0, ("a", 1, "I", "new", None), ("b", 1, "I", "new", None))
    table.batch(1, ("a", 2, "D", None, None), ("z", 3, "D", None, None))
    assert table.rows("id", "seq", "_deleted") == {
        ("a", 2, True),
        ("b", 1, False),
        ("z", 3, True),  # an unknown key's delete is kept as a tombstone
    }
    outcome = table.batch(2, ("a", 1, "U", "late", None), ("z", 2, "I", "late", None))
    assert outcome.merge.unchanged == 2  # older than the stored deletes: not resurrected
    assert table.current() == {("b", 1, "new")}
    assert "_deleted" not in current_rows(table.storage.read("silver", "t"), table.contract).columns


@pytest.mark.domain_independent
def test_history_opens_rows_on_tracked_changes_and_updates_in_place_otherwise(spark, tmp_path):
    table = Silver(spark, tmp_path, HISTORY)
    table.batch(0, ("a", 1, "I", "new", "n1"), ("b", 1, "I", "new", None))
    versions = [
        ("a", 3, "U", "open", "n3"),
        ("a", 2, "U", "new", "n2"),
        ("a", 4, "U", "open", "n4"),
    ]
    table.batch(1, *versions)
    history = ("id", "_valid_from", "_valid_to", "_is_current", "status", "note")
    expected = {
        ("a", 1, 3, False, "new", "n2"),  # seq 2 changed the untracked note only
        ("a", 3, None, True, "open", "n4"),
        ("b", 1, None, True, "new", None),
    }
    assert table.rows(*history) == expected
    # A delete closes a's row and opens a tombstone; a newer version re-opens the key.
    table.batch(2, ("a", 5, "D", None, None), ("a", 6, "I", "back", None), ("b", 2, "U", "x", None))
    assert table.rows("id", "_valid_from", "_valid_to", "_is_current", "_deleted") == {
        ("a", 1, 3, False, False),
        ("a", 3, 5, False, False),
        ("a", 5, 6, False, True),
        ("a", 6, None, True, False),
        ("b", 1, 2, False, False),
        ("b", 2, None, True, False),
    }
    assert table.current() == {("a", 6, "back"), ("b", 2, "x")}


HISTORY_COLUMNS = ("id", "_valid_from", "_valid_to", "_is_current", "_deleted", "status", "note")


@pytest.mark.domain_independent
def test_late_history_changes_land_in_place_and_replays_change_nothing(spark, tmp_path):
    table = Silver(spark, tmp_path, HISTORY)
    table.batch(0, ("a", 10, "I", "new", "n10"), ("b", 10, "I", "new", None))
    first = [
        ("a", 30, "U", "open", "n30"),
        ("a", 20, "U", "new", "n20"),
        ("a", 50, "U", "open", "n50"),
    ]
    table.batch(1, *first)
    before = table.rows(*HISTORY_COLUMNS)
    assert before == {
        ("a", 10, 30, False, False, "new", "n20"),
        ("a", 30, None, True, False, "open", "n50"),
        ("b", 10, None, True, False, "new", None),
    }
    # A late change of a tracked column opens its row: a@30's period now ends at 40 and a@50,
    # an untracked change of a@30's row until now, opens a row of its own.
    late = table.batch(2, ("a", 40, "U", "closed", "n40"))
    assert late.history_recomputed and late.not_applied_older == 0
    assert (late.merge.inserted, late.merge.updated, late.merge.deleted) == (2, 1, 0)
    assert table.rows(*HISTORY_COLUMNS) == {
        ("a", 10, 30, False, False, "new", "n20"),
        ("a", 30, 40, False, False, "open", "n30"),
        ("a", 40, 50, False, False, "closed", "n40"),
        ("a", 50, None, True, False, "open", "n50"),
        ("b", 10, None, True, False, "new", None),
    }
    # A late untracked change updates its period's row in place when it is the period's
    # last version; inside a period (a@15) it changes nothing and is no late change.
    untracked = table.batch(3, ("a", 35, "U", "open", "n35"), ("a", 15, "U", "new", "n15"))
    assert untracked.history_recomputed and untracked.not_applied_older == 1
    assert (untracked.merge.inserted, untracked.merge.updated, untracked.merge.deleted) == (0, 1, 0)
    # A late delete closes a@40's row and opens a tombstone until a@50.
    deleted = [("a", 45, "D", None, None)]
    table.batch(4, *deleted)
    after = {
        ("a", 10, 30, False, False, "new", "n20"),
        ("a", 30, 40, False, False, "open", "n35"),
        ("a", 40, 45, False, False, "closed", "n40"),
        ("a", 45, 50, False, True, None, None),
        ("a", 50, None, True, False, "open", "n50"),
        ("b", 10, None, True, False, "new", None),
    }
    assert table.rows(*HISTORY_COLUMNS) == after
    version = table.version()
    # Replays (silver progress lost): the late delete's batch, then the first batch whose
    # versions now sit inside periods, are held by silver already: no recompute, no change.
    for number, records in ((4, deleted), (1, first)):
        replay = table.batch(number, *records)
        assert not replay.history_recomputed and replay.not_applied_older == len(records)
        assert (replay.merge.inserted, replay.merge.updated) == (0, 0)
    assert table.version() == version
    assert table.rows(*HISTORY_COLUMNS) == after


@pytest.mark.domain_independent
def test_recomputed_history_merge_deletes_rows_it_no_longer_holds():
    statement = merge_sql(("c", "silver", "t"), "v", ["id", "_valid_from", "status"],
                          ["id", "_valid_from"], None, False, delete_missing=True)  # fmt: skip
    clauses = _clauses(statement.replace("WITH SCHEMA EVOLUTION ", ""))
    update, insert, delete = (c.sql(dialect="databricks") for c in clauses)
    # No newer-guard: a recomputed row wins whatever its ordering value.
    assert update == (
        "WHEN MATCHED AND (NOT (t.`status` IS NOT DISTINCT FROM s.`status`)) THEN UPDATE SET *"
    )
    assert insert == "WHEN NOT MATCHED THEN INSERT *"
    assert delete == "WHEN NOT MATCHED BY SOURCE THEN DELETE"


def _clauses(statement: str) -> list[exp.When]:
    merge = sqlglot.parse_one(statement, dialect="databricks")
    assert isinstance(merge, exp.Merge)
    return list(merge.find_all(exp.When))


@pytest.mark.domain_independent
def test_databricks_merge_deletes_first_and_never_inserts_a_delete():
    marker = DeleteMarker("op", ("D", "X"))
    statement = merge_sql(("c", "silver", "t"), "v", ["id", "seq", "op"], ["id"], "seq", False,
                          deletes=marker)  # fmt: skip
    clauses = _clauses(statement.replace("WITH SCHEMA EVOLUTION ", ""))
    assert [type(c.args["then"]).__name__ for c in clauses] == ["Var", "Update", "Insert"]
    delete, update, insert = (c.sql(dialect="databricks") for c in clauses)
    is_delete = "COALESCE(s.`op` IN ('D', 'X'), FALSE)"
    assert delete == f"WHEN MATCHED AND {is_delete} AND s.`seq` >= t.`seq` THEN DELETE"
    assert update.startswith(f"WHEN MATCHED AND NOT {is_delete} AND s.`seq` >= t.`seq`")
    assert insert == f"WHEN NOT MATCHED AND NOT {is_delete} THEN INSERT *"
    boolean = merge_sql(("c", "s", "t"), "v", ["id"], ["id"], "seq", False,
                        deletes=DeleteMarker("gone", (True,)))  # fmt: skip
    assert "COALESCE(s.`gone` IN (TRUE), false)".lower() in boolean.lower()


@pytest.mark.domain_independent
def test_without_a_delete_marker_the_merge_is_unchanged():
    plain = merge_sql(("c", "s", "t"), "v", ["id", "seq"], ["id"], "seq", False)
    assert "DELETE" not in plain and plain.endswith("WHEN NOT MATCHED THEN INSERT *")


@pytest.mark.domain_independent
def test_current_rows_read_latest_only_tables_whole(spark, tmp_path):
    rows = spark.createDataFrame([("a", 1), ("b", 2)], "id string, seq int")
    for changes in (Changes(), HARD):
        contract = changes_contract(tmp_path / "t.odcs.yaml", changes)
        assert current_rows(rows, contract).count() == 2
    # Soft deletes turned on later: rows merged before have no flag (null) and stay current.
    flagged = spark.createDataFrame([("a", None), ("b", True)], "id string, _deleted boolean")
    soft = changes_contract(tmp_path / "t.odcs.yaml", SOFT)
    assert [r["id"] for r in current_rows(flagged, soft).collect()] == ["a"]
