"""Migration to 0.3.0, after the update: a domain that reads over JDBC keeps its PostgreSQL tests.

Up to 0.2.0 every domain had ``tests/test_local_postgres.py``; from 0.3.0 the template renders
it only when the first dataset is a JDBC one, and ``add-dataset`` writes it with the first JDBC
dataset added later. A domain whose first dataset reads files but which added a JDBC dataset
before 0.3.0 would lose the file in the update, and with it its PostgreSQL tests. This script
writes it back (the text the engine's ``lakehouse_local/jdbc_tests.py`` defines, which the
update has just written) when a contract reads over JDBC and the file is missing. Runs in the
destination; writes nothing otherwise, so it is idempotent.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import yaml

CONTRACTS = Path("contracts")
TESTS = Path("tests")
JDBC_TESTS = Path("src/lakehouse_local/jdbc_tests.py")


def reads_over_jdbc(contract: Path) -> bool:
    document = yaml.safe_load(contract.read_text()) or {}
    custom = {p.get("property"): p.get("value") for p in document.get("customProperties") or []}
    return (custom.get("source") or {}).get("type") == "jdbc"


def main() -> int:
    jdbc = [path.name for path in sorted(CONTRACTS.glob("*.odcs.yaml")) if reads_over_jdbc(path)]
    if not jdbc or not JDBC_TESTS.is_file():
        return 0
    spec = importlib.util.spec_from_file_location("jdbc_tests", JDBC_TESTS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = module.write_if_missing(TESTS)
    if written:
        print(f"wrote {written}: {', '.join(jdbc)} read over JDBC, so the PostgreSQL tests run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
