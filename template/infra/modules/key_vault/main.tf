# Secrets of the domain (e.g. JDBC source credentials), readable through Azure RBAC only.
resource "azurerm_key_vault" "this" {
  # checkov:skip=CKV_AZURE_189:The public endpoint exists only when private networking is off (the dev sandbox); the firewall still denies by default and prd turns it off
  name                          = var.name
  resource_group_name           = var.resource_group_name
  location                      = var.location
  tenant_id                     = var.tenant_id
  sku_name                      = "standard"
  rbac_authorization_enabled    = true
  purge_protection_enabled      = true
  soft_delete_retention_days    = local.soft_delete_retention_days
  public_network_access_enabled = var.public_network_access_enabled
  tags                          = var.tags

  network_acls {
    default_action = "Deny"
    bypass         = "AzureServices"
    ip_rules       = var.allowed_ip_ranges
  }
}

module "private_endpoint" {
  source              = "../private_endpoint"
  for_each            = local.private_endpoints
  name                = each.value.name
  resource_group_name = var.resource_group_name
  location            = var.location
  subnet_id           = each.value.subnet_id
  resource_id         = azurerm_key_vault.this.id
  subresource         = each.key
  dns_zone_id         = each.value.dns_zone_id
  tags                = var.tags
}
