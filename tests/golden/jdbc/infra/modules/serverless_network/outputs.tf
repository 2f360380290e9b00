output "network_connectivity_config_id" {
  description = "Id of the NCC in the Databricks account."
  value       = databricks_mws_network_connectivity_config.this.network_connectivity_config_id
}

output "subnet_ids" {
  description = "Service-endpoint subnets serverless compute comes from (allow them on storage and Event Hubs firewalls)."
  value       = local.subnet_ids
}

output "binding_id" {
  description = "Id of the NCC's binding to the workspace."
  value       = databricks_mws_ncc_binding.this.id
}
