# One-time foundation: remote state storage, the environments' resource groups and budgets,
# and the GitHub OIDC identities (a plan and an apply identity per environment, no secrets).
data "azurerm_client_config" "current" {}

data "azurerm_subscription" "current" {}

resource "azurerm_resource_group" "state" {
  name     = local.domain.state.resource_group
  location = local.domain.region
  tags     = local.tags
}

resource "azurerm_storage_account" "state" {
  # checkov:skip=CKV_AZURE_43:The name comes from ../../domain.json, written and checked against the storage naming rules by the template's naming core; checkov cannot evaluate file()
  # checkov:skip=CKV_AZURE_59:GitHub-hosted runners have no fixed IPs; access is Entra-only (shared keys off) and RBAC-scoped to the state container
  # checkov:skip=CKV_AZURE_35:Same reason: a deny-by-default firewall would lock out GitHub-hosted runners; set state_public_network_access = false with self-hosted runners
  # checkov:skip=CKV2_AZURE_33:Private endpoint unusable from GitHub-hosted runners; see CKV_AZURE_59
  # checkov:skip=CKV2_AZURE_1:Terraform state is encrypted with platform-managed keys plus infrastructure encryption
  # checkov:skip=CKV_AZURE_33:Queue logging needs queue_properties, removed in azurerm 5; the account has no queues
  name                              = local.domain.state.storage_account
  resource_group_name               = azurerm_resource_group.state.name
  location                          = azurerm_resource_group.state.location
  account_kind                      = "StorageV2"
  account_tier                      = "Standard"
  account_replication_type          = "GZRS"
  https_traffic_only_enabled        = true
  min_tls_version                   = "TLS1_2"
  shared_access_key_enabled         = false
  default_to_oauth_authentication   = true
  allow_nested_items_to_be_public   = false
  public_network_access_enabled     = var.state_public_network_access
  infrastructure_encryption_enabled = true
  local_user_enabled                = false
  cross_tenant_replication_enabled  = false
  tags                              = local.tags

  blob_properties {
    versioning_enabled = true
    delete_retention_policy {
      days = var.soft_delete_days
    }
    container_delete_retention_policy {
      days = var.soft_delete_days
    }
  }

  network_rules {
    default_action = var.state_public_network_access ? "Allow" : "Deny"
    bypass         = ["AzureServices"]
  }
}

# The bootstrap's own state (admins only) and one container per environment.
resource "azurerm_storage_container" "state" {
  # checkov:skip=CKV2_AZURE_21:Blob logging is not needed for state; versioning and soft delete keep every state change recoverable
  name                  = local.domain.state.storage_container
  storage_account_id    = azurerm_storage_account.state.id
  container_access_type = "private"
}

resource "azurerm_storage_container" "environment" {
  # checkov:skip=CKV2_AZURE_21:Blob logging is not needed for state; versioning and soft delete keep every state change recoverable
  for_each              = local.domain.environments
  name                  = each.value.state_container
  storage_account_id    = azurerm_storage_account.state.id
  container_access_type = "private"
}

# The admin who runs the bootstrap writes its state into the account (Entra auth: Owner has
# no data access by itself). Another admin grants themself the same role to run it later.
resource "azurerm_role_assignment" "administrator_state" {
  scope                = azurerm_storage_container.state.id
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = data.azurerm_client_config.current.object_id

  lifecycle {
    ignore_changes = [principal_id]
  }
}

resource "azurerm_resource_group" "environment" {
  for_each = local.domain.environments
  name     = each.value.resource_group
  location = local.domain.region
  tags     = merge(local.domain.tags, { env = each.key })
}

resource "azurerm_user_assigned_identity" "github" {
  for_each            = local.identities
  name                = each.value.name
  resource_group_name = azurerm_resource_group.state.name
  location            = azurerm_resource_group.state.location
  tags                = local.tags
}

resource "azurerm_federated_identity_credential" "github" {
  for_each                  = local.federated_credentials
  name                      = each.value.name
  user_assigned_identity_id = azurerm_user_assigned_identity.github[each.value.identity].id
  issuer                    = local.oidc_issuer
  subject                   = each.value.subject
  audience                  = [local.oidc_audience]
}

# Plan reads the environment, apply changes it; both only inside their environment's group.
resource "azurerm_role_assignment" "environment" {
  for_each             = local.identities
  scope                = azurerm_resource_group.environment[each.value.environment].id
  role_definition_name = each.value.role
  principal_id         = azurerm_user_assigned_identity.github[each.key].principal_id
  principal_type       = "ServicePrincipal"
}

# Apply writes its environment's state; plan only reads it (pull-request plans run with
# -lock=false: a lease is a write).
resource "azurerm_role_assignment" "state" {
  for_each             = local.identities
  scope                = azurerm_storage_container.environment[each.value.environment].id
  role_definition_name = each.value.state_role
  principal_id         = azurerm_user_assigned_identity.github[each.key].principal_id
  principal_type       = "ServicePrincipal"
}

# Apply grants the access connector its storage role: it may assign only that role, only in
# its environment's resource group (an ABAC condition on role assignments).
resource "azurerm_role_assignment" "apply_assigns_connector_role" {
  for_each             = { for key, identity in local.identities : key => identity if identity.role == "Contributor" }
  scope                = azurerm_resource_group.environment[each.value.environment].id
  role_definition_name = "Role Based Access Control Administrator"
  principal_id         = azurerm_user_assigned_identity.github[each.key].principal_id
  principal_type       = "ServicePrincipal"
  condition_version    = "2.0"
  condition            = local.assignable_roles_condition
}

# Each environment's monthly budget covers its resource group and the Databricks managed
# resource group (classic compute is billed there): a subscription-scope budget, so here.
module "budget" {
  source          = "../modules/cost"
  for_each        = local.domain.environments
  name            = each.value.budget
  subscription_id = data.azurerm_subscription.current.id
  resource_group_names = [
    azurerm_resource_group.environment[each.key].name,
    each.value.databricks_managed_resource_group,
  ]
  monthly_budget = local.domain.monthly_budget
  alert_email    = local.domain.alert_email
}
