# Logs, metrics and alerts of the domain environment.
resource "azurerm_log_analytics_workspace" "this" {
  name                = var.names.log_analytics_workspace
  resource_group_name = var.resource_group_name
  location            = var.location
  sku                 = "PerGB2018"
  retention_in_days   = var.retention_days
  tags                = var.tags
}

resource "azurerm_monitor_diagnostic_setting" "this" {
  for_each                       = var.diagnostic_targets
  name                           = local.diagnostic_setting_name
  target_resource_id             = each.value.resource_id
  log_analytics_workspace_id     = azurerm_log_analytics_workspace.this.id
  log_analytics_destination_type = local.destination_types[each.value.kind]

  enabled_log {
    category_group = "allLogs"
  }

  dynamic "enabled_metric" {
    for_each = local.metric_categories[each.value.kind]
    content {
      category = enabled_metric.value
    }
  }
}

resource "azurerm_monitor_action_group" "this" {
  name                = var.names.action_group
  resource_group_name = var.resource_group_name
  short_name          = var.names.action_group_short_name
  tags                = var.tags

  email_receiver {
    name                    = "domain-owner"
    email_address           = var.alert_email
    use_common_alert_schema = true
  }
}

# The alert address as a notification destination of the workspace: the Databricks SQL alerts
# of the bundle (docs/monitoring.md) mail it, found by this name. Only workspace admins create
# destinations (Notification destinations API), which the apply identity is and the bundle
# deploy need not be.
resource "databricks_notification_destination" "alert_address" {
  display_name = var.names.alert_destination
  config {
    email {
      addresses = [var.alert_email]
    }
  }
}

resource "azurerm_monitor_scheduled_query_rules_alert_v2" "job_failures" {
  name                 = var.names.job_failure_alert
  resource_group_name  = var.resource_group_name
  location             = var.location
  description          = "A Databricks job run of the domain failed."
  severity             = 1
  evaluation_frequency = "PT15M"
  window_duration      = "PT15M"
  scopes               = [azurerm_log_analytics_workspace.this.id]
  tags                 = var.tags

  criteria {
    query                   = local.job_failures_query
    time_aggregation_method = "Count"
    operator                = "GreaterThan"
    threshold               = 0
  }

  action {
    action_groups = [azurerm_monitor_action_group.this.id]
  }
}

resource "azurerm_monitor_scheduled_query_rules_alert_v2" "ingestion_lag" {
  name                 = var.names.ingestion_lag_alert
  resource_group_name  = var.resource_group_name
  location             = var.location
  description          = "No Databricks job run of the domain succeeded within the freshness SLA."
  severity             = 2
  evaluation_frequency = "PT1H"
  window_duration      = local.ingestion_lag_window
  scopes               = [azurerm_log_analytics_workspace.this.id]
  tags                 = var.tags

  criteria {
    query                   = local.job_successes_query
    time_aggregation_method = "Count"
    operator                = "LessThan"
    threshold               = 1
  }

  action {
    action_groups = [azurerm_monitor_action_group.this.id]
  }
}
