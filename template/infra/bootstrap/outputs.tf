output "state_storage_account" {
  description = "Storage account holding every environment's Terraform state."
  value       = azurerm_storage_account.state.name
}

output "state_container" {
  description = "Container of the state blobs."
  value       = azurerm_storage_container.state.name
}

output "github_identities" {
  description = "Client ids of the GitHub OIDC identities, keyed <env>-plan / <env>-apply (GitHub repository variables)."
  value       = { for key, identity in azurerm_user_assigned_identity.github : key => identity.client_id }
}
