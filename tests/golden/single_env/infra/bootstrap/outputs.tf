output "state_storage_account" {
  description = "Storage account holding every environment's Terraform state."
  value       = azurerm_storage_account.state.name
}

output "state_containers" {
  description = "State container of each environment (the bootstrap's own state is in the shared one)."
  value       = { for env, container in azurerm_storage_container.environment : env => container.name }
}

output "github_identities" {
  description = "Client ids of the GitHub OIDC identities, keyed <env>-plan / <env>-apply (GitHub repository variables)."
  value       = { for key, identity in azurerm_user_assigned_identity.github : key => identity.client_id }
}
