output "monitored_schema_ids" {
  description = "Schema id of each layer with anomaly detection (silver, gold)."
  value       = { for layer, monitor in databricks_data_quality_monitor.anomaly_detection : layer => monitor.object_id }
}
