"""add-dataset writes a valid contract, a starter gold transform and the README's dataset
list with the questionnaire's rules (and, for the first JDBC dataset, the test file that
collects the PostgreSQL tests), or nothing at all."""

from __future__ import annotations

import importlib.util
import shutil

import pytest
import yaml

from lakehouse_domain.contract import load_contracts
from lakehouse_domain.dataset_docs import BEGIN
from lakehouse_local import jdbc_tests
from lakehouse_local.add_dataset import update_readme
from lakehouse_local.cli import main

from .conftest import CONTRACTS, ROOT

CHARGEBACKS = {
    "dataset_name": "chargebacks",
    "dataset_description": "Disputed card transactions",
    "source_type": "files",
    "file_format": "json",
    "columns": [
        {"name": "chargeback_id", "type": "string", "required": True},
        {"name": "opened_at", "type": "timestamp", "required": True},
        {"name": "holder_email", "type": "string", "pii": "email"},
        {"name": "amount", "type": "decimal(18,2)", "required": True},
    ],
    "primary_key": ["chargeback_id"],
    "ordering_column": "opened_at",
    "masking_rules": {"holder_email": "email_partial"},
}


@pytest.fixture
def workspace(tmp_path):
    """A copy of contracts/ and the README, and an empty gold transforms folder."""
    shutil.copytree(CONTRACTS, tmp_path / "contracts")
    shutil.copy(ROOT / "README.md", tmp_path / "README.md")
    (tmp_path / "gold").mkdir()
    return tmp_path


def add(workspace, answers) -> int:
    path = workspace / "answers.yml"
    path.write_text(yaml.safe_dump(answers))
    return main(
        [
            "--contracts",
            str(workspace / "contracts"),
            "add-dataset",
            "--answers",
            str(path),
            "--readme",
            str(workspace / "README.md"),
            "--gold-dir",
            str(workspace / "gold"),
            "--tests-dir",
            str(workspace / "tests"),
        ]
    )


def test_new_dataset_gets_a_contract_a_gold_transform_and_a_readme_entry(workspace):
    assert add(workspace, CHARGEBACKS) == 0
    loaded = {c.name: c for c in load_contracts(workspace / "contracts")}
    chargebacks = loaded["chargebacks"]
    assert chargebacks.primary_key == ("chargeback_id",)
    assert chargebacks.ordering_column == "opened_at"
    assert chargebacks.masked_columns == {"holder_email": "email_partial"}
    assert chargebacks.source.format == "json"
    assert len(loaded) == len(list(CONTRACTS.glob("*.odcs.yaml"))) + 1

    transform = workspace / "gold" / "chargebacks.py"
    spec = importlib.util.spec_from_file_location("chargebacks_gold", transform)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.TABLE == "chargebacks_daily_features" and "activity_date" in module.KEYS
    assert "holder_email" not in transform.read_text()  # PII never feeds gold

    readme = (workspace / "README.md").read_text()
    for name in loaded:
        assert f"### `{name}`" in readme


def test_invalid_answers_write_nothing_and_name_the_rule(workspace, capsys):
    before = sorted(p.name for p in (workspace / "contracts").iterdir())
    readme = (workspace / "README.md").read_text()
    assert add(workspace, dict(CHARGEBACKS, masking_rules={})) == 2
    assert "[rule: pii-masked]" in capsys.readouterr().err
    assert sorted(p.name for p in (workspace / "contracts").iterdir()) == before
    assert not any((workspace / "gold").iterdir())
    assert (workspace / "README.md").read_text() == readme


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"ordering_column": "holder_email"}, "ordering-type"),
        ({"ordering_column": "chargeback_id"}, "ordering-type"),
        ({"primary_key": ["holder_email"]}, "pk-column-required"),
        (
            {"masking_rules": {"holder_email": "email_partial", "chargeback_id": "redact"}},
            "pk-not-masked",
        ),
        ({"dataset_name": "class"}, "python-keyword"),
        ({"source_type": "ftp"}, "choice"),
        (
            {"row_filter_column": "holder_email", "row_filter_groups": {"g": ["x'"]}},
            "row-filter-values",
        ),
        ({"delete_column": "amount", "delete_values": ["D"]}, "delete-column-type"),
        ({"scd_type": 2, "tracked_columns": ["chargeback_id"]}, "tracked-columns"),
    ],
)
def test_each_rule_guards_added_datasets(workspace, capsys, change, rule):
    assert add(workspace, {**CHARGEBACKS, **change}) == 2
    assert f"[rule: {rule}]" in capsys.readouterr().err


def test_the_first_jdbc_dataset_brings_the_postgresql_tests(workspace, capsys):
    assert add(workspace, CHARGEBACKS) == 0
    assert not (workspace / "tests").exists()  # a files dataset needs no PostgreSQL
    disputes = dict(
        CHARGEBACKS,
        dataset_name="disputes",
        source_type="jdbc",
        jdbc_source_table="cards.disputes",
        jdbc_incremental_column="opened_at",
    )
    assert add(workspace, disputes) == 0
    collected = workspace / "tests" / jdbc_tests.FILE_NAME
    assert collected.read_text() == jdbc_tests.TEXT
    assert f"wrote {collected}" in capsys.readouterr().err.replace("\n", "")
    collected.write_text("# edited\n")
    assert add(workspace, dict(disputes, dataset_name="reversals")) == 0
    assert collected.read_text() == "# edited\n"  # an existing file is left alone


def test_every_jdbc_contract_has_its_postgresql_tests_collected():
    """Also for a contract written by hand: the JDBC source is tested where it is used."""
    if not any(c.source.type == "jdbc" for c in load_contracts(CONTRACTS)):
        pytest.skip("no contract reads over JDBC")
    collected = ROOT / "tests" / jdbc_tests.FILE_NAME
    assert collected.is_file(), f"a contract reads over JDBC: write {collected} (jdbc_tests.py)"


def test_an_existing_dataset_is_not_overwritten(workspace, capsys, contract):
    original = contract.path.read_text()
    assert add(workspace, dict(CHARGEBACKS, dataset_name=contract.name)) == 2
    assert "[rule: new-dataset]" in capsys.readouterr().err
    assert (workspace / "contracts" / contract.path.name).read_text() == original


def test_readme_lists_every_dataset_of_contracts(tmp_path):
    """The README's dataset list is what `make docs` writes from contracts/ (run it after
    editing a contract by hand)."""
    readme = tmp_path / "README.md"
    shutil.copy(ROOT / "README.md", readme)
    assert BEGIN in readme.read_text()
    assert update_readme(CONTRACTS, readme)
    assert readme.read_text() == (ROOT / "README.md").read_text(), "run `make docs`"


def test_deletes_and_history_reach_the_contract(workspace, capsys):
    columns = [*CHARGEBACKS["columns"], {"name": "status", "type": "string"}]
    answers = {
        **CHARGEBACKS,
        "columns": columns,
        "delete_column": "status",
        "delete_values": ["withdrawn"],
        "delete_mode": "soft",
        "scd_type": 2,
        "tracked_columns": ["amount"],
    }
    assert add(workspace, answers) == 0, capsys.readouterr().err
    added = next(c for c in load_contracts(workspace / "contracts") if c.name == "chargebacks")
    changes = added.changes
    assert (changes.delete_column, changes.delete_values, changes.delete_mode) == (
        "status",
        ("withdrawn",),
        "soft",
    )
    assert (changes.scd_type, changes.tracked_columns) == (2, ("amount",))
