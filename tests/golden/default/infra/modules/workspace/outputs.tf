output "id" {
  description = "Resource id of the workspace (azure_workspace_resource_id of the databricks provider)."
  value       = azurerm_databricks_workspace.this.id
}

output "workspace_id" {
  description = "Numeric workspace id (for catalog bindings)."
  value       = azurerm_databricks_workspace.this.workspace_id
}

output "url" {
  description = "Workspace URL (host of the databricks provider)."
  value       = "https://${azurerm_databricks_workspace.this.workspace_url}"
}

output "access_connector_id" {
  description = "Resource id of the access connector (Unity Catalog storage and service credentials)."
  value       = azurerm_databricks_access_connector.this.id
}

output "access_connector_principal_id" {
  description = "Object id of the access connector's managed identity."
  value       = azurerm_databricks_access_connector.this.identity[0].principal_id
}
