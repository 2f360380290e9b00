"""The medallion job of one contract (ingest (bronze) -> silver -> gold -> governance) and
the governance job of the whole domain.

Triggers follow the source and the contract's freshness SLA; failures mail the domain's alert
address; each task retries with a pause. Compute is serverless (an environment with the
engine wheel) or a job cluster, as chosen in the questionnaire. The governance job has no
trigger: deploy.yml runs it after each deploy, and as its own job it never waits behind a
medallion job's queued runs. Every job, and its job cluster, carries the cost tags
(``lakehouse_domain.cost``) that the cost query slices Databricks usage by.
"""

from __future__ import annotations

from databricks.bundles.jobs import Job

from lakehouse_domain import cost, domain, naming
from lakehouse_domain.contract import Contract

# python_wheel_task names the distribution (its entry points are in its metadata).
PACKAGE = naming.distribution_name(domain.DOMAIN)
ENTRY_POINT = "lakehouse"
WHEEL = "./dist/*.whl"
COMPUTE_KEY = "engine"
# Job cluster (compute = job_cluster): an LTS runtime that reads and writes tables with
# column masks from dedicated compute (DBR 16.3+).
JOB_CLUSTER = {
    "spark_version": "16.4.x-scala2.12",
    "node_type_id": "Standard_D4ds_v5",
    "num_workers": 1,
    "data_security_mode": "SINGLE_USER",
    "runtime_engine": "PHOTON",
}
RETRIES = {"max_retries": 2, "min_retry_interval_millis": 120_000, "retry_on_timeout": False}


def trigger(contract: Contract, environment: str) -> dict:
    """Files run when files land; streams and databases on a period from the freshness SLA."""
    if contract.source.type == "files":
        landing = naming.volume_folder(domain.DOMAIN, environment, "landing", contract.name)
        return {"file_arrival": {"url": landing}}
    hours = contract.freshness_hours or 24
    minutes = 15 if contract.source.type == "eventhub" or hours <= 4 else 60
    return {"periodic": {"interval": minutes, "unit": "MINUTES"}}


def task(key: str, arguments: list[str], depends_on: str | None, environment: str) -> dict:
    spec = {
        "task_key": key,
        "python_wheel_task": {
            "package_name": PACKAGE,
            "entry_point": ENTRY_POINT,
            "parameters": [*arguments, "--target", "databricks", "--environment", environment],
        },
        **RETRIES,
    }
    if depends_on:
        spec["depends_on"] = [{"task_key": depends_on}]
    if domain.COMPUTE == "serverless":
        spec["environment_key"] = COMPUTE_KEY
    else:
        spec["job_cluster_key"] = COMPUTE_KEY
        spec["libraries"] = [{"whl": WHEEL}]
    return spec


def medallion_job(contract: Contract, environment: str) -> Job:
    dataset = ["--dataset", contract.name]
    tasks = [
        task("ingest", ["run", *dataset, "--layers", "bronze"], None, environment),
        task("silver", ["run", *dataset, "--layers", "silver"], "ingest", environment),
        task("gold", ["run", *dataset, "--layers", "gold"], "silver", environment),
        task("governance", ["governance", *dataset], "gold", environment),
    ]
    job = {
        "name": naming.job_name(domain.DOMAIN, contract.name, environment),
        "description": f"Medallion pipeline of {contract.name} ({contract.source.type} source)",
        "tags": cost.job_tags(domain.TAGS, environment, contract.name),
        "max_concurrent_runs": 1,
        "timeout_seconds": 4 * 3600,
        "queue": {"enabled": True},
        "email_notifications": {"on_failure": [domain.ALERT_EMAIL]},
        "trigger": {"pause_status": "UNPAUSED", **trigger(contract, environment)},
        "tasks": tasks,
    }
    return Job.from_dict(with_compute(job))


def governance_job(environment: str) -> Job:
    """Masks, row filters and tags of every contract, run once after each deploy."""
    job = {
        "name": naming.governance_job_name(domain.DOMAIN, environment),
        "description": "Masks, row filters, tags and comments of every contract",
        "tags": cost.job_tags(domain.TAGS, environment),
        "max_concurrent_runs": 1,
        "timeout_seconds": 3600,
        "email_notifications": {"on_failure": [domain.ALERT_EMAIL]},
        "tasks": [task("governance", ["governance"], None, environment)],
    }
    return Job.from_dict(with_compute(job))


def with_compute(job: dict) -> dict:
    """The job's compute: a serverless environment with the engine wheel, or a job cluster
    carrying the job's tags (on its Azure VMs and its usage records' custom_tags)."""
    if domain.COMPUTE == "serverless":
        job["environments"] = [
            {
                "environment_key": COMPUTE_KEY,
                "spec": {"environment_version": "3", "dependencies": [WHEEL]},
            }
        ]
    else:
        cluster = {**JOB_CLUSTER, "custom_tags": job["tags"]}
        job["job_clusters"] = [{"job_cluster_key": COMPUTE_KEY, "new_cluster": cluster}]
    return job
