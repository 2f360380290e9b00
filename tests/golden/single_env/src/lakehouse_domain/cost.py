"""Cost attribution: the tags of the domain's Databricks jobs and compute, and the query that
slices Databricks usage by them.

The tag keys are defined here once. The jobs (``resources/jobs.py``) carry them, their job
clusters too, and the cost query (``queries/cost_by_dataset.sql``, written by the template
with ``cost_query``) filters and groups on them. The values are the manifest's tags
(``domain.json`` ``tags``: domain, cost_center, owner), the ones ``infra/`` puts on every Azure
resource, plus ``env`` as ``infra/`` adds it per environment, and ``dataset`` on a dataset's
job: Azure and Databricks cost reports agree on keys and values.

Standard library only, no manifest import: the questionnaire loads this module to write the
query file (extensions/engine.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from .sql import spark_string

DOMAIN_KEY = "domain"
# The key infra/ uses for the environment on Azure resources (environment/locals.tf).
ENVIRONMENT_KEY = "env"
DATASET_KEY = "dataset"
COST_CENTER_KEY = "cost_center"
# What the cost query filters (domain) and groups (the others) on.
QUERY_KEYS = (DOMAIN_KEY, ENVIRONMENT_KEY, DATASET_KEY, COST_CENTER_KEY)
# The dataset column of usage that belongs to no single dataset (the governance job).
DOMAIN_WIDE = "(domain-wide)"
QUERY_DAYS = 30


def job_tags(
    manifest_tags: Mapping[str, str], environment: str, dataset: str | None = None
) -> dict[str, str]:
    """The tags of one job and its compute: the manifest's, the environment, the dataset."""
    missing = {DOMAIN_KEY, COST_CENTER_KEY} - set(manifest_tags)
    if missing:
        raise ValueError(f"domain.json tags lack {sorted(missing)}: re-render the manifest")
    tags = {**manifest_tags, ENVIRONMENT_KEY: environment}
    if dataset is not None:
        tags[DATASET_KEY] = dataset
    return tags


def cost_query(domain: str) -> str:
    """Databricks list cost of the domain's jobs over the last days, per environment, dataset
    and cost centre (Databricks SQL over the billing and jobs system tables).

    The tags come from ``system.lakeflow.jobs`` (the job's own tags, latest version), joined on
    ``usage_metadata.job_id``: usage of serverless jobs carries in ``custom_tags`` only the tags
    of a serverless budget policy, not the job's, while every job usage record has its job id.
    """

    def tag(key: str) -> str:
        return f"tags[{spark_string(key)}]"

    return f"""\
-- Databricks list cost of the {domain} domain's jobs over the last {QUERY_DAYS} days, per
-- environment, dataset and cost centre. Written by the template (lakehouse_domain/cost.py).
-- Needs SELECT on system.billing and system.lakeflow; covers workspaces of this region.
WITH latest_jobs AS (
  SELECT workspace_id, job_id, tags
  FROM system.lakeflow.jobs
  QUALIFY ROW_NUMBER() OVER (PARTITION BY workspace_id, job_id ORDER BY change_time DESC) = 1
),
priced_usage AS (
  SELECT
    jobs.tags,
    usage.usage_quantity,
    usage.usage_unit,
    usage.usage_quantity * prices.pricing.default AS list_cost,
    prices.currency_code
  FROM system.billing.usage AS usage
  JOIN system.billing.list_prices AS prices
    ON usage.cloud = prices.cloud
    AND usage.sku_name = prices.sku_name
    AND usage.usage_unit = prices.usage_unit
    AND usage.usage_start_time >= prices.price_start_time
    AND (prices.price_end_time IS NULL OR usage.usage_end_time <= prices.price_end_time)
  JOIN latest_jobs AS jobs
    ON usage.workspace_id = jobs.workspace_id
    AND usage.usage_metadata.job_id = jobs.job_id
  WHERE usage.usage_date >= CURRENT_DATE() - INTERVAL {QUERY_DAYS} DAYS
)
SELECT
  {tag(ENVIRONMENT_KEY)} AS environment,
  COALESCE({tag(DATASET_KEY)}, {spark_string(DOMAIN_WIDE)}) AS dataset,
  {tag(COST_CENTER_KEY)} AS cost_center,
  usage_unit,
  SUM(usage_quantity) AS usage_quantity,
  currency_code,
  ROUND(SUM(list_cost), 2) AS list_cost
FROM priced_usage
WHERE {tag(DOMAIN_KEY)} = {spark_string(domain)}
GROUP BY ALL
ORDER BY environment, list_cost DESC
"""
