"""Cloud rules of delivery: identities, permissions, runners, versions and updates.

Each test is one rule the rendered repository must follow on a real Azure + Databricks +
GitHub setup, checked on every answer set in tests/answers/. Its docstring names the page or
source the rule rests on (looked up for issue 13; evidence in the deploy review).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from support.generated_venv import generated_repo_venv
from support.render import answer_set_names
from support.workflows import resolved_jobs, runs_on_pull_requests, triggers

ANSWER_SETS = answer_set_names()
DEFAULT_RUNNER = "ubuntu-24.04"
APP_TOKEN_ACTION = "actions/create-github-app-token@1b10c78c7865c340bc4f6099eb2f838309f1e8c3"
APP_TOKEN_HOLDER = "$/.github/actions/github-app-token"


def load_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def workflow(project: Path, name: str) -> dict:
    return load_yaml(project / ".github" / "workflows" / name)


def environments(project: Path) -> list[str]:
    """The environments in promotion order, as answered."""
    return list(load_yaml(project / ".copier-answers.yml")["environments"])


def step_named(job: dict, prefix: str) -> dict:
    return next(s for s in job["steps"] if str(s.get("name", "")).startswith(prefix))


# --- Item 2: every environment's jobs run as the pipeline service principal -----------------


@pytest.mark.parametrize("name", ANSWER_SETS)
def test_jobs_run_as_the_pipeline_service_principal_in_every_environment(answer_set_renders, name):
    """Jobs of every environment, dev included, run as the pipeline service principal, so dev
    exercises the grants, masks and row filter the pipeline has everywhere; only the personal
    target (humans, development mode) runs as the person deploying.

    Source: Databricks, "Specify a run identity for a Databricks Asset Bundles workflow"
    (https://docs.databricks.com/dev-tools/bundles/run-as): `run_as` in a target mapping sets
    the identity jobs run as, separate from the deploying identity; review M4."""
    project = answer_set_renders[name]
    bundle = load_yaml(project / "databricks.yml")
    targets = bundle["targets"]
    for env in environments(project):
        assert targets[env]["run_as"] == {"service_principal_name": "${var.pipeline_client_id}"}, (
            f"target {env} must run its jobs as the pipeline service principal"
        )
        assert targets[env]["mode"] == "production", f"target {env}: shared, not per person"
    personal = targets.get("personal")
    if "dev" in environments(project):
        assert personal is not None, "humans need a personal development target"
        assert personal["mode"] == "development" and "run_as" not in personal
    readme = (project / "README.md").read_text()
    assert "-t personal" in readme, "the README documents the personal target"


# --- Item 3: pull requests get no environment and no apply identity -------------------------


@pytest.mark.parametrize("name", ANSWER_SETS)
def test_pull_request_jobs_get_no_environment_and_no_cloud_identity(answer_set_renders, name):
    """Pull-request jobs run PR code, so they get no GitHub environment (its OIDC subject
    `repo:<o>/<r>:environment:<env>` is what the apply identity trusts) and no cloud token:
    the bundle is validated offline with databricks-bundles. `databricks bundle validate`
    itself cannot run without a workspace identity: its initialize phase calls
    `CurrentUser.Me` (databricks/cli bundle/config/mutator/populate_current_user.go), and the
    plan identity is no workspace user before the first apply (review B6, M1).

    Sources: GitHub, "OpenID Connect reference" (subject claims per job shape,
    https://docs.github.com/actions/reference/security/oidc); databricks/cli source above."""
    deploy = resolved_jobs(answer_set_renders[name], "deploy.yml")
    on_pull_requests = {k: j for k, j in deploy.items() if runs_on_pull_requests(j)}
    assert on_pull_requests, "pull requests still validate the bundle"
    for job_name, job in on_pull_requests.items():
        assert "environment" not in job, f"{job_name} runs on pull requests with an environment"
        assert "id-token" not in job.get("permissions", {}), f"{job_name} can get a cloud token"
        assert "AZURE_APPLY_CLIENT_ID" not in json.dumps(job), job_name
        commands = " ".join(str(step.get("run", "")) for step in job["steps"])
        assert "make bundle-validate" in commands, f"{job_name} validates the bundle offline"


MISSING_WORKSPACE = (
    'case "$*" in\n  *"workspace show"*) echo "ResourceNotFound" >&2; exit 3 ;;\nesac'
)


def fake_tools(bin_dir: Path, calls: Path, scripts: dict[str, str]) -> None:
    bin_dir.mkdir(parents=True, exist_ok=True)
    for tool, body in scripts.items():
        stub = bin_dir / tool
        stub.write_text(f'#!/bin/sh\necho "{tool} $*" >> "{calls}"\n{body}\n')
        stub.chmod(0o755)


GH_STUB = r"""
input=""
case "$*" in
  *"--input -"*) input="$(cat)"; echo "$input" >> "${CALLS_DIR}/gh-inputs.log" ;;
esac
case "$*" in
  "repo view"*) echo acme/risk-domain ;;
  "api user --jq .login") echo octocat ;;
  "api users/"*) echo 583231 ;;
  "api orgs/"*"/teams/"*) echo 4242 ;;
  *"deployment-branch-policies --jq"*) echo "" ;;
esac
"""


def run_bootstrap(project: Path, tmp_path: Path, tools: dict[str, str], **env) -> tuple:
    """Run a copy of the rendered repository's bootstrap with stand-in tools."""
    work = tmp_path / "repo"
    shutil.copytree(project, work, ignore=shutil.ignore_patterns(".venv", "build", ".git"))
    calls = tmp_path / "calls.log"
    fake_tools(tmp_path / "bin", calls, tools)
    environment = {
        "PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "CALLS_DIR": str(tmp_path),
        **{key: str(value) for key, value in env.items()},
    }
    result = subprocess.run(
        ["bash", str(work / "scripts" / "bootstrap.sh")],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )
    logged = calls.read_text().splitlines() if calls.exists() else []
    inputs = tmp_path / "gh-inputs.log"
    return result, logged, (inputs.read_text() if inputs.exists() else ""), work


def cloud_stubs(project: Path) -> dict[str, str]:
    identities = {
        f"{env}-{role}": f"{env}-{role}-client"
        for env in environments(project)
        for role in ("plan", "apply")
    }
    return {
        "az": 'case "$*" in\n  "account show --query id -o tsv") echo sub-123 ;;\n'
        '  "account show --query tenantId -o tsv") echo tenant-456 ;;\nesac',
        "terraform": f'case "$*" in\n  *"output -json github_identities"*) echo \''
        f"{json.dumps(identities)}' ;;\nesac",
        "gh": GH_STUB,
        "git": 'case "$*" in\n  *"remote get-url origin"*) '
        "echo https://github.com/acme/copier-lakehouse-domain.git ;;\n  *) exit 0 ;;\nesac",
    }


@pytest.mark.parametrize("name", ANSWER_SETS)
def test_bootstrap_protects_every_environment(answer_set_renders, tmp_path, name):
    """`make bootstrap` creates each GitHub environment with a deployment branch policy that
    admits only `main` (custom branch policies, then the `main` branch policy) and required
    reviewers on stg and prd, taken from REVIEWERS (users or org/team slugs).

    Sources: GitHub REST, "Create or update an environment" (`deployment_branch_policy`,
    `reviewers` with numeric ids) and "Create a deployment branch policy"
    (https://docs.github.com/rest/deployments/environments,
    https://docs.github.com/rest/deployments/branch-policies); review M1."""
    project = answer_set_renders[name]
    result, calls, inputs, _ = run_bootstrap(
        project,
        tmp_path,
        cloud_stubs(project),
        REVIEWERS="alice,acme/data-leads",
        TEMPLATE_URL="https://github.com/acme/copier-lakehouse-domain.git",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    bodies = [json.loads(line) for line in inputs.splitlines() if line.strip()]
    for env in environments(project):
        assert any(
            f"api --method PUT repos/acme/risk-domain/environments/{env}" in c for c in calls
        ), env
        assert any(
            f"repos/acme/risk-domain/environments/{env}/deployment-branch-policies" in c
            and "--method POST" in c
            for c in calls
        ), f"{env}: no branch policy for main"
    environment_bodies = [b for b in bodies if "deployment_branch_policy" in b]
    assert len(environment_bodies) == len(environments(project))
    for body in environment_bodies:
        assert body["deployment_branch_policy"] == {
            "protected_branches": False,
            "custom_branch_policies": True,
        }
    reviewed = [b for b in environment_bodies if b.get("reviewers")]
    protected = [env for env in environments(project) if env in ("stg", "prd")]
    assert len(reviewed) == len(protected)
    for body in reviewed:
        assert {"type": "User", "id": 583231} in body["reviewers"]
        assert {"type": "Team", "id": 4242} in body["reviewers"]
    assert {"name": "main", "type": "branch"} in bodies


@pytest.mark.parametrize("name", ANSWER_SETS)
def test_per_environment_workflows_get_what_they_need_from_their_callers(answer_set_renders, name):
    """The per-environment work runs in reusable workflows, called once per environment.
    What a call passes and what it does not is what GitHub documents:

    - GITHUB_TOKEN permissions passed from the caller job can only be downgraded by the called
      workflow, so each caller job grants at least what its called jobs declare (`id-token:
      write` for the OIDC exchange, `contents: read` for the checkout);
    - env set at the caller's workflow level does not reach the called workflow, so every
      called workflow sets its own OIDC switches (ARM_USE_OIDC / github-oidc-azure);
    - an OIDC token of a job in a called workflow carries the caller's standard claims and the
      called job's environment, so a job holding the apply identity (trusted only for the
      subject `repo:<owner>/<repo>:environment:<env>`) runs in that environment, whose
      protection rules gate it; a plan job runs in none.

    Sources: GitHub, "Reusing workflow configurations" > limitations (permissions only
    downgraded; workflow-level env not propagated,
    https://docs.github.com/actions/reference/workflows-and-actions/reusing-workflow-configurations);
    GitHub, "Using OpenID Connect with reusable workflows" ("the token will include the
    standard claims that contain information about the calling workflow",
    https://docs.github.com/actions/security-for-github-actions/security-hardening-your-
    deployments/using-openid-connect-with-reusable-workflows)."""
    project = answer_set_renders[name]
    strength = {"none": 0, "read": 1, "write": 2}
    for caller in ("infra.yml", "deploy.yml", "destroy.yml"):
        for job_name, job in resolved_jobs(project, caller).items():
            for outer in job["callers"]:
                for scope, level in job["permissions"].items():
                    granted = outer["permissions"].get(scope, "none")
                    assert strength[granted] >= strength[level], f"{caller}: {job_name} {scope}"
            if not job["callers"] or "id-token" not in job["permissions"]:
                continue  # a job of its own, or one holding no cloud identity
            called = workflow(project, job["callers"][-1]["uses"].split("/")[-1])
            oidc = called["env"].get("ARM_USE_OIDC") or called["env"].get("DATABRICKS_AUTH_TYPE")
            assert oidc in ("true", "github-oidc-azure"), f"{caller}: {job_name}"
            client = job["env"]["ARM_CLIENT_ID"]
            env = job_name.split("/")[-2].split("-", 1)[1]
            if "AZURE_APPLY_CLIENT_ID_" in client:
                assert job["environment"] == env, f"{caller}: {job_name} holds the apply identity"
            else:
                assert "environment" not in job, f"{caller}: {job_name}"
            assert client.endswith(f"_{env.upper()} }}}}"), f"{caller}: {job_name}: {client}"


# --- Item 4: runner labels per environment -------------------------------------------------


@pytest.mark.parametrize("name", ANSWER_SETS)
def test_deploy_runners_come_from_repository_variables(answer_set_renders, name):
    """Every deploy and verify job of an environment runs on the runner named by the
    repository variable RUNNER_<ENV>, GitHub-hosted `ubuntu-24.04` by default, so a private
    prd front end can be reached from a self-hosted runner in its network (documented).

    Sources: GitHub, "Choosing the runner for a job" (`runs-on` accepts an expression,
    https://docs.github.com/actions/using-jobs/choosing-the-runner-for-a-job); Azure Databricks
    front-end Private Link (a workspace with public access disabled is reachable only over
    its private endpoint); review B8."""
    project = answer_set_renders[name]
    deploy = resolved_jobs(project, "deploy.yml")
    for env in environments(project):
        expected = f"${{{{ vars.RUNNER_{env.upper()} || '{DEFAULT_RUNNER}' }}}}"
        for kind in ("deploy", "verify"):
            job = deploy[f"deploy-{env}/{kind}"]
            assert job["runs-on"] == expected, f"{kind} {env}: {job['runs-on']}"
    readme = (project / "README.md").read_text()
    assert "RUNNER_PRD" in readme and "self-hosted" in readme


def test_a_private_prd_front_end_is_told_to_set_its_runner_first(template_repo, tmp_path):
    """With `prd_front_end: private` (the infra lane's question), the README says that prd
    needs a self-hosted runner in the VNet before its first deploy, and how to name it.

    Source: as above (GitHub runner selection; Azure Databricks front-end Private Link)."""
    from support.render import render

    project = render(template_repo, tmp_path / "private", {"prd_front_end": "private"})
    readme = " ".join((project / "README.md").read_text().split())
    assert "this domain's `prd` front end is private, so before the first `prd` deploy" in readme
    assert "RUNNER_PRD=prd-vnet" in readme


# --- Item 5: a new wheel version per deploy --------------------------------------------------


@pytest.mark.parametrize("name", ANSWER_SETS)
def test_the_wheel_gets_a_new_version_on_every_deploy(answer_set_renders, name):
    """The engine wheel's version changes with every build, so serverless environments never
    keep running a cached wheel of the same version.

    Source: Databricks bundle configuration reference, `artifacts.<name>.dynamic_version`
    ("patch the wheel version dynamically based on the timestamp of the whl file ... new code
    can be deployed without having to update the version",
    https://docs.databricks.com/dev-tools/bundles/reference); review M6."""
    bundle = load_yaml(answer_set_renders[name] / "databricks.yml")
    (artifact,) = bundle["artifacts"].values()
    assert artifact["type"] == "whl"
    assert artifact.get("dynamic_version") is True


# --- Item 6: template updates ----------------------------------------------------------------


@pytest.mark.parametrize("name", ANSWER_SETS)
def test_template_update_pull_requests_are_opened_with_a_github_app_token(answer_set_renders, name):
    """The update branch is pushed and its pull request opened with a GitHub App installation
    token, not GITHUB_TOKEN: events caused by GITHUB_TOKEN start no workflow run, so CI (and
    its conflict-marker guard) would never run on the update. The token action is pinned to
    the commit of its v3.1.1 tag in the composite action that holds its pin.

    Sources: GitHub, "GITHUB_TOKEN" > "When GITHUB_TOKEN triggers workflow runs"
    (https://docs.github.com/actions/concepts/security/github_token); actions/create-github-
    app-token v3.1.1 (tag commit 1b10c78c7865c340bc4f6099eb2f838309f1e8c3, inputs client-id,
    private-key, permission-*); review M10."""
    project = answer_set_renders[name]
    update = workflow(project, "template-update.yml")
    (job,) = update["jobs"].values()
    token_steps = [s for s in job["steps"] if s.get("uses") == APP_TOKEN_HOLDER]
    assert len(token_steps) == 1, "one GitHub App token step"
    holder = load_yaml(project / APP_TOKEN_HOLDER.removeprefix("$/") / "action.yml")
    (pinned,) = holder["runs"]["steps"]
    assert pinned["uses"] == APP_TOKEN_ACTION
    assert pinned["with"]["permission-contents"] == "write"
    assert pinned["with"]["permission-pull-requests"] == "write"
    assert holder["outputs"]["token"]["value"] == f"${{{{ steps.{pinned['id']}.outputs.token }}}}"
    token = f"${{{{ steps.{token_steps[0]['id']}.outputs.token }}}}"
    publishing = step_named(job, "Update and open a pull request")
    assert publishing["env"]["GH_TOKEN"] == token
    assert "github.token" not in json.dumps(job) and "GITHUB_TOKEN" not in json.dumps(job)
    assert job["permissions"] == {"contents": "read"}, "GITHUB_TOKEN only reads"


@pytest.mark.parametrize("name", ANSWER_SETS)
def test_bootstrap_records_a_reachable_template_url(answer_set_renders, tmp_path, name):
    """A render from a local checkout records a local `_src_path`, which the template-update
    runner cannot reach; `make bootstrap` replaces it with the template's git URL (TEMPLATE_URL,
    else the checkout's origin) and refuses to go on, before any cloud change, when it has none.

    Source: Copier, "Updating a project" (`copier update` reads the template location from
    `_src_path` in the answers file, https://copier.readthedocs.io/en/stable/updating/);
    review M10."""
    project = answer_set_renders[name]
    answers = load_yaml(project / ".copier-answers.yml")
    assert answers["_src_path"].startswith("/"), "answer_set_renders from a local path"
    result, _, _, work = run_bootstrap(
        project,
        tmp_path,
        cloud_stubs(project),
        TEMPLATE_URL="https://github.com/acme/copier-lakehouse-domain.git",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    recorded = load_yaml(work / ".copier-answers.yml")
    assert recorded["_src_path"] == "https://github.com/acme/copier-lakehouse-domain.git"
    assert {k: v for k, v in recorded.items() if k != "_src_path"} == {
        k: v for k, v in answers.items() if k != "_src_path"
    }
    # No URL to be had: a clear error naming the variable, and nothing applied.
    stubs = cloud_stubs(project)
    stubs["git"] = "exit 1"
    failed, calls, _, work = run_bootstrap(project, tmp_path / "no-url", stubs)
    assert failed.returncode != 0
    assert "TEMPLATE_URL" in failed.stderr
    assert not [c for c in calls if c.startswith("terraform")]
    assert load_yaml(work / ".copier-answers.yml")["_src_path"] == answers["_src_path"]


# --- Item 7: smaller delivery rules --------------------------------------------------------


@pytest.mark.parametrize("name", ANSWER_SETS)
def test_governance_runs_as_its_own_job_after_deploy(answer_set_renders, name):
    """After a deploy, governance runs as its own bundle job: a medallion job's queued runs
    (`queue.enabled`, `max_concurrent_runs: 1`) would hold a `--only governance` run back
    until GitHub cancels it at the job timeout.

    Source: Databricks Jobs API, `queue.enabled` ("runs are queued when they cannot start
    because of concurrency limits", https://docs.databricks.com/api/workspace/jobs/create);
    review m9."""
    project = answer_set_renders[name]
    deploy = resolved_jobs(project, "deploy.yml")
    for file in ("deploy.yml", "bundle-deploy.yml"):
        assert "--only governance" not in (project / ".github" / "workflows" / file).read_text()
    for env in environments(project):
        job = deploy[f"deploy-{env}/deploy"]
        commands = " ".join(str(s.get("run", "")) for s in job["steps"])
        assert job["env"]["ENVIRONMENT"] == env
        assert 'databricks bundle run -t "${ENVIRONMENT}" governance' in commands


@pytest.mark.parametrize("name", ANSWER_SETS)
def test_deploy_before_the_first_apply_skips_cleanly(answer_set_renders, tmp_path, name):
    """Before infra.yml created an environment's workspace, its deploy job ends green with a
    notice and skips the bundle steps (and the verification), instead of failing on
    `az databricks workspace show`.

    Source: GitHub, "Workflow commands" (`::notice::`, step outputs through GITHUB_OUTPUT,
    https://docs.github.com/actions/reference/workflows-and-actions/workflow-commands);
    review m8."""
    deploy = resolved_jobs(answer_set_renders[name], "deploy.yml")
    for env in environments(answer_set_renders[name]):
        job = deploy[f"deploy-{env}/deploy"]
        workspace = step_named(job, "Workspace")
        bin_dir = tmp_path / env / "bin"
        fake_tools(
            bin_dir,
            tmp_path / env / "calls.log",
            {"az": MISSING_WORKSPACE},
        )
        output = tmp_path / env / "github_output"
        output.touch()
        result = subprocess.run(
            ["bash", "-e", "-c", workspace["run"]],
            capture_output=True,
            text=True,
            env={
                "PATH": f"{bin_dir}:/usr/bin:/bin",
                "GITHUB_OUTPUT": str(output),
                **{k: str(v) for k, v in job["env"].items() if "${{" not in str(v)},
            },
        )
        assert result.returncode == 0, result.stderr
        assert "::notice::" in result.stdout
        assert "ready=false" in output.read_text().splitlines()
        later = job["steps"][job["steps"].index(workspace) + 1 :]
        assert later and all(
            s.get("if") == "steps.workspace.outputs.ready == 'true'" for s in later
        )
        assert deploy[f"deploy-{env}/verify"]["if"] == "needs.deploy.outputs.ready == 'true'"


def git_push(repo: Path, *changed: str) -> tuple[str, str]:
    """A repository whose last commit (the push) changed ``changed``: (before, after)."""

    def git(*args):
        return subprocess.run(
            ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
        ).stdout.strip()

    repo.mkdir(parents=True)
    git("init", "-q")
    (repo / "README.md").write_text("first\n")
    git("add", "-A")
    git("commit", "-qm", "first")
    before = git("rev-parse", "HEAD")
    for path in changed:
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text("changed\n")
    git("add", "-A")
    git("commit", "-qm", "push")
    return before, git("rev-parse", "HEAD")


@pytest.mark.parametrize("name", ANSWER_SETS)
def test_a_push_that_changed_infra_deploys_only_through_infra_yml(
    answer_set_renders, tmp_path, name
):
    """A push to main that changed infra/ and code triggers deploy.yml and infra.yml; the
    direct deploy skips with a notice (before touching Azure) and infra.yml's call deploys
    after its apply. A called workflow sees the caller's github context, so github.workflow
    tells the two runs apart.

    Source: GitHub, "Reuse workflows" ("the github context is always associated with the
    caller workflow", https://docs.github.com/actions/using-workflows/reusing-workflows);
    `paths-ignore` skips a run only when every changed path matches; review m8."""
    deploy = resolved_jobs(answer_set_renders[name], "deploy.yml")
    env = environments(answer_set_renders[name])[0]
    job = deploy[f"deploy-{env}/deploy"]
    checkout = next(s for s in job["steps"] if s.get("uses") == "$/.github/actions/checkout")
    assert checkout["with"]["fetch-depth"] == 0
    workspace = step_named(job, "Workspace")
    assert workspace["env"]["DIRECT_PUSH"] == (
        "${{ github.event_name == 'push' && github.workflow == 'deploy' }}"
    )
    cases = [
        ("infra-and-code", ("infra/environment/main.tf", "src/x.py"), "true", "skipped"),
        ("code-only", ("src/x.py",), "true", "deployed"),
        ("called-by-infra", ("infra/environment/main.tf",), "false", "deployed"),
    ]
    for case, changed, direct, outcome in cases:
        repo = tmp_path / case
        before, after = git_push(repo, *changed)
        calls = tmp_path / f"{case}.calls"
        fake_tools(tmp_path / f"{case}-bin", calls, {"az": MISSING_WORKSPACE})
        output = tmp_path / f"{case}.out"
        output.touch()
        result = subprocess.run(
            ["bash", "-e", "-c", workspace["run"]],
            cwd=repo,
            capture_output=True,
            text=True,
            env={
                "PATH": f"{tmp_path / f'{case}-bin'}:/usr/bin:/bin",
                "GITHUB_OUTPUT": str(output),
                "GITHUB_SHA": after,
                "BEFORE": before,
                "DIRECT_PUSH": direct,
                "WORKSPACE": "w",
                "RESOURCE_GROUP": "g",
            },
        )
        assert result.returncode == 0, (case, result.stderr)
        assert "ready=false" in output.read_text()
        touched_azure = calls.exists() and calls.read_text()
        if outcome == "skipped":
            assert "This push changed infra/" in result.stdout and not touched_azure, case
        else:
            assert touched_azure, f"{case}: the deploy must go on to Azure"


VARIABLE = re.compile(r"\bvars\.([A-Za-z0-9_]+)")
FORMATTED_VARIABLE = re.compile(
    r"vars\[format\('([A-Za-z0-9_]*)\{0\}([A-Za-z0-9_]*)', inputs\.(\w+)\)\]"
)


def variable_names(project: Path, file: str) -> set[str]:
    """Every repository variable a workflow reads, format() lookups expanded over the choices
    of the input they format."""
    path = project / ".github" / "workflows" / file
    text = path.read_text()
    names = set(VARIABLE.findall(text))
    inputs = triggers(workflow(project, file)).get("workflow_dispatch") or {}
    for prefix, suffix, input_name in FORMATTED_VARIABLE.findall(text):
        for option in inputs["inputs"][input_name]["options"]:
            names.add(f"{prefix}{option}{suffix}")
    return names


@pytest.mark.parametrize(
    "file",
    [
        "deploy.yml",
        "template-update.yml",
        "infra.yml",
        "destroy.yml",
        "bundle-deploy.yml",
        "terraform-plan.yml",
        "terraform-apply.yml",
        "terraform-destroy.yml",
    ],
)
def test_workflows_read_upper_case_variables_that_bootstrap_sets(
    answer_set_renders, tmp_path, file
):
    """Every repository variable a workflow reads is upper-case and is one that `make
    bootstrap` sets or the README documents (runners, the template-update App). Names are
    matched exactly: a lower-case `AZURE_APPLY_CLIENT_ID_dev` lookup is not a name bootstrap
    sets.

    Source: GitHub, "Store information in variables" (naming conventions: variable names are
    stored upper-case, https://docs.github.com/actions/how-tos/write-workflows/choose-what-
    workflows-do/use-variables); review m11."""
    for name in ANSWER_SETS:
        project = answer_set_renders[name]
        envs = [env.upper() for env in environments(project)]
        set_by_bootstrap = {"AZURE_TENANT_ID", "AZURE_SUBSCRIPTION_ID", "DATABRICKS_ACCOUNT_ID"}
        for env in envs:
            set_by_bootstrap |= {f"AZURE_PLAN_CLIENT_ID_{env}", f"AZURE_APPLY_CLIENT_ID_{env}"}
        documented = {f"RUNNER_{env}" for env in envs} | {"TEMPLATE_UPDATE_APP_CLIENT_ID"}
        read = variable_names(project, file)
        assert read, file
        for variable in read:
            assert variable == variable.upper(), f"{file}: vars.{variable} is not upper-case"
            assert variable in set_by_bootstrap | documented, (
                f"{file}: vars.{variable} is set nowhere"
            )
        readme = (project / "README.md").read_text()
        for variable in read & documented:
            assert variable.split("_")[0] in readme


@pytest.mark.slow
@pytest.mark.parametrize("name", ANSWER_SETS)
def test_bundle_resources_load_as_the_cli_loads_them(answer_set_renders, tmp_path, name):
    """The Databricks CLI runs `<venv_path>/bin/python -m databricks.bundles.build --phase
    load_resources` from the bundle root with no PYTHONPATH; resources/ must import the
    engine from src/ on its own, so a bare `databricks bundle deploy` works.

    Source: databricks-bundles 1.22.1 `databricks/bundles/build.py` (the entry point the CLI's
    python mutator calls, `--phase`, `--input`, `--output`, `--diagnostics`); Databricks
    "Bundle configuration in Python" (`python.venv_path`, `python.resources`); review m10."""
    project = answer_set_renders[name]
    venv = generated_repo_venv(project)
    bundle = load_yaml(project / "databricks.yml")
    for target in bundle["targets"]:
        request = tmp_path / f"{target}.json"
        configuration = {k: v for k, v in bundle.items() if k != "targets"}
        configuration["bundle"] = {**bundle["bundle"], "target": target}
        request.write_text(json.dumps(configuration))
        output, diagnostics = tmp_path / f"{target}.out.json", tmp_path / f"{target}.diag"
        environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        result = subprocess.run(
            [
                str(venv / "bin" / "python"),
                "-m",
                "databricks.bundles.build",
                "--phase",
                "load_resources",
                "--input",
                str(request),
                "--output",
                str(output),
                "--diagnostics",
                str(diagnostics),
            ],
            cwd=project,
            capture_output=True,
            text=True,
            env=environment,
        )
        assert result.returncode == 0, diagnostics.read_text() + result.stderr[-2000:]
        resources = json.loads(output.read_text())["resources"]
        contracts = sorted(
            p.name.removesuffix(".odcs.yaml") for p in project.glob("contracts/*.odcs.yaml")
        )
        assert sorted(resources["jobs"]) == sorted(
            [f"{c}_medallion" for c in contracts] + ["governance"]
        )
        assert_monitoring_deploys_under_the_run_as_identity(bundle, resources, contracts)


def assert_monitoring_deploys_under_the_run_as_identity(bundle, resources, contracts):
    """The monitoring resources deploy under a target whose run_as is not the deploying
    identity: the CLI gives alerts the bundle's run_as (so none sets its own), accepts a
    dashboard only with `embed_credentials: false` from CLI 0.297.0 (databricks/cli#4961, the
    minimum databricks.yml requires), and has no rule for SQL warehouses.

    Source: databricks/cli `bundle/config/mutator/resourcemutator/run_as.go` (validateRunAs,
    setRunAsForAlerts); Databricks bundle resources reference (`alerts`, `dashboards`,
    `sql_warehouses`, https://docs.databricks.com/dev-tools/bundles/resources)."""
    assert bundle["bundle"]["databricks_cli_version"] == ">= 0.297.0"
    alerts = resources["alerts"]
    assert {f"{c}_quarantine" for c in contracts} <= set(alerts)
    assert all(
        "run_as" not in alert and "run_as_user_name" not in alert for alert in alerts.values()
    )
    (dashboard,) = resources["dashboards"].values()
    assert dashboard["embed_credentials"] is False
    (warehouse,) = resources["sql_warehouses"].values()
    assert warehouse["enable_serverless_compute"] is True and warehouse["warehouse_type"] == "PRO"


@pytest.mark.parametrize("name", ANSWER_SETS)
def test_the_cli_the_workflows_install_meets_the_bundle_minimum(answer_set_renders, name):
    """The Databricks CLI that deploys is at least the version databricks.yml requires (the
    CLI refuses a bundle whose `databricks_cli_version` it does not meet). The pinned
    databricks/setup-cli installs the CLI of its own release when no `version` input is
    given: its release commits are "Release CLI v<x>", its `VERSION` file holds that version
    and `setup_release.sh` reads it when `VERSION` is unset.

    Source: databricks/setup-cli `action.yml` and `setup_release.sh` at 6bb7075 ("Release CLI
    v1.13.0"); Databricks bundle configuration reference, `bundle.databricks_cli_version`."""
    project = answer_set_renders[name]
    action = project / ".github" / "actions" / "setup-databricks-cli" / "action.yml"
    (step,) = load_yaml(action)["runs"]["steps"]
    assert "with" not in step, "a version input would replace the release's own CLI"
    pin = re.search(r"databricks/setup-cli@[0-9a-f]{40}\s+# v(\S+)", action.read_text())
    assert pin, "the setup-cli pin carries its release version as a comment"
    minimum = load_yaml(project / "databricks.yml")["bundle"]["databricks_cli_version"]
    assert Version(pin.group(1)) in SpecifierSet(minimum.replace(" ", ""))


@pytest.mark.parametrize("name", ANSWER_SETS)
def test_comments_say_where_the_workspace_host_comes_from(answer_set_renders, name):
    """databricks.yml says where the host really comes from: deploy.yml reads the workspace
    URL from Azure (names from the naming core); no GitHub variable holds it.

    Source: the rendered deploy.yml and bootstrap (no DATABRICKS_HOST variable is set);
    review m10."""
    project = answer_set_renders[name]
    header = (project / "databricks.yml").read_text().split("bundle:")[0]
    assert "GitHub environment variable" not in header
    assert "deploy.yml" in header and "DATABRICKS_HOST" in header
    for file in ("deploy.yml", "bundle-deploy.yml"):
        assert "vars.DATABRICKS_HOST" not in (project / ".github" / "workflows" / file).read_text()


# --- make bootstrap DRY_RUN=1 (issue 10) ------------------------------------------------------


@pytest.mark.parametrize("name", ANSWER_SETS)
def test_bootstrap_dry_run_needs_no_cloud_tools_and_no_login(answer_set_renders, tmp_path, name):
    """`make bootstrap DRY_RUN=1` prints its whole plan with no Azure, Terraform or GitHub CLI
    installed and no login: nothing is read from or written to any cloud.

    Source: issue 10 ("previews its plan without cloud access")."""
    project = answer_set_renders[name]
    logged_out = {tool: "exit 1" for tool in ("az", "terraform", "gh")}
    result, calls, _, work = run_bootstrap(
        project, tmp_path, logged_out, DRY_RUN=1, GITHUB_REPOSITORY="acme/risk-domain"
    )
    assert result.returncode == 0, result.stderr
    assert "Bootstrap plan" in result.stdout
    for env in environments(project):
        assert env in result.stdout
    assert "deployment branch policy" in result.stdout
    assert not calls, f"the dry run called {calls}"
    assert (work / ".copier-answers.yml").read_text() == (
        project / ".copier-answers.yml"
    ).read_text()


# --- make verify after each deploy ---------------------------------------------------------


@pytest.mark.parametrize("name", ANSWER_SETS)
def test_each_environment_is_verified_after_its_deploy(answer_set_renders, name):
    """After each environment's deploy, a verify job signs in with that environment's
    identity and runs `make verify` against the live workspace; the next environment deploys
    only after the previous one verified.

    Source: issue 13 ("Add: make verify and a verify job after every deploy"); GitHub,
    "Using jobs in a workflow" (`needs` orders jobs and skips dependants of failed jobs,
    https://docs.github.com/actions/using-jobs/using-jobs-in-a-workflow)."""
    project = answer_set_renders[name]
    callers = workflow(project, "deploy.yml")["jobs"]
    jobs = resolved_jobs(project, "deploy.yml")
    called = workflow(project, "bundle-deploy.yml")
    # The call's `ready` output is the deploy job's: 'true' only when verify ran after it.
    ready = triggers(called)["workflow_call"]["outputs"]["ready"]["value"]
    assert ready == "${{ jobs.deploy.outputs.ready }}"
    envs = environments(project)
    for index, env in enumerate(envs):
        verify = jobs[f"deploy-{env}/verify"]
        assert verify["needs"] == "deploy"
        assert verify["environment"] == env
        assert verify["permissions"] == {"contents": "read", "id-token": "write"}
        assert (
            verify["env"]["ARM_CLIENT_ID"] == f"${{{{ vars.AZURE_APPLY_CLIENT_ID_{env.upper()} }}}}"
        )
        commands = " ".join(str(s.get("run", "")) for s in verify["steps"])
        assert verify["env"]["ENVIRONMENT"] == env
        assert 'make verify ENV="${ENVIRONMENT}"' in commands
        if index:
            previous = f"deploy-{envs[index - 1]}"
            assert callers[f"deploy-{env}"]["needs"] == previous
            assert callers[f"deploy-{env}"]["if"] == f"needs.{previous}.outputs.ready == 'true'"
    makefile = (project / "Makefile").read_text()
    assert re.search(r"^verify:", makefile, re.M)
    assert "make verify" in (project / "README.md").read_text()
