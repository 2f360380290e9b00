"""Cost attribution: the cost tags on every job and job cluster, and the cost query over the
billing system tables that slices on the same tag keys (lakehouse_domain.cost defines them)."""

from __future__ import annotations

import pytest
import sqlglot
import yaml
from databricks.bundles.core import Bundle
from sqlglot import exp

from lakehouse_domain import cost, domain
from lakehouse_domain.contract import load_contracts

from .conftest import ROOT

TARGETS = list(yaml.safe_load((ROOT / "databricks.yml").read_text())["targets"])
QUERY_FILE = ROOT / "queries" / "cost_by_dataset.sql"
# Documented columns of the system tables the query reads (see the docstring citing them).
USAGE_COLUMNS = {
    "record_id",
    "account_id",
    "workspace_id",
    "sku_name",
    "cloud",
    "usage_start_time",
    "usage_end_time",
    "usage_date",
    "custom_tags",
    "usage_unit",
    "usage_quantity",
    "usage_metadata",
    "identity_metadata",
    "record_type",
    "ingestion_date",
    "billing_origin_product",
    "product_features",
    "usage_type",
}
USAGE_METADATA_FIELDS = {"job_id", "job_run_id", "job_name", "cluster_id", "warehouse_id"}
LIST_PRICES_COLUMNS = {
    "price_start_time",
    "price_end_time",
    "account_id",
    "sku_name",
    "cloud",
    "currency_code",
    "usage_unit",
    "pricing",
}
PRICING_FIELDS = {"default", "promotional", "effective_list"}
JOBS_COLUMNS = {
    "account_id",
    "workspace_id",
    "job_id",
    "name",
    "description",
    "creator_id",
    "tags",
    "change_time",
    "delete_time",
    "run_as",
}


def jobs_of(target: str) -> tuple[str, dict[str, dict]]:
    """The target's environment and its bundle jobs as dictionaries."""
    from resources import environment_of, load_resources

    jobs = load_resources(Bundle(target=target)).jobs
    return environment_of(target), {key: job.as_dict() for key, job in jobs.items()}


def parsed_query() -> exp.Expression:
    return sqlglot.parse_one(QUERY_FILE.read_text(), dialect="databricks")


def tag_keys_read(query: exp.Expression) -> set[str]:
    """The keys the query looks up in a ``tags[...]`` map."""
    keys = set()
    for lookup in query.find_all(exp.Bracket):
        if isinstance(lookup.this, exp.Column) and lookup.this.name == "tags":
            (key,) = lookup.expressions
            assert key.is_string, lookup.sql()
            keys.add(key.name)
    return keys


@pytest.mark.parametrize("target", TARGETS)
def test_every_job_and_job_cluster_carries_the_cost_tags(target):
    """Job tags slice serverless usage (through the job, see the query); a job cluster's
    ``custom_tags`` go onto its usage records' ``custom_tags`` and its Azure VMs ("Use tags to
    attribute and track usage", https://learn.microsoft.com/azure/databricks/admin/account-settings/usage-detail-tags).
    A job holds at most 25 tags (Jobs API 2.2, ``tags``)."""
    environment, jobs = jobs_of(target)
    datasets = {f"{c.name}_medallion": c.name for c in load_contracts(ROOT / "contracts")}
    assert set(jobs) == {*datasets, "governance"}
    for key, job in jobs.items():
        expected = cost.job_tags(domain.TAGS, environment, datasets.get(key))
        assert job["tags"] == expected, key
        assert len(job["tags"]) <= 25
        assert job["tags"][cost.DOMAIN_KEY] == domain.DOMAIN
        assert job["tags"][cost.ENVIRONMENT_KEY] == environment
        assert job["tags"][cost.COST_CENTER_KEY] == domain.MANIFEST["tags"]["cost_center"]
        assert job["tags"].get(cost.DATASET_KEY) == datasets.get(key)
        clusters = job.get("job_clusters", [])
        if domain.COMPUTE == "serverless":
            assert clusters == [] and job["environments"]
        else:
            assert clusters
        for cluster in clusters:
            assert cluster["new_cluster"]["custom_tags"] == expected, key


