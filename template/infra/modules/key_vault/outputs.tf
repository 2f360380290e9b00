output "id" {
  description = "Resource id of the Key Vault."
  value       = azurerm_key_vault.this.id
}

output "uri" {
  description = "Vault URI, e.g. https://<name>.vault.azure.net/."
  value       = azurerm_key_vault.this.vault_uri
}
