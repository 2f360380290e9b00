# Subscription and tenant come from ARM_SUBSCRIPTION_ID / ARM_TENANT_ID (OIDC in CI, the
# Azure CLI on a laptop); nothing secret is configured here. Resource providers are
# registered by ../bootstrap: registration needs subscription scope, which the resource-group
# scoped apply identities do not have.
provider "azurerm" {
  features {
    # Storage is managed through Azure Resource Manager only: runners outside the storage
    # firewall never need its data plane.
    storage {
      data_plane_available = false
    }
  }
  storage_use_azuread             = true
  resource_provider_registrations = "none"
}

# Workspace-level provider of the environment's own workspace, authenticated with the same
# Entra identity (azure_workspace_resource_id).
provider "databricks" {
  host                        = module.workspace.url
  azure_workspace_resource_id = module.workspace.id
}

# Account-level provider (network connectivity, account service principals and groups), the
# same Entra identity; the account id comes from the repository variable DATABRICKS_ACCOUNT_ID
# (TF_VAR_databricks_account_id).
provider "databricks" {
  alias      = "account"
  host       = "https://accounts.azuredatabricks.net"
  account_id = var.databricks_account_id
}
