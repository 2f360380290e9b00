"""Bundle resources derived from the contracts: one job per dataset, the governance job, and
the monitoring of the environment: a SQL warehouse, each dataset's alerts and the operations
dashboard (managed by the template)."""

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
from .monitoring import DASHBOARD_KEY, WAREHOUSE_KEY, alerts, dashboard, sql_warehouse  # noqa: E402

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
    pipeline_may_use = bundle.target != PERSONAL_TARGET
    resources.add_sql_warehouse(WAREHOUSE_KEY, sql_warehouse(environment, pipeline_may_use))
    for contract in contracts:
        for key, alert in alerts(contract, environment).items():
            resources.add_alert(key, alert)
    resources.add_dashboard(DASHBOARD_KEY, dashboard(environment))
    return resources
