# Subscription and tenant come from ARM_SUBSCRIPTION_ID / ARM_TENANT_ID (OIDC in CI, the
# Azure CLI on a laptop); nothing secret is configured here.
provider "azurerm" {
  features {
    key_vault {
      purge_soft_delete_on_destroy = false
    }
  }
  storage_use_azuread             = true
  resource_provider_registrations = "none"
  resource_providers_to_register = [
    "Microsoft.Databricks",
    "Microsoft.EventHub",
    "Microsoft.KeyVault",
    "Microsoft.Network",
    "Microsoft.OperationalInsights",
    "Microsoft.Storage",
    "Microsoft.Consumption",
    "Microsoft.Insights",
  ]
}

# Workspace-level provider of the environment's own workspace, authenticated with the same
# Entra identity (azure_workspace_resource_id).
provider "databricks" {
  host                        = module.workspace.url
  azure_workspace_resource_id = module.workspace.id
}
