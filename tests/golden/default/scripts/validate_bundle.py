"""`make bundle-validate`: the bundle checked offline, the way pull requests check it.

`databricks bundle validate` needs a workspace identity (it resolves the current user), and
pull-request jobs get none. This loads every target of databricks.yml through
databricks-bundles' own entry point, exactly as the Databricks CLI calls it (`.venv` python,
bundle root as working directory, no PYTHONPATH, the configuration with the target selected),
re-validates every job, SQL warehouse, alert and dashboard against the typed models, which
reject unknown keys and wrong types at any depth, and checks each target's keys and permission
levels against the bundle configuration reference (the models do not cover targets).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from databricks.bundles.alerts import Alert
from databricks.bundles.dashboards import Dashboard
from databricks.bundles.jobs import Job
from databricks.bundles.sql_warehouses import SqlWarehouse

ROOT = Path(__file__).resolve().parents[1]
# Databricks bundle configuration reference, `targets.<name>` and top-level `permissions`.
TARGET_KEYS = {
    "artifacts", "bundle", "cluster_id", "compute_id", "default", "git", "mode",
    "permissions", "presets", "resources", "run_as", "sync", "variables", "workspace",
}  # fmt: skip
MODES = {"development", "production"}
PERMISSION_LEVELS = {"CAN_VIEW", "CAN_MANAGE", "CAN_RUN"}
PRINCIPALS = {"user_name", "group_name", "service_principal_name"}
# The bundle's resource types and the model each is re-validated against.
MODELS = {"jobs": Job, "sql_warehouses": SqlWarehouse, "alerts": Alert, "dashboards": Dashboard}


def target_problems(name: str, target: dict) -> list[str]:
    problems = [f"unknown key {key!r}" for key in sorted(set(target) - TARGET_KEYS)]
    if target.get("mode", "development") not in MODES:
        problems.append(f"mode {target['mode']!r} is not one of {sorted(MODES)}")
    for permission in target.get("permissions", []):
        if len(PRINCIPALS & set(permission)) != 1:
            problems.append(f"permission {permission} needs one of {sorted(PRINCIPALS)}")
        if permission.get("level") not in PERMISSION_LEVELS:
            problems.append(
                f"permission level {permission.get('level')!r} is not one of "
                f"{sorted(PERMISSION_LEVELS)}"
            )
    return [f"target {name}: {problem}" for problem in problems]


def load_target(bundle: dict, target: str, variables: dict, work: Path) -> tuple[dict, list[str]]:
    """The target's resources as the CLI's python mutator returns them, and its errors."""
    request, output, diagnostics = (work / f"{target}.{n}" for n in ("in", "out", "diag"))
    configuration = {key: value for key, value in bundle.items() if key != "targets"}
    configuration["bundle"] = {**bundle["bundle"], "target": target}
    configuration["variables"] = variables
    request.write_text(json.dumps(configuration))
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    command = [sys.executable, "-m", "databricks.bundles.build", "--phase", "load_resources"]
    paths = ["--input", request, "--output", output, "--diagnostics", diagnostics]
    result = subprocess.run(
        [*command, *map(str, paths)], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    errors = [
        f"{d.get('summary')}: {d.get('detail', '')}".strip()
        for d in map(
            json.loads, diagnostics.read_text().splitlines() if diagnostics.exists() else []
        )
        if d.get("severity") == "error"
    ]
    if result.returncode and not errors:
        errors.append(result.stderr.strip().splitlines()[-1] if result.stderr else "failed")
    resources = json.loads(output.read_text()).get("resources", {}) if not errors else {}
    return resources, errors


def main() -> int:
    bundle = yaml.safe_load((ROOT / "databricks.yml").read_text())
    variables = {
        name: {"value": spec.get("default", "")}
        for name, spec in (bundle.get("variables") or {}).items()
    }
    problems = []
    with tempfile.TemporaryDirectory() as work:
        for target, settings in bundle["targets"].items():
            problems += target_problems(target, settings or {})
            resources, errors = load_target(bundle, target, variables, Path(work))
            problems += [f"target {target}: {error}" for error in errors]
            for kind, model in MODELS.items():
                for key, spec in resources.get(kind, {}).items():
                    try:
                        if model.from_dict(spec).as_dict() != spec:
                            problems.append(f"target {target}: {kind} {key} does not round-trip")
                    except Exception as error:  # the models name the offending field
                        problems.append(f"target {target}: {kind} {key}: {error}")
            listed = "; ".join(
                f"{kind}: {', '.join(sorted(resources.get(kind, {}))) or 'none'}" for kind in MODELS
            )
            print(f"{target}: {'invalid' if errors else 'valid'} ({listed})")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
