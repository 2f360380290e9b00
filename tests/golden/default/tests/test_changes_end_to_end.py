"""Deletes and SCD type 2 history end to end: landed records through bronze, silver and gold
(files and the Event Hubs stand-in; PostgreSQL in local_postgres_suite.py). One short run
sequence per source (the rerun check once); the rules themselves are proved on small frames
in test_changes.py."""

from __future__ import annotations

import yaml

from lakehouse_domain.changes import current_rows
from lakehouse_domain.gold import transform_for
from lakehouse_local.synthetic import SyntheticSpec, generate_records, write_envelopes

from .conftest import LocalRun, assert_rerun_changes_nothing, contract_document
from .test_pipeline import FUTURE, PAST, land_json, same_value

OPERATION, STATUS = "change_op", "change_status"


def changes_run(tmp_path, contract, source: dict, deletes: dict, history: dict | None) -> LocalRun:
    """A local run of ``contract`` with a delete marker and a status column added, read from
    ``source``, with the given deletes and history properties."""
    document = contract_document(contract)
    document["schema"][0]["properties"] += [
        {"name": name, "logicalType": "string", "physicalType": "STRING", "required": False}
        for name in (OPERATION, STATUS)
    ]
    custom = [p for p in document["customProperties"] if p["property"] != "source"]
    custom += [
        {"property": "source", "value": source},
        {"property": "deletes", "value": {"column": OPERATION, **deletes}},
    ]
    if history:
        custom.append({"property": "history", "value": history})
    document["customProperties"] = custom
    contracts = tmp_path / "contracts"
    contracts.mkdir()
    (contracts / contract.path.name).write_text(yaml.safe_dump(document, sort_keys=False))
    return LocalRun(tmp_path, contracts)


def base_records(contract) -> list[dict]:
    records = generate_records(
        contract, SyntheticSpec(rows=5, bad_share=0, duplicate_share=0), "en_US"
    )
    return [dict(r, **{OPERATION: "I", STATUS: "open"}) for r in records]


def change(record: dict, contract, when: dict, **values) -> dict:
    ordering = contract.ordering_column
    return dict(record, **{ordering: when[contract.column(ordering).type]}, **values)


def keys_of(rows, contract, record) -> list[dict]:
    return [row for row in rows if all(same_value(row[k], record[k]) for k in contract.primary_key)]


def assert_gold_is_built_from_current_rows(run, contract, spark) -> None:
    transform = transform_for(contract)
    if transform is None:
        return
    silver = spark.createDataFrame(run.table("silver", contract.name).to_pyarrow_table())
    built = transform.module.build(current_rows(silver, contract)).collect()
    expected = {tuple(r[k] for k in transform.keys) for r in built}
    gold = run.table("gold", transform.table).to_pyarrow_table().to_pylist()
    assert {tuple(r[k] for k in transform.keys) for r in gold} == expected


def test_files_deletes_reach_silver_and_gold(tmp_path, spark, contract):
    run = changes_run(
        tmp_path, contract, {"type": "files", "format": "json"}, {"values": ["D"]}, None
    )
    base = base_records(contract)
    land_json(run, contract, "a.json", base)
    assert run() == 0
    deleted = change(base[0], contract, FUTURE, **{OPERATION: "D"})
    late_delete = change(base[1], contract, PAST, **{OPERATION: "D"})
    land_json(run, contract, "b.json", [deleted, late_delete])
    assert run() == 0
    report = run.report
    assert report["error"] is None and report["conservation"]["holds"]
    assert (report["silver"]["deleted"], report["silver"]["not_applied_older"]) == (1, 1)
    rows = run.table("silver", contract.name).to_pyarrow_table().to_pylist()
    assert len(rows) == len(base) - 1
    assert not keys_of(rows, contract, base[0]) and keys_of(rows, contract, base[1])
    assert_gold_is_built_from_current_rows(run, contract, spark)
    assert_rerun_changes_nothing(run, contract)


def test_eventhub_history_keeps_versions_and_closes_deleted_keys(tmp_path, spark, contract):
    source = {"type": "eventhub", "eventHub": "events", "partitions": 2, "retentionDays": 1}
    history = {"scdType": 2, "trackedColumns": [STATUS]}
    run = changes_run(tmp_path, contract, source, {"values": ["D"]}, history)
    base = base_records(contract)
    loaded = contract_for(run)
    write_envelopes(base, loaded, run.landing(contract.name), 2)
    assert run() == 0
    closed = change(base[0], contract, FUTURE, **{OPERATION: "U", STATUS: "closed"})
    deleted = change(base[1], contract, FUTURE, **{OPERATION: "D"})
    # A late change of base[2]: the history is recomputed from bronze and it lands first.
    late = change(base[2], contract, PAST, **{OPERATION: "U", STATUS: "late"})
    write_envelopes([closed, deleted, late], loaded, run.landing(contract.name), 2)
    assert run() == 0
    assert run.report["error"] is None and run.report["conservation"]["holds"]
    assert run.report["silver"]["history_recomputed"] == 1
    rows = run.table("silver", contract.name).to_pyarrow_table().to_pylist()
    history_of = {}
    for index in (0, 1, 2):
        versions = keys_of(rows, contract, base[index])
        history_of[index] = sorted((r[STATUS], r["_is_current"], r["_deleted"]) for r in versions)
    assert history_of[0] == [("closed", True, False), ("open", False, False)]
    assert history_of[1] == [("open", False, False), ("open", False, True)]  # tombstone
    assert history_of[2] == [("late", False, False), ("open", True, False)]
    assert sum(r["_is_current"] for r in rows) == len(base) - 1
    # The run's contract (with history): current rows are the _is_current ones.
    assert_gold_is_built_from_current_rows(run, loaded, spark)


def contract_for(run: LocalRun):
    from lakehouse_domain.contract import load_contracts

    return load_contracts(run.contracts)[0]
