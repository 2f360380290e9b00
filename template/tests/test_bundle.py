"""The Databricks bundle: targets per environment and one valid job per contract (offline)."""

from __future__ import annotations

import ast
import subprocess
import sys
import zipfile

import pytest
import yaml
from databricks.bundles.core import Bundle
from databricks.bundles.jobs import Job

from lakehouse_domain import domain, naming
from lakehouse_domain.cli import _parser
from lakehouse_domain.contract import load_contracts

from .conftest import ROOT

BUNDLE = yaml.safe_load((ROOT / "databricks.yml").read_text())


def test_every_environment_runs_as_the_pipeline_and_people_have_a_personal_target():
    targets = BUNDLE["targets"]
    personal = ["personal"] if "dev" in domain.ENVIRONMENTS else []
    assert list(targets) == [*domain.ENVIRONMENTS, *personal]
    for name in domain.ENVIRONMENTS:
        target = targets[name]
        assert target["mode"] == "production"
        assert target["run_as"] == {"service_principal_name": "${var.pipeline_client_id}"}
        assert target["workspace"]["root_path"].startswith("/Workspace/Shared/.bundle/")
    if personal:
        personal_target = {k: v for k, v in targets["personal"].items() if k != "variables"}
        assert personal_target == {"default": True, "mode": "development"}
        assert set(targets["personal"]["variables"]) == {"alert_destination_id"}
    assert [t for t in targets.values() if t.get("default")], "one default target"
    assert BUNDLE["python"]["resources"] == ["resources:load_resources"]
    assert BUNDLE["artifacts"]["engine"]["dynamic_version"] is True


@pytest.mark.parametrize("environment", domain.ENVIRONMENTS)
def test_one_valid_job_per_contract(environment):
    from resources import load_resources

    contracts = load_contracts(ROOT / "contracts")
    jobs = load_resources(Bundle(target=environment)).jobs
    assert sorted(jobs) == sorted([f"{c.name}_medallion" for c in contracts] + ["governance"])
    for contract in contracts:
        job = jobs[f"{contract.name}_medallion"]
        as_dict = job.as_dict()
        assert Job.from_dict(as_dict).as_dict() == as_dict  # every key and type is valid
        assert as_dict["name"] == naming.job_name(domain.DOMAIN, contract.name, environment)
        tasks = as_dict["tasks"]
        assert [t["task_key"] for t in tasks] == ["ingest", "silver", "gold", "governance"]
        for previous, current in zip(tasks, tasks[1:], strict=False):
            assert current["depends_on"] == [{"task_key": previous["task_key"]}]
        for task in tasks:
            parameters = task["python_wheel_task"]["parameters"]
            assert parameters[-4:] == ["--target", "databricks", "--environment", environment]
            _parser().parse_args(parameters)  # the installed engine's command line takes them
            assert task["max_retries"] >= 1 and task["min_retry_interval_millis"] > 0
        assert as_dict["email_notifications"] == {"on_failure": [domain.ALERT_EMAIL]}
        trigger = as_dict["trigger"]
        if contract.source.type == "files":
            landing = naming.volume_folder(domain.DOMAIN, environment, "landing", contract.name)
            assert trigger["file_arrival"]["url"] == landing
        else:
            assert trigger["periodic"]["unit"] == "MINUTES"
        compute = "environment_key" if domain.COMPUTE == "serverless" else "job_cluster_key"
        assert all(task[compute] == "engine" for task in tasks)


@pytest.mark.parametrize("environment", domain.ENVIRONMENTS)
def test_the_governance_job_covers_every_contract_and_has_no_trigger(environment):
    from resources import load_resources

    job = load_resources(Bundle(target=environment)).jobs["governance"].as_dict()
    assert Job.from_dict(job).as_dict() == job
    assert job["name"] == naming.governance_job_name(domain.DOMAIN, environment)
    assert "trigger" not in job and "queue" not in job
    (task,) = job["tasks"]
    assert task["python_wheel_task"]["parameters"] == [
        "governance",
        "--target",
        "databricks",
        "--environment",
        environment,
    ]


def test_the_personal_target_works_on_the_dev_catalog():
    from resources import load_resources

    if "dev" not in domain.ENVIRONMENTS:
        pytest.skip("no dev environment, no personal target")
    personal = load_resources(Bundle(target="personal")).jobs
    dev = load_resources(Bundle(target="dev")).jobs
    assert {k: j.as_dict() for k, j in personal.items()} == {k: j.as_dict() for k, j in dev.items()}


def test_models_reject_unknown_keys():
    with pytest.raises(Exception, match="taskz"):
        Job.from_dict({"name": "x", "taskz": []})


