# One private endpoint with its DNS registration: the shape every private resource shares.
resource "azurerm_private_endpoint" "this" {
  name                = var.name
  resource_group_name = var.resource_group_name
  location            = var.location
  subnet_id           = var.subnet_id
  tags                = var.tags

  private_service_connection {
    name                           = var.name
    private_connection_resource_id = var.resource_id
    subresource_names              = [var.subresource]
    is_manual_connection           = local.manual_connection
  }

  private_dns_zone_group {
    name                 = var.subresource
    private_dns_zone_ids = [var.dns_zone_id]
  }
}
