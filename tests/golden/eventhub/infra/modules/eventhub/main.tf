# Event Hubs namespace and hub of the streaming source: Entra ID only (no SAS keys), TLS 1.2.
resource "azurerm_eventhub_namespace" "this" {
  name                          = var.names.eventhub_namespace
  resource_group_name           = var.resource_group_name
  location                      = var.location
  sku                           = "Standard"
  capacity                      = 1
  local_authentication_enabled  = false
  minimum_tls_version           = "1.2"
  public_network_access_enabled = var.public_network_access_enabled
  tags                          = var.tags

  network_rulesets {
    default_action = "Deny"
    # azurerm refuses a ruleset whose public access differs from the namespace's.
    public_network_access_enabled  = var.public_network_access_enabled
    trusted_service_access_enabled = true

    # Serverless compute (the NCC's subnets, in the Databricks account's own subscription).
    dynamic "virtual_network_rule" {
      for_each = toset(var.allowed_subnet_ids)
      content {
        subnet_id                                       = virtual_network_rule.value
        ignore_missing_virtual_network_service_endpoint = true
      }
    }
  }
}

resource "azurerm_eventhub" "this" {
  name              = var.names.eventhub
  namespace_id      = azurerm_eventhub_namespace.this.id
  partition_count   = var.partitions
  message_retention = var.retention_days
}

resource "azurerm_eventhub_consumer_group" "lakehouse" {
  name                = local.consumer_group
  namespace_name      = azurerm_eventhub_namespace.this.name
  eventhub_name       = azurerm_eventhub.this.name
  resource_group_name = var.resource_group_name
}

resource "azurerm_role_assignment" "consumer" {
  scope                = azurerm_eventhub.this.id
  role_definition_name = local.consumer_role
  principal_id         = var.consumer_principal_id
  principal_type       = "ServicePrincipal"
}

module "private_endpoint" {
  source              = "../private_endpoint"
  for_each            = local.private_endpoints
  name                = var.names.eventhub_private_endpoint
  resource_group_name = var.resource_group_name
  location            = var.location
  subnet_id           = each.value.subnet_id
  resource_id         = azurerm_eventhub_namespace.this.id
  subresource         = each.key
  dns_zone_id         = each.value.dns_zone_id
  tags                = var.tags
}
