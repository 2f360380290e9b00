# Anomaly detection (Databricks data quality monitoring, Public Preview) on the schemas in
# local.monitored_layers: Databricks learns each table's commit cadence and daily row count
# and marks a table stale or incomplete when a commit is late or rows are missing, for every
# table of the schema, so a dataset added later is covered without a change here. It needs
# MANAGE on the schema: the owners group owns the schemas (../unity_catalog) and the applying
# identity is a member. Tables need not exist yet, unlike a per-table profile. Results:
# Catalog Explorer (health of each table) and system.data_quality_monitoring.table_results.
# https://registry.terraform.io/providers/databricks/databricks/latest/docs/resources/data_quality_monitor
# https://docs.databricks.com/aws/en/data-quality-monitoring/anomaly-detection
resource "databricks_data_quality_monitor" "anomaly_detection" {
  for_each                 = local.monitored_schemas
  object_type              = "schema"
  object_id                = each.value
  anomaly_detection_config = {}
}
