"""A rendered repository's GitHub workflows as GitHub runs them: reusable-workflow calls resolved.

The per-environment work lives in reusable workflows (`on: workflow_call`) that deploy.yml,
infra.yml and destroy.yml call once per environment with `uses: $/.github/workflows/<file>`.
A test of what runs (which environment, identity, runner, command) reads the called jobs with
the caller's inputs in place: GitHub evaluates a caller's `with` in the caller and hands the
results to the called workflow as `inputs`.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

LOCAL_WORKFLOW = "$/.github/workflows/"
INPUT = re.compile(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}")


def workflow(project: Path, name: str) -> dict:
    return yaml.safe_load((project / ".github" / "workflows" / name).read_text())


def triggers(document: dict) -> dict:
    """The `on:` mapping (YAML 1.1 reads the key `on` as true)."""
    return document.get(True, document.get("on")) or {}


def _with_inputs(value, inputs: dict):
    if isinstance(value, dict):
        return {key: _with_inputs(item, inputs) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_inputs(item, inputs) for item in value]
    if not isinstance(value, str):
        return value
    whole = INPUT.fullmatch(value.strip())
    if whole:
        return inputs[whole.group(1)]
    return INPUT.sub(lambda match: str(inputs[match.group(1)]), value)


def _called_inputs(project: Path, called: str, caller_name: str, given: dict) -> dict:
    declared = triggers(workflow(project, called))["workflow_call"] or {}
    inputs = {}
    for name, spec in (declared.get("inputs") or {}).items():
        if name in given:
            inputs[name] = given[name]
        elif "default" in spec:
            inputs[name] = spec["default"]
        else:
            assert not spec.get("required"), f"{caller_name}: no value for required input {name}"
    unknown = set(given) - set(inputs)
    assert not unknown, f"{caller_name}: {called} declares no input {sorted(unknown)}"
    return inputs


def resolved_jobs(project: Path, name: str, callers: tuple[dict, ...] = ()) -> dict[str, dict]:
    """Every job a run of workflow ``name`` can start, keyed by its path (`deploy-dev/verify`).

    A job calling a reusable workflow of this repository is replaced by the called workflow's
    jobs, inputs substituted; each resolved job lists the caller jobs it runs under in
    `callers` (outermost first), whose `if`, `needs` and `permissions` bound it.
    """
    jobs = {}
    for job_name, job in workflow(project, name)["jobs"].items():
        target = job.get("uses", "")
        if not target.startswith(LOCAL_WORKFLOW):
            jobs[job_name] = {**job, "callers": list(callers)}
            continue
        called = target.removeprefix(LOCAL_WORKFLOW)
        inputs = _called_inputs(project, called, job_name, job.get("with") or {})
        for inner_name, inner in resolved_jobs(project, called, (*callers, job)).items():
            outer = inner.pop("callers")  # the callers' own expressions are not this call's
            jobs[f"{job_name}/{inner_name}"] = {**_with_inputs(inner, inputs), "callers": outer}
    return jobs


def runs_on_pull_requests(job: dict) -> bool:
    """Whether a resolved job can start on a pull_request event (no `if` on it or on a caller
    excludes it)."""
    excluded = (
        "github.event_name != 'pull_request'",
        "github.event_name == 'push'",
        "needs.",  # gated on an earlier job's output, which pull requests never produce
    )
    conditions = [str(j.get("if", "")) for j in (*job["callers"], job)]
    return not any(part in condition for condition in conditions for part in excluded)


def composite_actions(project: Path) -> dict[str, dict]:
    """The repository's composite actions by directory name (.github/actions/<name>)."""
    folder = project / ".github" / "actions"
    return {
        p.parent.name: yaml.safe_load(p.read_text()) for p in sorted(folder.glob("*/action.yml"))
    }
