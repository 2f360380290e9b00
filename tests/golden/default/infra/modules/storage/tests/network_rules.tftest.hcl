# The data account's firewall, planned against mocked providers (terraform test).
mock_provider "azurerm" {}
mock_provider "time" {}

variables {
  name                   = "strisktest1234"
  resource_group_name    = "rg-risk-dev"
  location               = "brazilsouth"
  containers             = { landing = "landing", catalog = "catalog" }
  landing_retention_days = 30
  allowed_subnet_ids     = ["/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ncc/providers/Microsoft.Network/virtualNetworks/ncc/subnets/a"]
  access_connector = {
    id           = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-risk-dev/providers/Microsoft.Databricks/accessConnectors/dbac-risk-dev"
    principal_id = "00000000-0000-0000-0000-000000000003"
  }
  tags = { domain = "risk", env = "dev", cost_center = "CC-0000", owner = "risk@example.com" }
}

run "firewall_denies_by_default_and_admits_unity_catalog_and_serverless" {
  command = plan

  assert {
    condition     = azurerm_storage_account.this.network_rules[0].default_action == "Deny"
    error_message = "The firewall denies by default."
  }
  assert {
    condition     = one(azurerm_storage_account.this.network_rules[0].private_link_access).endpoint_resource_id == var.access_connector.id
    error_message = "Unity Catalog's access connector needs a resource-instance rule."
  }
  assert {
    condition     = toset(azurerm_storage_account.this.network_rules[0].virtual_network_subnet_ids) == toset(var.allowed_subnet_ids)
    error_message = "The serverless (NCC) subnets are allowed."
  }
  assert {
    condition     = azurerm_storage_account.this.public_network_access_enabled && azurerm_storage_account.this.shared_access_key_enabled == false
    error_message = "Selected networks (the firewall's exceptions need the public endpoint), Entra-only access."
  }
  assert {
    condition     = azurerm_role_assignment.access_connector.role_definition_name == "Storage Blob Data Contributor"
    error_message = "The access connector may read and write blobs, nothing more."
  }
}

run "job_clusters_without_vnet_injection_need_an_open_firewall" {
  command = plan
  variables {
    default_action = "Allow"
  }

  assert {
    condition     = azurerm_storage_account.this.network_rules[0].default_action == "Allow"
    error_message = "default_action follows the environment's network profile."
  }
}