def test_databricks_tags_agree_with_the_azure_tags():
    """infra/ tags every Azure resource with the manifest's tags plus the environment under
    the same key the jobs use; the jobs add only the environment and the dataset."""
    locals_tf = (ROOT / "infra" / "environment" / "locals.tf").read_text()
    environment_tag = cost.ENVIRONMENT_KEY + " = var.environment"
    assert "merge(local.domain.tags, { " + environment_tag + " })" in locals_tf
    job = cost.job_tags(domain.TAGS, domain.ENVIRONMENTS[0], "some_dataset")
    assert set(job) - set(domain.TAGS) == {cost.ENVIRONMENT_KEY, cost.DATASET_KEY}


def test_the_cost_query_file_is_the_one_the_engine_writes():
    assert QUERY_FILE.read_text() == cost.cost_query(domain.DOMAIN)


def test_the_cost_query_slices_on_exactly_the_tag_keys_the_jobs_carry():
    """Serverless job usage carries in ``custom_tags`` only the tags of a serverless budget
    policy ("Monitor the cost of serverless compute",
    https://docs.databricks.com/aws/en/admin/system-tables/serverless-billing), so the query
    takes the job's own ``tags`` from ``system.lakeflow.jobs`` through
    ``usage_metadata.job_id``, for serverless and job clusters alike."""
    query = parsed_query()
    assert tag_keys_read(query) == set(cost.QUERY_KEYS)
    for target in TARGETS:
        _, jobs = jobs_of(target)
        for key, job in jobs.items():
            if key != "governance":
                assert set(cost.QUERY_KEYS) <= set(job["tags"]), key
    (domain_filter,) = [
        comparison
        for comparison in query.find_all(exp.EQ)
        if isinstance(comparison.left, exp.Bracket)
        and comparison.left.expressions[0].name == cost.DOMAIN_KEY
    ]
    assert domain_filter.right.is_string and domain_filter.right.name == domain.DOMAIN
    assert domain_filter.find_ancestor(exp.Where) is not None


def test_the_cost_query_reads_documented_columns_of_the_system_tables():
    """Column names from the Databricks system table references: "Billable usage system table
    reference" (system.billing.usage,
    https://learn.microsoft.com/azure/databricks/admin/system-tables/billing), "Pricing system
    table reference" (system.billing.list_prices,
    https://docs.databricks.com/aws/en/admin/system-tables/pricing) and "Jobs system table
    reference" (system.lakeflow.jobs,
    https://learn.microsoft.com/azure/databricks/admin/system-tables/jobs); the price join
    follows "Monitor job costs with system tables" (cloud, sku_name and the price's validity
    interval)."""
    query = parsed_query()
    tables = {table.name: table for table in query.find_all(exp.Table) if table.db}
    assert {f"{t.catalog}.{t.db}.{name}" for name, t in tables.items()} == {
        "system.billing.usage",
        "system.billing.list_prices",
        "system.lakeflow.jobs",
    }
    documented = {
        tables["usage"].alias: (USAGE_COLUMNS, {"usage_metadata": USAGE_METADATA_FIELDS}),
        tables["list_prices"].alias: (LIST_PRICES_COLUMNS, {"pricing": PRICING_FIELDS}),
    }
    seen = set()
    for column in query.find_all(exp.Column):
        parts = [part.name for part in column.parts]
        if parts[0] in documented:
            columns, fields = documented[parts[0]]
            assert parts[1] in columns, column.sql()
            if len(parts) > 2:
                assert parts[2] in fields[parts[1]], column.sql()
            seen.add(parts[0])
    assert seen == set(documented)
    latest_jobs = next(cte for cte in query.find_all(exp.CTE) if cte.alias == "latest_jobs")
    assert {column.name for column in latest_jobs.find_all(exp.Column)} <= JOBS_COLUMNS
    assert "INTERVAL" in query.sql(dialect="databricks")
    assert f"{cost.QUERY_DAYS} DAYS" in QUERY_FILE.read_text()
