# VNet injection for the workspace, plus a subnet and private DNS for private endpoints.
resource "azurerm_virtual_network" "this" {
  name                = var.names.virtual_network
  resource_group_name = var.resource_group_name
  location            = var.location
  address_space       = [var.address_space]
  tags                = var.tags
}

resource "azurerm_network_security_group" "this" {
  name                = var.names.network_security_group
  resource_group_name = var.resource_group_name
  location            = var.location
  tags                = var.tags
}

resource "azurerm_subnet" "databricks" {
  for_each             = local.databricks_subnets
  name                 = each.value.name
  resource_group_name  = var.resource_group_name
  virtual_network_name = azurerm_virtual_network.this.name
  address_prefixes     = [each.value.prefix]

  # Classic clusters reach the data account's firewall through this endpoint.
  service_endpoint {
    service = "Microsoft.Storage"
  }

  delegation {
    name = "databricks"
    service_delegation {
      name = "Microsoft.Databricks/workspaces"
      actions = [
        "Microsoft.Network/virtualNetworks/subnets/join/action",
        "Microsoft.Network/virtualNetworks/subnets/prepareNetworkPolicies/action",
        "Microsoft.Network/virtualNetworks/subnets/unprepareNetworkPolicies/action",
      ]
    }
  }
}

resource "azurerm_subnet_network_security_group_association" "databricks" {
  for_each                  = azurerm_subnet.databricks
  subnet_id                 = each.value.id
  network_security_group_id = azurerm_network_security_group.this.id
}

resource "azurerm_subnet" "private_endpoints" {
  name                              = var.names.private_endpoint_subnet
  resource_group_name               = var.resource_group_name
  virtual_network_name              = azurerm_virtual_network.this.name
  address_prefixes                  = [local.endpoints_prefix]
  private_endpoint_network_policies = "Enabled"
}

resource "azurerm_subnet_network_security_group_association" "private_endpoints" {
  subnet_id                 = azurerm_subnet.private_endpoints.id
  network_security_group_id = azurerm_network_security_group.this.id
}

resource "azurerm_private_dns_zone" "this" {
  for_each            = var.private_dns_zones
  name                = each.value
  resource_group_name = var.resource_group_name
  tags                = var.tags
}

resource "azurerm_private_dns_zone_virtual_network_link" "this" {
  for_each            = azurerm_private_dns_zone.this
  name                = var.names.virtual_network
  private_dns_zone_id = each.value.id
  virtual_network_id  = azurerm_virtual_network.this.id
  tags                = var.tags
}
