"""Rendered GitHub workflows: valid, linted clean, hardened; bundle jobs valid per answer set."""

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from support.generated_venv import generated_repo_venv
from support.render import answer_set_names
from support.tool_venvs import tool_bin
from support.workflows import LOCAL_WORKFLOW, composite_actions, resolved_jobs, triggers

USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$", re.M)
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"^\s+# v\d+\.\d+\.\d+$")
LOCAL_ACTION = "$/.github/actions/"
# Callers (ci, deploy, infra, destroy, template-update) and the per-environment reusable
# workflows they call.
WORKFLOWS = (
    "bundle-deploy.yml",
    "ci.yml",
    "deploy.yml",
    "destroy.yml",
    "infra.yml",
    "template-update.yml",
    "terraform-apply.yml",
    "terraform-destroy.yml",
    "terraform-plan.yml",
)
# Tool versions the workflows install, each set in one composite action.
TOOL_VERSIONS = ("python-version", "terraform_version")


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
    project = answer_set_renders[name]
    found = workflows(project)
    actions = composite_actions(project)
    assert sorted(found) == sorted(WORKFLOWS)
    for file, (text, workflow) in found.items():
        assert "pull_request_target" not in triggers(workflow), file
        assert workflow["permissions"] == {}, f"{file}: permissions must start empty"
        for job_name, job in workflow["jobs"].items():
            assert "permissions" in job, f"{file}: {job_name} sets its own minimal permissions"
            if "uses" in job:
                assert job["uses"].startswith(LOCAL_WORKFLOW), f"{file}: {job_name}"
                continue
            for step in job["steps"]:
                assert "${{ github.event." not in step.get("run", ""), f"{file}: {job_name}"
        # Third-party actions only through the composite actions, at the running commit.
        for target, _ in USES.findall(text):
            if target.startswith(LOCAL_ACTION):
                assert target.removeprefix(LOCAL_ACTION) in actions, f"{file}: {target}"
            else:
                assert target.startswith(LOCAL_WORKFLOW), f"{file}: {target} is used directly"
        secrets = set(re.findall(r"secrets\.(\w+)", text))
        # OIDC everywhere; the one stored secret is the template-update App's private key
        # (GitHub App tokens are minted from it; no OIDC exchange exists for them).
        allowed = {"TEMPLATE_UPDATE_APP_PRIVATE_KEY"} if file == "template-update.yml" else set()
        assert secrets <= allowed, f"{file}: {secrets}"
    for action_name, action in actions.items():
        path = project / ".github" / "actions" / action_name / "action.yml"
        assert action["runs"]["using"] == "composite", action_name
        for step in action["runs"]["steps"]:
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, action_name
            assert "run" not in step, f"{action_name}: a pin holder runs nothing itself"
        for target, comment in USES.findall(path.read_text()):
            assert PINNED.match(target), f"{action_name}: {target} must be pinned to a commit SHA"
            assert VERSION_COMMENT.match(comment), f"{action_name}: {target} needs a # vX.Y.Z"
    infra = resolved_jobs(project, "infra.yml")
    for job_name, job in infra.items():
        caller = job_name.split("/")[0]
        if job_name.startswith("apply-"):
            assert job["concurrency"]["cancel-in-progress"] is False
            assert job["environment"] == caller.removeprefix("apply-")
            assert job["env"]["ARM_CLIENT_ID"].startswith("${{ vars.AZURE_APPLY_CLIENT_ID_")
        if job_name.startswith("plan-"):
            assert "environment" not in job  # plan never holds apply credentials
            assert job["env"]["ARM_CLIENT_ID"].startswith("${{ vars.AZURE_PLAN_CLIENT_ID_")
    destroy = resolved_jobs(project, "destroy.yml")
    for job_name, job in destroy.items():
        env = job_name.split("/")[0].removeprefix("destroy-")
        assert job["environment"] == env and job["concurrency"]["group"] == f"terraform-{env}"
        assert job["callers"][-1]["if"] == f"inputs.environment == '{env}'"


