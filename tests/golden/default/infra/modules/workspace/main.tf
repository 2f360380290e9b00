# Premium workspace (Unity Catalog, private link), secure cluster connectivity (no public IPs).
resource "azurerm_databricks_workspace" "this" {
  # checkov:skip=CKV2_AZURE_48:Root DBFS holds no domain data (tables live in Unity Catalog storage); customer-managed keys are an opt-in
  name                                  = var.names.databricks_workspace
  resource_group_name                   = var.resource_group_name
  location                              = var.location
  sku                                   = "premium"
  managed_resource_group_name           = var.names.databricks_managed_resource_group
  public_network_access_enabled         = var.public_network_access_enabled
  network_security_group_rules_required = var.vnet_injection == null ? null : local.nsg_rules_required
  infrastructure_encryption_enabled     = true
  tags                                  = var.tags

  custom_parameters {
    no_public_ip                                         = true
    virtual_network_id                                   = try(var.vnet_injection.virtual_network_id, null)
    public_subnet_name                                   = try(var.vnet_injection.host_subnet_name, null)
    private_subnet_name                                  = try(var.vnet_injection.container_subnet_name, null)
    public_subnet_network_security_group_association_id  = try(var.vnet_injection.host_nsg_association_id, null)
    private_subnet_network_security_group_association_id = try(var.vnet_injection.container_nsg_association_id, null)
  }
}

# Unity Catalog's identity towards Azure storage: a system-assigned managed identity. Its
# storage role and firewall rule live with the storage account (../storage).
resource "azurerm_databricks_access_connector" "this" {
  name                = var.names.access_connector
  resource_group_name = var.resource_group_name
  location            = var.location
  tags                = var.tags

  identity {
    type = "SystemAssigned"
  }
}

module "private_endpoint" {
  source              = "../private_endpoint"
  for_each            = local.private_endpoints
  name                = each.value.name
  resource_group_name = var.resource_group_name
  location            = var.location
  subnet_id           = each.value.subnet_id
  resource_id         = azurerm_databricks_workspace.this.id
  subresource         = each.key
  dns_zone_id         = each.value.dns_zone_id
  tags                = var.tags
}
