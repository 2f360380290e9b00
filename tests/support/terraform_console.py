"""Evaluate a module's locals with `terraform console` (no provider needed: only locals and
variables are copied into a scratch directory)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

TERRAFORM = shutil.which("terraform")
PIPELINE = "00000000-0000-0000-0000-000000000001"
PLAN = "00000000-0000-0000-0000-000000000002"


def terraform_env() -> dict[str, str]:
    return {**os.environ, "TF_CLI_CONFIG_FILE": os.devnull, "CHECKPOINT_DISABLE": "1"}


def console(work: Path, expression: str) -> str:
    """`expression` evaluated in the configuration in `work`, as `terraform console` prints it."""
    subprocess.run(
        [TERRAFORM, "init", "-backend=false", "-input=false"],
        cwd=work,
        check=True,
        capture_output=True,
        env=terraform_env(),
    )
    result = subprocess.run(
        [TERRAFORM, "console"],
        input=expression,
        cwd=work,
        capture_output=True,
        text=True,
        env=terraform_env(),
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def grants_for(environment: str, work: Path, renders: dict) -> dict:
    """The unity_catalog module's grant locals of one environment, as JSON."""
    module = renders["default"] / "infra" / "modules" / "unity_catalog"
    work.mkdir(parents=True)
    shutil.copy(module / "locals.tf", work)
    shutil.copy(module / "variables.tf", work)
    (work / "terraform.tfvars.json").write_text(
        json.dumps(
            {
                "environment": environment,
                "names": {
                    "catalog": "c",
                    "schemas": {s: s for s in ("bronze", "silver", "gold", "governance", "ops")},
                    "volumes": {"landing": "landing", "checkpoints": "checkpoints"},
                    "storage_credential": "x",
                    "landing_location": "x",
                    "catalog_location": "x",
                    "landing_volume_directory": "files",
                    "eventhub_service_credential": "x",
                    "secret_scope": "x",
                },
                "workspace_id": "1",
                "access_connector_id": "x",
                "landing_url": "abfss://l@a.dfs.core.windows.net/",
                "catalog_url": "abfss://c@a.dfs.core.windows.net/",
                "region": "brazilsouth",
                "groups": {
                    "owners": "owners",
                    "engineers": "engineers",
                    "analysts": "analysts",
                    "pii_readers": "pii",
                },
                "pipeline_application_id": PIPELINE,
                "plan_application_id": PLAN,
            }
        )
    )
    expression = (
        "jsonencode({catalog = local.catalog_grants, schema = local.schema_grants, "
        "volume = local.volume_grants})"
    )
    return json.loads(json.loads(console(work, expression)))
