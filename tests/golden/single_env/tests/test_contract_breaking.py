"""A breaking contract change against existing tables: the run refuses it before writing,
naming the change and the recipe; with the major version bumped and silver rebuilt from
bronze (``--rebuild-silver``, ``make rebuild-silver``) the runs go on, no row lost. Widened
types evolve the table instead. The rules are unit-tested on ``schema_guard``'s pure functions;
one end-to-end chain proves the local engine follows them."""

import dataclasses
import re
from pathlib import Path

import pyarrow as pa
import pytest
import yaml

from lakehouse_domain import naming, schema_guard
from lakehouse_domain.rebuild import SilverRebuild
from lakehouse_domain.runtime import Runtime
from lakehouse_domain.storage import LocalStorage, TableState, set_properties_sql, widen_sql
from lakehouse_local.cli import main
from lakehouse_local.contract_review import review, summary

ROWS = "300"
SOURCE = {"type": "files", "format": "csv"}  # one source: the guard is in front of every one
SILVER_ONLY = ("--layers", "bronze,silver")  # gold transforms are the domain's own code
ROOT = Path(__file__).resolve().parents[1]


def as_written(contract) -> TableState:
    """The silver table a run of ``contract`` leaves: its columns and recorded properties."""
    columns = {column.name: column.type for column in contract.columns}
    columns |= {"_record_id": "string", "_ingest_batch": "bigint"}
    return TableState(columns, schema_guard.recorded_properties(contract))


def renamable(contract):
    """A column a rename can show on: not a key, the ordering, row filter or JDBC column."""
    reserved = {*contract.primary_key, contract.ordering_column, contract.source.incremental_column}
    if contract.row_filter:
        reserved.add(contract.row_filter.column)
    free = [column for column in contract.columns if column.name not in reserved]
    return next((c for c in free if c.required), free[0])


def a_widening(contract, skip: str = "") -> tuple[str, str] | None:
    """(column, wider type) for the first column but ``skip`` whose type can widen, else
    None."""
    wider = {"tinyint": "smallint", "smallint": "int", "int": "bigint", "float": "double"}
    for column in contract.columns:
        if column.name == skip:
            continue
        kind = column.type.lower().replace(" ", "")
        if kind in wider:
            return column.name, wider[kind]
        if kind.startswith("decimal("):
            precision, scale = kind[len("decimal(") : -1].split(",")
            if int(precision) <= 36:
                return column.name, f"decimal({int(precision) + 2},{scale})"
    return None


def with_type(contract, name: str, new_type: str):
    columns = tuple(
        dataclasses.replace(c, type=new_type) if c.name == name else c for c in contract.columns
    )
    return dataclasses.replace(contract, columns=columns)


def test_an_unchanged_or_additive_contract_is_not_refused(contract):
    table = as_written(contract)
    assert schema_guard.breaking_changes(contract, table) == []
    for column in contract.columns:
        without = TableState({k: v for k, v in table.columns.items() if k != column.name}, {})
        refused = schema_guard.breaking_changes(contract, without)
        assert bool(refused) == column.required, f"new {column.name}, required={column.required}"


def test_every_breaking_difference_is_named(contract):
    table = as_written(contract)
    column = renamable(contract).name
    stored = "boolean" if contract.column(column).type != "boolean" else "date"
    broken = TableState(
        {**table.columns, "legacy_code": "string", column: stored},
        {
            **table.properties,
            schema_guard.PRIMARY_KEY: "another_key",
            schema_guard.CONTRACT_VERSION: "99.0.0",
        },
    )
    found = [str(problem) for problem in schema_guard.breaking_changes(contract, broken)]
    assert any("legacy_code: column removed or renamed" in p for p in found), found
    assert any(f"{column}: type {stored} in the table" in p for p in found), found
    assert any("primary key another_key in the table" in p for p in found), found
    assert any("is older than 99.0.0" in p for p in found), found
    assert all(p.endswith("[rule: breaking-change]") for p in found)


def test_a_changed_silver_layout_is_refused_except_soft_deletes_turned_on(contract):
    """A table written with one SCD type (or with soft deletes) cannot be merged into the
    other way; turning soft deletes on only adds the null ``_deleted`` column."""
    table = as_written(contract)
    recorded = table.properties[schema_guard.SILVER_LAYOUT]
    assert recorded == contract.changes.silver_layout
    for written, wanted, refused in (
        ("latest", "latest_soft_deletes", False),
        ("latest_soft_deletes", "latest", True),
        ("latest", "history", True),
        ("history", "latest", True),
    ):
        layout = dataclasses.replace(
            contract.changes,
            delete_column="op" if wanted == "latest_soft_deletes" else None,
            delete_mode="soft" if wanted == "latest_soft_deletes" else "hard",
            scd_type=2 if wanted == "history" else 1,
        )
        assert layout.silver_layout == wanted
        evolved = dataclasses.replace(contract, changes=layout)
        state = TableState(table.columns, {**table.properties, schema_guard.SILVER_LAYOUT: written})
        found = [str(p) for p in schema_guard.breaking_changes(evolved, state)]
        assert bool(found) == refused, (written, wanted, found)
        if refused:
            assert f"silver layout {written} in the table -> {wanted}" in found[0]