def test_the_engine_never_imports_the_local_tooling():
    """The wheel holds lakehouse_domain alone, so an import of lakehouse_local anywhere in it,
    even inside a function, would fail on Databricks."""
    offenders = []
    for path in sorted((ROOT / "src" / "lakehouse_domain").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules = [node.module or ""]
            else:
                continue
            if any(module.split(".")[0] == "lakehouse_local" for module in modules):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_wheel_carries_the_engine_contracts_manifest_and_entry_point(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--wheel-dir",
            str(tmp_path / "dist"),
            str(ROOT),
        ],
        check=True,
    )
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    package = "lakehouse_domain"
    dist_info = next(name.split("/")[0] for name in names if ".dist-info/" in name)
    # The engine and its metadata only: the local tooling (lakehouse_local) stays out.
    assert {name.split("/")[0] for name in names} == {package, dist_info}
    for contract in (ROOT / "contracts").glob("*.odcs.yaml"):
        assert f"{package}/contracts/{contract.name}" in names
    manifest = (ROOT / "domain.json").read_text()
    assert zipfile.ZipFile(wheel).read(f"{package}/domain.json").decode() == manifest
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert f"lakehouse = {package}.cli:entry" in zipfile.ZipFile(wheel).read(entry_points).decode()

    # As on a job cluster: the installed wheel, run from a folder without contracts/.
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
    )
    elsewhere = tmp_path / "job-working-directory"
    elsewhere.mkdir()
    code = (
        f"from {package}.cli import entry\n"
        "import sys\n"
        "sys.argv = ['lakehouse', *sys.argv[1:]]\n"
        "entry()\n"
    )
    environment = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}
    # Every engine module imports where the local tooling does not exist.
    every_module = (
        "import importlib, importlib.util, pkgutil\n"
        f"import {package}\n"
        "assert importlib.util.find_spec('lakehouse_local') is None\n"
        f"for module in pkgutil.walk_packages({package}.__path__, '{package}.'):\n"
        "    if not module.name.endswith('.__main__'):\n"
        "        importlib.import_module(module.name)\n"
        "        print(module.name)\n"
    )
    imported = subprocess.run(
        [sys.executable, "-c", every_module],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env=environment,
    )
    assert imported.returncode == 0, imported.stderr
    assert f"{package}.cli" in imported.stdout.split()
    valid = subprocess.run(
        [sys.executable, "-c", code, "validate"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env=environment,
    )
    assert valid.returncode == 0, valid.stderr
    assert f"{package}/contracts/" in valid.stderr.replace("\n", "")  # the packaged copy
    # The installed engine reads the manifest inside the wheel.
    facts = subprocess.run(
        [
            sys.executable,
            "-c",
            f"from {package} import domain; print(domain.manifest_path(), domain.ENVIRONMENTS)",
        ],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env=environment,
        check=True,
    ).stdout.split()
    assert facts[0] == str(site / package / "domain.json")
    assert " ".join(facts[1:]) == str(domain.ENVIRONMENTS)
    # A failure must reach Databricks as a non-zero exit status, not a return value.
    failing = subprocess.run(
        [sys.executable, "-c", code, "run", "--environment", domain.ENVIRONMENTS[0]]
        + ["--layers", "nonsense"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env=environment,
    )
    assert failing.returncode == 2, failing.stderr


def test_local_dependency_group_pins_the_engine_dependencies():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    local = set(project["dependency-groups"]["local"])
    assert set(project["project"]["dependencies"]) <= local


def test_offline_bundle_validation_passes_and_names_a_bad_target(tmp_path):
    """`make bundle-validate`, the pull requests' check: green here, red on a wrong key."""
    import shutil

    ok = subprocess.run(
        [sys.executable, "scripts/validate_bundle.py"], cwd=ROOT, capture_output=True, text=True
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    for target in BUNDLE["targets"]:
        assert f"{target}: valid" in ok.stdout
    copy = tmp_path / "repo"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv", "build", ".git", "dist"))
    broken = yaml.safe_load((copy / "databricks.yml").read_text())
    first = next(iter(broken["targets"]))
    broken["targets"][first]["permissions"] = [{"group_name": "x", "level": "CAN_MANAGE_RUN"}]
    (copy / "databricks.yml").write_text(yaml.safe_dump(broken))
    bad = subprocess.run(
        [sys.executable, "scripts/validate_bundle.py"], cwd=copy, capture_output=True, text=True
    )
    assert bad.returncode == 1
    assert f"target {first}: permission level 'CAN_MANAGE_RUN'" in bad.stderr
