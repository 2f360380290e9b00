output "id" {
  description = "Resource id of the storage account."
  value       = azurerm_storage_account.this.id
}

output "name" {
  description = "Name of the storage account."
  value       = azurerm_storage_account.this.name
}

output "dfs_endpoint" {
  description = "Primary ADLS Gen2 endpoint, e.g. https://<account>.dfs.core.windows.net/."
  value       = azurerm_storage_account.this.primary_dfs_endpoint
}

output "container_urls" {
  description = "abfss:// URL of each container, keyed like var.containers (for external locations)."
  value = {
    for key, container in azurerm_storage_container.this :
    key => "abfss://${container.name}@${azurerm_storage_account.this.name}.dfs.core.windows.net/"
  }
}

output "blob_service_id" {
  description = "Resource id of the blob service, the target of blob diagnostic settings."
  value       = "${azurerm_storage_account.this.id}/blobServices/default"
}

output "access_connector_id" {
  description = "Access connector id, known only once its storage role has propagated (Unity Catalog credentials use this)."
  value       = time_sleep.access_connector_role_propagation.triggers["access_connector_id"]
}
