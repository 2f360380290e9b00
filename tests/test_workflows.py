"""Rendered GitHub workflows: valid, linted clean, hardened; bundle jobs valid per answer set."""

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from support.generated_venv import generated_repo_venv
from support.render import answer_set_names
from support.tool_venvs import tool_bin

USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$", re.M)
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"^\s+# v\d+\.\d+\.\d+$")
WORKFLOWS = ("ci.yml", "deploy.yml", "destroy.yml", "infra.yml", "template-update.yml")


def workflows(project: Path) -> dict[str, tuple[str, dict]]:
    folder = project / ".github" / "workflows"
    return {
        p.name: (p.read_text(), yaml.safe_load(p.read_text())) for p in sorted(folder.glob("*.yml"))
    }


def run_tool(name: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [tool_bin("workflow-lint", name), *args], cwd=cwd, capture_output=True, text=True
    )


@pytest.mark.parametrize("name", answer_set_names())
def test_hardening_policy(answer_set_renders, name):
    found = workflows(answer_set_renders[name])
    assert sorted(found) == sorted(WORKFLOWS)
    for file, (text, workflow) in found.items():
        triggers = workflow.get(True, workflow.get("on"))  # YAML reads `on` as true
        assert "pull_request_target" not in triggers, file
        assert workflow["permissions"] == {}, f"{file}: permissions must start empty"
        for job_name, job in workflow["jobs"].items():
            assert "permissions" in job, f"{file}: {job_name} sets its own minimal permissions"
            if "uses" in job:
                continue
            for step in job["steps"]:
                if str(step.get("uses", "")).startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False, f"{file}: {job_name}"
                assert "${{ github.event." not in step.get("run", ""), f"{file}: {job_name}"
        for target, comment in USES.findall(text):
            if target.startswith("$/"):
                continue  # a workflow of this repository, at the running commit
            assert PINNED.match(target), f"{file}: {target} must be pinned to a commit SHA"
            assert VERSION_COMMENT.match(comment), f"{file}: {target} needs a # vX.Y.Z comment"
        secrets = set(re.findall(r"secrets\.(\w+)", text))
        # OIDC everywhere; the one stored secret is the template-update App's private key
        # (GitHub App tokens are minted from it; no OIDC exchange exists for them).
        allowed = {"TEMPLATE_UPDATE_APP_PRIVATE_KEY"} if file == "template-update.yml" else set()
        assert secrets <= allowed, f"{file}: {secrets}"
    infra = found["infra.yml"][1]
    for job_name, job in infra["jobs"].items():
        if job_name.startswith("apply-"):
            assert job["concurrency"]["cancel-in-progress"] is False
            assert job["environment"] == job_name.removeprefix("apply-")
            assert job["env"]["ARM_CLIENT_ID"].startswith("${{ vars.AZURE_APPLY_CLIENT_ID_")
        if job_name.startswith("plan-"):
            assert "environment" not in job  # plan never holds apply credentials
            assert job["env"]["ARM_CLIENT_ID"].startswith("${{ vars.AZURE_PLAN_CLIENT_ID_")


def test_a_domain_manifest_change_is_an_infrastructure_change(answer_set_renders):
    """domain.json holds the names Terraform creates: a push changing it is applied by infra.yml,
    which then deploys the bundle; deploy.yml leaves such a push to it."""
    found = workflows(answer_set_renders["default"])
    infra = found["infra.yml"][1][True]
    for event in ("pull_request", "push"):
        assert "domain.json" in infra[event]["paths"], event
    deploy_text, deploy = found["deploy.yml"]
    assert "domain.json" in deploy[True]["push"]["paths-ignore"]
    assert "-- infra domain.json || changed=$?" in deploy_text


@pytest.mark.slow
@pytest.mark.parametrize("name", answer_set_names())
def test_schema_actionlint_and_zizmor_are_clean(answer_set_renders, name):
    project = answer_set_renders[name]
    files = [str(p) for p in sorted((project / ".github" / "workflows").glob("*.yml"))]
    schema = run_tool(
        "check-jsonschema", "--builtin-schema", "vendor.github-workflows", *files, cwd=project
    )
    assert schema.returncode == 0, schema.stdout + schema.stderr
    dependabot = run_tool(
        "check-jsonschema",
        "--builtin-schema",
        "vendor.dependabot",
        ".github/dependabot.yml",
        cwd=project,
    )
    assert dependabot.returncode == 0, dependabot.stdout
    actionlint = run_tool("actionlint", *files, cwd=project)
    assert actionlint.returncode == 0, actionlint.stdout + actionlint.stderr
    zizmor = run_tool("zizmor", "--offline", ".github/workflows", cwd=project)
    assert zizmor.returncode == 0, zizmor.stdout + zizmor.stderr
    assert "No findings to report" in zizmor.stdout + zizmor.stderr


@pytest.mark.slow
def test_zizmor_catches_a_planted_weakness(answer_set_renders, tmp_path):
    workflow = tmp_path / ".github" / "workflows" / "bad.yml"
    workflow.parent.mkdir(parents=True)
    ci = (answer_set_renders["default"] / ".github" / "workflows" / "ci.yml").read_text()
    injected = ci.replace("run: make lint", 'run: echo "${{ github.event.pull_request.title }}"')
    assert injected != ci
    workflow.write_text(injected)
    zizmor = run_tool("zizmor", "--offline", ".github/workflows", cwd=tmp_path)
    assert zizmor.returncode != 0
    assert "template-injection" in zizmor.stdout + zizmor.stderr


LOAD_JOBS = """
import json, sys
from databricks.bundles.core import Bundle
from databricks.bundles.jobs import Job
from resources import load_resources
jobs = {}
for target in sys.argv[1:]:
    for key, job in load_resources(Bundle(target=target)).jobs.items():
        data = job.as_dict()
        assert Job.from_dict(data).as_dict() == data
        jobs[f"{target}/{key}"] = [task["task_key"] for task in data["tasks"]]
print(json.dumps(jobs))
"""


@pytest.mark.slow
@pytest.mark.parametrize("name", answer_set_names())
def test_bundle_jobs_validate_for_every_target(answer_set_renders, name):
    import json

    project = answer_set_renders[name]
    venv = generated_repo_venv(project)
    bundle = yaml.safe_load((project / "databricks.yml").read_text())
    targets = list(bundle["targets"])
    result = subprocess.run(
        [str(venv / "bin" / "python"), "-c", LOAD_JOBS, *targets],
        cwd=project,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": "src"},
    )
    assert result.returncode == 0, result.stderr
    jobs = json.loads(result.stdout)
    contracts = list((project / "contracts").glob("*.odcs.yaml"))
    assert len(jobs) == len(targets) * (len(contracts) + 1)  # + the governance job
    medallion = {tuple(tasks) for key, tasks in jobs.items() if key.endswith("_medallion")}
    assert medallion == {("ingest", "silver", "gold", "governance")}
    assert {tuple(jobs[f"{target}/governance"]) for target in targets} == {("governance",)}
