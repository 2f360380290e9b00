output "id" {
  description = "Resource id of the budget."
  value       = azurerm_consumption_budget_subscription.this.id
}
