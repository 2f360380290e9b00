locals {
  diagnostic_setting_name = "to-log-analytics"
  # Metric categories each kind of target accepts: a blob service rejects AllMetrics
  # ("supported categories are: 'Capacity;Transaction'") and a Databricks workspace exports
  # no platform metrics.
  metric_categories = {
    storage_blob         = ["Transaction"]
    databricks_workspace = []
    eventhub_namespace   = ["AllMetrics"]
  }
  # Dedicated: logs go to resource-specific tables (DatabricksJobs, ...), which the alerts
  # below query; null keeps the service's default.
  destination_types = {
    storage_blob         = null
    databricks_workspace = "Dedicated"
    eventhub_namespace   = null
  }
  # With a Dedicated destination, Databricks job logs land in the DatabricksJobs table.
  job_failures_query  = "DatabricksJobs | where ActionName == \"runFailed\""
  job_successes_query = "DatabricksJobs | where ActionName == \"runSucceeded\""
  # Log alerts accept windows up to PT6H in hours, then only P1D and P2D.
  ingestion_lag_window = var.ingestion_lag_hours <= 6 ? "PT${var.ingestion_lag_hours}H" : "P${var.ingestion_lag_hours / 24}D"
}