@pytest.mark.parametrize("name", answer_set_names())
def test_each_action_pin_and_tool_version_has_one_home(answer_set_renders, name):
    """Each third-party action is pinned in exactly one composite action under
    .github/actions/, and so is each tool version the workflows install, so one line changes
    a pin; Dependabot reads a composite action only in a directory its github-actions entry
    lists, so every one of them is listed.

    Sources: GitHub Dependabot options reference (`directories`; the github-actions ecosystem
    reads workflow files under .github/workflows of `/` and action.yml files of the listed
    directories, https://docs.github.com/code-security/dependabot/working-with-dependabot/
    dependabot-options-reference); GitHub changelog 2026-07-30, "Reference same-repository
    actions with self-repository syntax" (`uses: $/...` resolves at the running commit)."""
    project = answer_set_renders[name]
    github = project / ".github"
    texts = [p.read_text() for p in sorted(github.rglob("*.yml"))]
    for action_name in composite_actions(project):
        holder = github / "actions" / action_name / "action.yml"
        for target, _ in USES.findall(holder.read_text()):
            action = target.split("@")[0]
            homes = [text for text in texts if f"uses: {action}@" in text]
            assert len(homes) == 1, f"{action} is pinned in {len(homes)} files"
    for tool in TOOL_VERSIONS:
        assert sum(text.count(f"{tool}:") for text in texts) == 1, tool
    dependabot = yaml.safe_load((github / "dependabot.yml").read_text())
    (entry,) = [u for u in dependabot["updates"] if u["package-ecosystem"] == "github-actions"]
    assert set(entry["directories"]) == {"/"} | {
        f"/.github/actions/{action_name}" for action_name in composite_actions(project)
    }


def test_a_domain_manifest_change_is_an_infrastructure_change(answer_set_renders):
    """domain.json holds the names Terraform creates: a push changing it is applied by infra.yml,
    which then deploys the bundle; deploy.yml leaves such a push to it."""
    found = workflows(answer_set_renders["default"])
    infra = found["infra.yml"][1][True]
    for event in ("pull_request", "push"):
        assert "domain.json" in infra[event]["paths"], event
    deploy = found["deploy.yml"][1]
    assert "domain.json" in deploy[True]["push"]["paths-ignore"]
    # The per-environment deploy (called by deploy.yml and by infra.yml) skips such a push.
    assert "-- infra domain.json || changed=$?" in found["bundle-deploy.yml"][0]


@pytest.mark.slow
@pytest.mark.parametrize("name", answer_set_names())
def test_schema_actionlint_and_zizmor_are_clean(answer_set_renders, name):
    project = answer_set_renders[name]
    files = [str(p) for p in sorted((project / ".github" / "workflows").glob("*.yml"))]
    schema = run_tool(
        "check-jsonschema", "--builtin-schema", "vendor.github-workflows", *files, cwd=project
    )
    assert schema.returncode == 0, schema.stdout + schema.stderr
    actions = [str(p) for p in sorted((project / ".github" / "actions").glob("*/action.yml"))]
    action_schema = run_tool(
        "check-jsonschema", "--builtin-schema", "vendor.github-actions", *actions, cwd=project
    )
    assert action_schema.returncode == 0, action_schema.stdout + action_schema.stderr
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
    zizmor = run_tool("zizmor", "--offline", ".github/workflows", ".github/actions", cwd=project)
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
        # The shared render is read only: no __pycache__ left for the golden comparison to see.
        env={"PYTHONPATH": "src", "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert result.returncode == 0, result.stderr
    jobs = json.loads(result.stdout)
    contracts = list((project / "contracts").glob("*.odcs.yaml"))
    assert len(jobs) == len(targets) * (len(contracts) + 1)  # + the governance job
    medallion = {tuple(tasks) for key, tasks in jobs.items() if key.endswith("_medallion")}
    assert medallion == {("ingest", "silver", "gold", "governance")}
    assert {tuple(jobs[f"{target}/governance"]) for target in targets} == {("governance",)}
