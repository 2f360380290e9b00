output "id" {
  description = "Resource id of the budget."
  value       = azurerm_consumption_budget_resource_group.this.id
}
