variable "names" {
  description = "Names from the naming core: log_analytics_workspace, action_group, action_group_short_name, job_failure_alert, ingestion_lag_alert, alert_destination (the workspace's notification destination)."
  type = object({
    log_analytics_workspace = string
    action_group            = string
    action_group_short_name = string
    job_failure_alert       = string
    ingestion_lag_alert     = string
    alert_destination       = string
  })
  validation {
    condition     = length(var.names.action_group_short_name) <= 12
    error_message = "action_group_short_name must be at most 12 characters."
  }
}

variable "resource_group_name" {
  description = "Resource group of the domain environment."
  type        = string
}

variable "location" {
  description = "Azure region."
  type        = string
}

variable "alert_email" {
  description = "Email that receives job failure and ingestion lag alerts, and the Databricks SQL alerts."
  type        = string
  validation {
    condition     = can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alert_email))
    error_message = "alert_email must be an email address."
  }
}

variable "diagnostic_targets" {
  description = "Resources whose logs and metrics go to Log Analytics, by a stable key: resource id and kind (storage_blob, databricks_workspace, eventhub_namespace), which decides the metric categories."
  type = map(object({
    resource_id = string
    kind        = string
  }))
  validation {
    condition     = alltrue([for target in values(var.diagnostic_targets) : contains(["storage_blob", "databricks_workspace", "eventhub_namespace"], target.kind)])
    error_message = "Each diagnostic target's kind must be storage_blob, databricks_workspace or eventhub_namespace."
  }
}

variable "retention_days" {
  description = "Days Log Analytics keeps logs."
  type        = number
  default     = 90
  validation {
    condition     = var.retention_days >= 30 && var.retention_days <= 730
    error_message = "retention_days must be between 30 and 730."
  }
}

variable "ingestion_lag_hours" {
  description = "Alert when no Databricks job run has succeeded for this many hours (the contracts' freshness SLA)."
  type        = number
  default     = 24
  validation {
    condition     = contains([1, 2, 3, 4, 5, 6, 24, 48], var.ingestion_lag_hours)
    error_message = "ingestion_lag_hours must be 1 to 6, 24 or 48 (the windows Azure log alerts accept)."
  }
}

variable "tags" {
  description = "Mandatory tags (domain, env, cost_center, owner)."
  type        = map(string)
}
