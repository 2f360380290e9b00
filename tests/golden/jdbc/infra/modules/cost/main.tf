# Monthly budget of one environment: its resource group and the Databricks managed resource
# group, where classic cluster VMs, disks and IPs are billed. A budget over two groups is a
# subscription budget filtered on their names, created by ../../bootstrap (subscription scope).
resource "azurerm_consumption_budget_subscription" "this" {
  name            = var.name
  subscription_id = var.subscription_id
  amount          = var.monthly_budget
  time_grain      = "Monthly"

  time_period {
    start_date = local.start_date
  }

  filter {
    dimension {
      name   = "ResourceGroupName"
      values = var.resource_group_names
    }
  }

  dynamic "notification" {
    for_each = local.notifications
    content {
      enabled        = true
      threshold      = notification.value.threshold
      threshold_type = notification.value.type
      operator       = "GreaterThanOrEqualTo"
      contact_emails = [var.alert_email]
    }
  }

  lifecycle {
    ignore_changes = [time_period]
  }
}
