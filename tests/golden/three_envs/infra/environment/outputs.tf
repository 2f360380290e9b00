output "workspace_url" {
  description = "URL of the environment's Databricks workspace (bundle target host)."
  value       = module.workspace.url
}

output "catalog" {
  description = "Unity Catalog catalog of the environment."
  value       = module.unity_catalog.catalog
}

output "pipeline_client_id" {
  description = "Client id of the identity the jobs run as (bundle run_as); the applying identity holds roles/servicePrincipal.user on it."
  value       = module.workspace_access.pipeline_application_id
}

output "network_connectivity_config_id" {
  description = "Id of the environment's serverless network connectivity configuration (NCC) in the Databricks account."
  value       = module.serverless_network.network_connectivity_config_id
}

output "metastore_id" {
  description = "Unity Catalog metastore of the region the workspace is assigned to."
  value       = module.unity_catalog.metastore_id
}

output "workspace_id" {
  description = "Numeric id of the environment's workspace."
  value       = module.workspace.workspace_id
}

output "landing_volume_path" {
  description = "Where source files land: /Volumes/<catalog>/bronze/landing."
  value       = module.unity_catalog.landing_volume_path
}
