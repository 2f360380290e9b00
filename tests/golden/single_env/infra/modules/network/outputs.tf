output "virtual_network_id" {
  description = "Id of the VNet the workspace is injected into."
  value       = azurerm_virtual_network.this.id
}

output "host_subnet_name" {
  description = "Name of the Databricks host (public) subnet."
  value       = azurerm_subnet.databricks["host"].name
}

output "container_subnet_name" {
  description = "Name of the Databricks container (private) subnet."
  value       = azurerm_subnet.databricks["container"].name
}

output "databricks_subnet_ids" {
  description = "Ids of the Databricks subnets (allowed through the storage firewall)."
  value       = [for subnet in azurerm_subnet.databricks : subnet.id]
}

output "host_nsg_association_id" {
  description = "NSG association of the host subnet (required by VNet injection)."
  value       = azurerm_subnet_network_security_group_association.databricks["host"].id
}

output "container_nsg_association_id" {
  description = "NSG association of the container subnet (required by VNet injection)."
  value       = azurerm_subnet_network_security_group_association.databricks["container"].id
}

output "private_endpoint_subnet_id" {
  description = "Subnet for private endpoints."
  value       = azurerm_subnet.private_endpoints.id
}

output "private_dns_zone_ids" {
  description = "Private DNS zone ids keyed like var.private_dns_zones."
  value       = { for key, zone in azurerm_private_dns_zone.this : key => zone.id }
}
