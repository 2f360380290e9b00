-- Databricks list cost of the credit domain's jobs over the last 30 days, per
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
  WHERE usage.usage_date >= CURRENT_DATE() - INTERVAL 30 DAYS
)
SELECT
  tags['env'] AS environment,
  COALESCE(tags['dataset'], '(domain-wide)') AS dataset,
  tags['cost_center'] AS cost_center,
  usage_unit,
  SUM(usage_quantity) AS usage_quantity,
  currency_code,
  ROUND(SUM(list_cost), 2) AS list_cost
FROM priced_usage
WHERE tags['domain'] = 'credit'
GROUP BY ALL
ORDER BY environment, list_cost DESC
