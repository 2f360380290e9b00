variable "name" {
  description = "Budget name from the naming core."
  type        = string
}

variable "resource_group_id" {
  description = "Resource group the budget covers."
  type        = string
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

variable "action_group_id" {
  description = "Action group notified at the thresholds."
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
