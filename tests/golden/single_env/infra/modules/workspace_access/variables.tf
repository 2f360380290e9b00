variable "databricks_account_id" {
  description = "Azure Databricks account id (account console); names the account-level rule set."
  type        = string
  validation {
    condition     = can(regex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", var.databricks_account_id))
    error_message = "databricks_account_id must be the account's GUID."
  }
}

variable "workspace_id" {
  description = "Numeric id of the workspace the principals are assigned to."
  type        = string
}

variable "groups" {
  description = "Account groups assigned to the workspace: owners, engineers, analysts, pii_readers."
  type = object({
    owners      = string
    engineers   = string
    analysts    = string
    pii_readers = string
  })
}

variable "pipeline" {
  description = "The identity jobs run as: application (client) id of its managed identity and its display name from the naming core."
  type = object({
    application_id = string
    display_name   = string
  })
  validation {
    condition     = can(regex("^[0-9a-f-]{36}$", var.pipeline.application_id))
    error_message = "pipeline.application_id must be a GUID."
  }
}

variable "plan" {
  description = "The plan identity of pull requests: application (client) id and display name; it becomes a workspace user that reads only."
  type = object({
    application_id = string
    display_name   = string
  })
  validation {
    condition     = can(regex("^[0-9a-f-]{36}$", var.plan.application_id))
    error_message = "plan.application_id must be a GUID."
  }
}

variable "apply_application_id" {
  description = "Application (client) id of the environment's apply identity, which deploys jobs that run as the pipeline."
  type        = string
  validation {
    condition     = can(regex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", var.apply_application_id))
    error_message = "apply_application_id must be a GUID."
  }
}

variable "front_end_allowed_ip_ranges" {
  description = "Public IP ranges (CIDR) allowed to the workspace UI/API; empty leaves the IP access list off (GitHub-hosted runners have no fixed IPs)."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for range in var.front_end_allowed_ip_ranges : can(cidrnetmask(range))])
    error_message = "front_end_allowed_ip_ranges must hold CIDR blocks."
  }
}
