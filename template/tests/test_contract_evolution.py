"""An additive contract change just works on the next run: a new optional column evolves
bronze and silver (delta-rs schema merge locally; `mergeSchema` appends and `MERGE WITH SCHEMA
EVOLUTION` on Databricks), rows written before read null in it, and no row is lost."""

import yaml

from lakehouse_domain.contract_changes import ADDITIVE, classify
from lakehouse_domain.storage import merge_sql

from .conftest import assert_conserved

ROWS = "300"
NEW_COLUMN = "evolution_note"
SOURCE = {"type": "files", "format": "csv"}  # one source: the evolution is in the storage layer


def add_optional_column(contract_path):
    """The contract as a user changes it: one optional text column more, minor version bump."""
    before = yaml.safe_load(contract_path.read_text())
    after = yaml.safe_load(contract_path.read_text())
    after["schema"][0]["properties"].append(
        {
            "name": NEW_COLUMN,
            "logicalType": "string",
            "physicalType": "STRING",
            "required": False,
            "description": "Added after the first run",
        }
    )
    after["version"] = "1.1.0"
    assert {change.kind for change in classify(before, after)} == {ADDITIVE}
    contract_path.write_text(yaml.safe_dump(after, sort_keys=False))


def silver_keys(table, contract) -> list[tuple]:
    return [tuple(row.values()) for row in table.select(list(contract.primary_key)).to_pylist()]


def test_a_new_optional_column_evolves_every_layer_and_loses_no_row(local_run, contract):
    run = local_run(SOURCE)
    assert run("--synthetic", ROWS) == 0
    first_keys = set(silver_keys(run.table("silver", contract.name).to_pyarrow_table(), contract))

    (contract_path,) = run.contracts.glob("*.odcs.yaml")
    add_optional_column(contract_path)
    assert run("--synthetic", ROWS, "--offset", "100000", "--seed", "7") == 0
    assert_conserved(run.report)

    bronze = run.table("bronze", contract.name).to_pyarrow_table()
    silver = run.table("silver", contract.name).to_pyarrow_table()
    assert NEW_COLUMN in bronze.column_names and NEW_COLUMN in silver.column_names
    keys = silver_keys(silver, contract)
    assert first_keys <= set(keys), "a row written before the change was lost"
    values = dict(zip(keys, silver.column(NEW_COLUMN).to_pylist(), strict=True))
    assert all(values[key] is None for key in first_keys), "old rows read null in the new column"
    assert any(value is not None for key, value in values.items() if key not in first_keys)


def test_databricks_merge_and_append_evolve_the_schema():
    """MERGE WITH SCHEMA EVOLUTION (Databricks Runtime 15.2+, learn.microsoft.com/azure/
    databricks/sql/language-manual/delta-merge-into) adds the source's new columns to the
    target; without it `UPDATE SET *` / `INSERT *` fail on a column the target lacks."""
    statement = merge_sql(("c", "silver", "t"), "v", ["id", "x"], ["id"], None, False)
    assert statement.startswith("MERGE WITH SCHEMA EVOLUTION INTO ")
