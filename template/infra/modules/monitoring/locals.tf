locals {
  diagnostic_setting_name = "to-log-analytics"
  # Databricks diagnostic logs land in the DatabricksJobs table.
  job_failures_query   = "DatabricksJobs | where ActionName == \"runFailed\""
  job_successes_query  = "DatabricksJobs | where ActionName == \"runSucceeded\""
  ingestion_lag_window = "PT${var.ingestion_lag_hours}H"
}
