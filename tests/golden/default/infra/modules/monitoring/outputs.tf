output "log_analytics_workspace_id" {
  description = "Log Analytics workspace receiving the diagnostic logs."
  value       = azurerm_log_analytics_workspace.this.id
}

output "action_group_id" {
  description = "Action group that emails alert_email (also used by the budget)."
  value       = azurerm_monitor_action_group.this.id
}
