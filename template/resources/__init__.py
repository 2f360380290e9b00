"""Bundle resources derived from the contracts: one job per dataset and the governance job
(managed by the template)."""

import sys
from pathlib import Path

from databricks.bundles.core import Bundle, Resources

# The Databricks CLI imports this package with `.venv/bin/python` from the bundle root and
# no PYTHONPATH: the engine lives in src/ and is not installed in the venv.
SOURCE = str(Path(__file__).resolve().parents[1] / "src")
if SOURCE not in sys.path:
    sys.path.insert(0, SOURCE)

from lakehouse_domain.contract import load_contracts  # noqa: E402

from .jobs import governance_job, medallion_job  # noqa: E402

# The personal development target (databricks.yml) works on the dev environment's catalog.
PERSONAL_TARGET = "personal"


def environment_of(target: str) -> str:
    return "dev" if target == PERSONAL_TARGET else target


def load_resources(bundle: Bundle) -> Resources:
    """Called by `databricks bundle deploy|validate` for the selected target."""
    environment = environment_of(bundle.target)
    contracts = load_contracts(Path(__file__).resolve().parents[1] / "contracts")
    resources = Resources()
    for contract in contracts:
        resources.add_job(f"{contract.name}_medallion", medallion_job(contract, environment))
    resources.add_job("governance", governance_job(environment))
    return resources
