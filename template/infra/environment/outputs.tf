output "workspace_url" {
  description = "URL of the environment's Databricks workspace (bundle target host)."
  value       = module.workspace.url
}

output "catalog" {
  description = "Unity Catalog catalog of the environment."
  value       = module.unity_catalog.catalog
}

output "pipeline_client_id" {
  description = "Client id of the identity the jobs run as (bundle run_as)."
  value       = azurerm_user_assigned_identity.pipeline.client_id
}

output "landing_volume_path" {
  description = "Where source files land: /Volumes/<catalog>/bronze/landing."
  value       = module.unity_catalog.landing_volume_path
}

output "key_vault_uri" {
  description = "Key Vault of the environment."
  value       = module.key_vault.uri
}