def test_a_widened_type_is_evolved_not_refused(contract):
    column = renamable(contract).name
    table = TableState({**as_written(contract).columns, column: "int"}, {})
    widened = with_type(contract, column, "bigint")
    assert schema_guard.breaking_changes(widened, table) == []
    assert schema_guard.widened_columns(widened, table) == {column: "bigint"}
    narrowed = with_type(contract, column, "smallint")
    assert schema_guard.widened_columns(narrowed, table) == {}
    assert schema_guard.breaking_changes(narrowed, table)


def test_the_refusal_says_what_to_do(contract):
    table = as_written(contract)
    problems = [schema_guard.Problem((contract.name, "x"), "column removed", "breaking-change")]
    unbumped = schema_guard.refusal(contract, table, problems)
    assert "bump the contract's major version" in unbumped
    assert f"make rebuild-silver DATASET={contract.name}" in unbumped
    major = int(contract.version.split(".")[0]) + 1
    bumped = schema_guard.refusal(
        dataclasses.replace(contract, version=f"{major}.0.0"), table, problems
    )
    assert "bump" not in bumped and "make rebuild-silver" in bumped


def test_databricks_statements_record_and_widen():
    """Table properties: docs.databricks.com/sql/language-manual/sql-ref-syntax-ddl-tblproperties;
    type widening: learn.microsoft.com/azure/databricks/delta/type-widening (Runtime 15.4 LTS+)."""
    name = "`c`.`silver`.`t`"
    assert set_properties_sql(name, {"lakehouse.contract_version": "2.0.0"}) == (
        "ALTER TABLE `c`.`silver`.`t` SET TBLPROPERTIES ('lakehouse.contract_version' = '2.0.0')"
    )
    assert widen_sql(name, {"amount": "decimal(20,2)"}) == [
        "ALTER TABLE `c`.`silver`.`t` SET TBLPROPERTIES ('delta.enableTypeWidening' = 'true')",
        "ALTER TABLE `c`.`silver`.`t` ALTER COLUMN `amount` TYPE DECIMAL(20,2)",
    ]


def test_the_local_table_widens_in_place_keeping_its_rows(spark, tmp_path):
    """delta-rs has no type widening: the local adapter rewrites the table with the wider
    types (a merge into the narrow table would silently cast values down)."""
    storage = LocalStorage(spark, Runtime("local", root=tmp_path))
    rows = spark.createDataFrame(
        pa.table({"id": pa.array([1, 2], pa.int32()), "x": pa.array([1.5, 2.5], pa.float32())})
    )
    storage.merge("silver", "t", rows, ["id"])
    storage.set_properties("silver", "t", {"lakehouse.contract_version": "1.0.0"})
    storage.widen("silver", "t", {"id": "bigint", "x": "double"})
    state = storage.table_state("silver", "t")
    assert state.columns == {"id": "bigint", "x": "double"}
    assert state.properties["lakehouse.contract_version"] == "1.0.0"
    big = spark.createDataFrame(pa.table({"id": [2**40], "x": [0.1]}))
    storage.merge("silver", "t", big, ["id"])
    ids = sorted(storage.read("silver", "t").toPandas()["id"])
    assert ids == [1, 2, 2**40]


def test_rebuild_options_are_checked(contract, capsys):
    """Refused (exit 2) before anything runs: a rebuild names its one dataset, and a rename
    names a column of its contract."""
    assert SilverRebuild.parse("a=b, c=d").renamed == {"a": "b", "c": "d"}
    with pytest.raises(ValueError, match="is not old=new"):
        SilverRebuild.parse("a")
    run = ["--contracts", str(contract.path.parent), "run"]
    assert main([*run, "--rebuild-silver"]) == 2
    assert main([*run, "--renamed", "a=b"]) == 2
    rename = ("--dataset", contract.name, "--rebuild-silver", "--renamed", "a=no_such_column")
    assert main([*run, *rename]) == 2
    said = capsys.readouterr().err
    assert "name the dataset to rebuild with --dataset" in said
    assert "only with --rebuild-silver" in said
    assert "['no_such_column'] are not columns of" in said


