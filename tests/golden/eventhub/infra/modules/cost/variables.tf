variable "name" {
  description = "Budget name from the naming core."
  type        = string
}

variable "subscription_id" {
  description = "Subscription of the resource groups, as /subscriptions/<id>."
  type        = string
  validation {
    condition     = startswith(var.subscription_id, "/subscriptions/")
    error_message = "subscription_id must look like /subscriptions/<id>."
  }
}

variable "resource_group_names" {
  description = "Resource groups the budget covers: the environment's and its Databricks managed resource group."
  type        = list(string)
  validation {
    condition     = length(var.resource_group_names) > 0
    error_message = "resource_group_names needs at least one resource group."
  }
}

variable "monthly_budget" {
  description = "Monthly budget of the environment in the billing currency."
  type        = number
  validation {
    condition     = var.monthly_budget > 0
    error_message = "monthly_budget must be positive."
  }
}

variable "alert_email" {
  description = "Email notified at the thresholds."
  type        = string
}

variable "thresholds" {
  description = "Notification thresholds in percent: actual spend, and forecast spend."
  type = object({
    actual   = list(number)
    forecast = list(number)
  })
  default = {
    actual   = [80, 100]
    forecast = [100]
  }
}
