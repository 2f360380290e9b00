# ADLS Gen2 account for the domain's data: landing files and Unity Catalog managed storage.
resource "azurerm_storage_account" "this" {
  # checkov:skip=CKV_AZURE_59:Unity Catalog's resource-instance rule and the serverless subnets are rules of the public endpoint's firewall, which denies everything else by default
  # checkov:skip=CKV2_AZURE_33:Private endpoints exist in private environments only (module.private_endpoint); elsewhere the selected-networks firewall with its resource-instance rule and NCC subnets is the access path
  # checkov:skip=CKV_AZURE_35:The firewall denies by default except for job clusters in a workspace without VNet injection, whose Databricks-managed subnets cannot be allowed
  # checkov:skip=CKV2_AZURE_1:Platform-managed keys with infrastructure (double) encryption; customer-managed keys are an opt-in outside this module
  # checkov:skip=CKV_AZURE_33:Queue logging needs queue_properties, removed in azurerm 5; no queues are used and diagnostic settings send storage logs to Log Analytics
  name                            = var.name
  resource_group_name             = var.resource_group_name
  location                        = var.location
  account_kind                    = "StorageV2"
  account_tier                    = "Standard"
  account_replication_type        = var.replication_type
  is_hns_enabled                  = true
  https_traffic_only_enabled      = true
  min_tls_version                 = "TLS1_2"
  shared_access_key_enabled       = false
  default_to_oauth_authentication = true
  allow_nested_items_to_be_public = false
  # "Enabled from selected networks": the firewall below decides; Disabled would also drop
  # the resource-instance rule Unity Catalog needs.
  public_network_access_enabled     = true
  infrastructure_encryption_enabled = true
  local_user_enabled                = false
  sftp_enabled                      = false
  cross_tenant_replication_enabled  = false
  tags                              = var.tags

  blob_properties {
    delete_retention_policy {
      days = var.soft_delete_days
    }
    container_delete_retention_policy {
      days = var.soft_delete_days
    }
  }

  network_rules {
    default_action             = var.default_action
    bypass                     = ["AzureServices"]
    ip_rules                   = var.allowed_ip_ranges
    virtual_network_subnet_ids = var.allowed_subnet_ids

    # Unity Catalog's control plane reaches the account as this access connector.
    private_link_access {
      endpoint_resource_id = var.access_connector.id
    }
  }
}

# The only role Unity Catalog needs on the data account: read and write blobs.
resource "azurerm_role_assignment" "access_connector" {
  scope                = azurerm_storage_account.this.id
  role_definition_name = local.access_connector_role
  principal_id         = var.access_connector.principal_id
  principal_type       = "ServicePrincipal"
}

# Role assignments take minutes to reach the storage data plane; Unity Catalog validates an
# external location as soon as it is created, so its credential waits for this.
resource "time_sleep" "access_connector_role_propagation" {
  create_duration = var.rbac_propagation_wait
  triggers = {
    access_connector_id = var.access_connector.id
    role_assignment_id  = azurerm_role_assignment.access_connector.id
  }
}

resource "azurerm_storage_container" "this" {
  # checkov:skip=CKV2_AZURE_21:Blob read logging goes through the account's diagnostic settings to Log Analytics, not storage analytics
  for_each              = var.containers
  name                  = each.value
  storage_account_id    = azurerm_storage_account.this.id
  container_access_type = "private"
}

# Raw files are re-creatable from the source; keep them only as long as the domain needs.
resource "azurerm_storage_management_policy" "landing_retention" {
  storage_account_id = azurerm_storage_account.this.id

  rule {
    name    = local.landing_rule_name
    enabled = true
    filters {
      blob_types   = ["blockBlob"]
      prefix_match = [local.landing_prefix]
    }
    actions {
      base_blob {
        delete_after_days_since_modification_greater_than = var.landing_retention_days
      }
    }
  }
}

module "private_endpoint" {
  source              = "../private_endpoint"
  for_each            = local.private_endpoints
  name                = each.value.name
  resource_group_name = var.resource_group_name
  location            = var.location
  subnet_id           = var.private_endpoint.subnet_id
  resource_id         = azurerm_storage_account.this.id
  subresource         = each.key
  dns_zone_id         = each.value.dns_zone_id
  tags                = var.tags
}