def test_a_renamed_column_is_refused_then_rebuilt_from_bronze(local_run, contract):
    run = local_run(SOURCE)
    assert run("--synthetic", ROWS, *SILVER_ONLY) == 0
    first = run.report
    silver_keys = {tuple(r.values()) for r in _keys(run, contract)}
    (contract_path,) = run.contracts.glob("*.odcs.yaml")
    old = renamable(contract).name
    new = f"{old}_renamed"
    document = yaml.safe_load(contract_path.read_text())
    for prop in document["schema"][0]["properties"]:
        if prop["name"] == old:
            prop["name"] = new
            for rule in prop.get("quality") or []:
                rule["name"] = rule["name"].replace(old, new)
    contract_path.write_text(yaml.safe_dump(document, sort_keys=False))
    tables = [("bronze", contract.name), ("silver", contract.name)]
    versions = {table: run.table(*table).version() for table in tables}

    assert run("--synthetic", ROWS, "--offset", "100000", "--seed", "7", *SILVER_ONLY) == 1
    error = run.report["error"]
    assert f"{contract.name}.{old}: column removed or renamed" in error
    assert "bump the contract's major version" in error
    assert f"make rebuild-silver DATASET={contract.name}" in error
    assert {table: run.table(*table).version() for table in tables} == versions, "wrote"

    major = int(contract.version.split(".")[0]) + 1
    document["version"] = f"{major}.0.0"
    contract_path.write_text(yaml.safe_dump(document, sort_keys=False))
    rebuild = ("--dataset", contract.name, "--rebuild-silver", "--renamed", f"{old}={new}")
    assert run("--layers", "silver", *rebuild) == 0
    rebuilt = run.report["silver"]
    assert rebuilt["rows_read"] == first["bronze"]["rows_written"]
    assert (
        rebuilt["upserts"] + rebuilt["superseded_duplicates"] + rebuilt["quarantined"]
        == (rebuilt["rows_read"])
    )
    assert rebuilt["quarantined"] == first["silver"]["quarantined"], "the rename lost values"
    silver = run.table("silver", contract.name)
    assert {tuple(r.values()) for r in _keys(run, contract)} == silver_keys
    assert old not in [field.name for field in silver.schema().fields]
    assert silver.metadata().configuration[schema_guard.CONTRACT_VERSION] == f"{major}.0.0"
    quarantine = run.table("silver", naming.quarantine_table(contract.name))
    assert quarantine.to_pyarrow_dataset().count_rows() == first["silver"]["quarantined"]

    # The next run goes on; a widened type (a minor change) widens the table on the way.
    widening = a_widening(contract, skip=old)  # the renamed column is gone
    if widening:
        for prop in document["schema"][0]["properties"]:
            if prop["name"] == widening[0]:
                prop["physicalType"] = widening[1].upper()
        document["version"] = f"{major}.1.0"
        contract_path.write_text(yaml.safe_dump(document, sort_keys=False))
    assert run(*SILVER_ONLY) == 0, run.report["error"]
    assert run.report["bronze"]["rows_written"] > 0
    assert silver_keys < {tuple(r.values()) for r in _keys(run, contract)}
    if widening:
        state = LocalStorage(None, Runtime("local", root=run.root)).table_state(
            "silver", contract.name
        )
        assert state.columns[widening[0]] == widening[1]


def _keys(run, contract):
    table = run.table("silver", contract.name).to_pyarrow_table()
    return table.select(list(contract.primary_key)).to_pylist()


def _walkthrough_document(version: str, columns: list[str]) -> dict:
    properties = [{"name": name, "physicalType": "STRING"} for name in columns]
    return {"name": "<dataset>", "version": version, "schema": [{"properties": properties}]}


def test_the_readme_walkthrough_shows_real_commands_and_messages(contract):
    """README "Changing a contract": each make command it shows is a Makefile target, and each
    message block is what the CI gate and the engine print (placeholders for the names)."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Changing a contract\n", 1)[1].split("\n## ", 1)[0]
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z-]+):", makefile, flags=re.MULTILINE))
    shown = set(re.findall(r"`make ([a-z-]+)", section))
    assert {"contract-changes", "test", "run", "rebuild-silver"} <= shown <= targets
    additive, refused, engine = re.findall(r"```text\n(.*?)```", section, flags=re.S)

    def gate(old: list[str], new: list[str]) -> str:
        base = {"<dataset>": _walkthrough_document("1.0.0", old)}
        head = {"<dataset>": _walkthrough_document("1.1.0", new)}
        return summary(review(base, head), "origin/main")

    assert additive in gate(["id"], ["id", "<column>"])
    assert refused in gate(["id", "<old>"], ["id", "<new>"])
    renamed = dataclasses.replace(contract, name="<dataset>", version="1.1.0")
    table = TableState(
        {**as_written(contract).columns, "<old>": "string"},
        {schema_guard.CONTRACT_VERSION: "1.0.0"},
    )
    problems = schema_guard.breaking_changes(renamed, table)
    assert engine.strip() == f"contract: {schema_guard.refusal(renamed, table, problems)}"
