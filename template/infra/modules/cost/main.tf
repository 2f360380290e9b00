# Monthly budget of the environment's resource group, with e-mail and action-group alerts.
resource "azurerm_consumption_budget_resource_group" "this" {
  name              = var.name
  resource_group_id = var.resource_group_id
  amount            = var.monthly_budget
  time_grain        = "Monthly"

  time_period {
    start_date = local.start_date
  }

  dynamic "notification" {
    for_each = local.notifications
    content {
      enabled        = true
      threshold      = notification.value.threshold
      threshold_type = notification.value.type
      operator       = "GreaterThanOrEqualTo"
      contact_emails = [var.alert_email]
      contact_groups = [var.action_group_id]
    }
  }

  lifecycle {
    ignore_changes = [time_period]
  }
}
