locals {
  diagnostic_setting_name = "to-log-analytics"
  # Databricks diagnostic logs land in the DatabricksJobs table.
  job_failures_query  = "DatabricksJobs | where ActionName == \"runFailed\""
  job_successes_query = "DatabricksJobs | where ActionName == \"runSucceeded\""
  # Log alerts accept windows up to PT6H in hours, then only P1D and P2D.
  ingestion_lag_window = var.ingestion_lag_hours <= 6 ? "PT${var.ingestion_lag_hours}H" : "P${var.ingestion_lag_hours / 24}D"
}
