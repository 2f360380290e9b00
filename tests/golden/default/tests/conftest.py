"""Fixtures of the engine's tests: one local Spark session, contracts and local runs.

Tests that take ``contract`` run once per contract in contracts/: they hold for every
dataset the repository has, not only the first one.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import yaml

from lakehouse_domain import naming
from lakehouse_domain.contract import load_contracts
from lakehouse_domain.spark_session import get_spark
from lakehouse_local.cli import main

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = ROOT / "contracts"
DATASETS = [contract.name for contract in load_contracts(CONTRACTS)]


@pytest.fixture(scope="session")
def spark():
    os.environ.setdefault("LOCAL_SPARK_MASTER", "local[2]")
    session = get_spark(local=True)
    session.conf.set("spark.sql.shuffle.partitions", "2")
    yield session
    session.stop()


@pytest.fixture(scope="session", params=DATASETS)
def contract(request):
    """Each contract of the repository in turn."""
    return next(c for c in load_contracts(CONTRACTS) if c.name == request.param)


def contract_document(contract) -> dict:
    return yaml.safe_load(contract.path.read_text())


def contract_variant(contract, directory: Path, source: dict | None = None) -> Path:
    """A folder holding only ``contract``, optionally reading from another source."""
    document = contract_document(contract)
    if source:
        document["customProperties"] = [
            p for p in document.get("customProperties", []) if p["property"] != "source"
        ] + [{"property": "source", "value": source}]
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / contract.path.name
    target.write_text(yaml.safe_dump(document, sort_keys=False))
    return directory


class LocalRun:
    """Runs the command line in-process against a private root, contracts and report."""

    def __init__(self, base: Path, contracts: Path):
        self.root = base / "local"
        self.report_path = base / "run_report.json"
        self.contracts = contracts

    def __call__(self, *args: str) -> int:
        return main(
            [
                "--contracts",
                str(self.contracts),
                "run",
                "--root",
                str(self.root),
                "--report",
                str(self.report_path),
                *args,
            ]
        )

    @property
    def report(self) -> dict:
        return json.loads(self.report_path.read_text())["datasets"][0]

    def landing(self, dataset: str) -> Path:
        return self.root / "landing" / dataset

    def table(self, layer: str, name: str):
        from deltalake import DeltaTable

        return DeltaTable(str(self.root / layer / name))

    def reset(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def local_run(tmp_path, spark, contract):
    """A local run of ``contract`` alone, from its own source or from ``source``."""
    return lambda source=None: LocalRun(
        tmp_path, contract_variant(contract, tmp_path / "contracts", source)
    )


def assert_conserved(report: dict) -> None:
    silver = report["silver"]
    assert report["error"] is None, report["error"]
    assert report["conservation"]["holds"]
    assert silver["rows_read"] == report["bronze"]["rows_written"] > 0
    assert (
        silver["upserts"]
        + silver["superseded_duplicates"]
        + silver["quarantined"]
        + silver["already_quarantined"]
        == (silver["rows_read"])
    )
    assert silver["table_growth"] == silver["inserted"]
    assert silver["quarantined"] > 0 and silver["superseded_duplicates"] > 0


def assert_rerun_changes_nothing(run, contract) -> None:
    tables = [
        ("bronze", contract.name),
        ("silver", contract.name),
        ("silver", naming.quarantine_table(contract.name)),
    ]
    versions = {table: run.table(*table).version() for table in tables}
    assert run() == 0
    report = run.report
    assert report["bronze"]["rows_written"] == 0
    assert report["silver"]["rows_read"] == 0
    assert report["gold"]["inserted"] == report["gold"]["updated"] == 0
    assert {table: run.table(*table).version() for table in tables} == versions
