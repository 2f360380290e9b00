variable "environment" {
  description = "Environment to apply: one of the domain's environments (see ../../domain.json)."
  type        = string
  validation {
    condition     = contains(["dev", "stg", "prd"], var.environment)
    error_message = "environment must be dev, stg or prd."
  }
}

variable "private_networking" {
  description = "VNet injection, private endpoints and no public endpoints (on for prd; optional elsewhere)."
  type        = bool
}

variable "address_space" {
  description = "VNet address space when private_networking is on (/16 to /22), unique per environment."
  type        = string
  default     = "10.20.0.0/20"
  validation {
    condition     = can(cidrnetmask(var.address_space))
    error_message = "address_space must be a CIDR block, e.g. 10.20.0.0/20."
  }
}

variable "allowed_ip_ranges" {
  description = "Public IP ranges (CIDR) let through the storage firewall (e.g. operators)."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for range in var.allowed_ip_ranges : can(cidrnetmask(range))])
    error_message = "allowed_ip_ranges must hold CIDR blocks."
  }
}

variable "storage_replication_type" {
  description = "Data storage redundancy: GZRS for production, ZRS is enough for dev."
  type        = string
  default     = "GZRS"
  validation {
    condition     = contains(["ZRS", "GRS", "RAGRS", "GZRS", "RAGZRS"], var.storage_replication_type)
    error_message = "storage_replication_type must be ZRS, GRS, RAGRS, GZRS or RAGZRS."
  }
}

variable "databricks_account_id" {
  description = "Azure Databricks account id (account console, top right); CI passes the repository variable DATABRICKS_ACCOUNT_ID as TF_VAR_databricks_account_id."
  type        = string
  validation {
    condition     = can(regex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", var.databricks_account_id))
    error_message = "databricks_account_id must be the account's GUID (set the repository variable DATABRICKS_ACCOUNT_ID)."
  }
}

variable "plan_identity_client_id" {
  description = "Client id of the environment's plan identity (bootstrap output; CI passes AZURE_PLAN_CLIENT_ID_<ENV> as TF_VAR_plan_identity_client_id); it becomes a read-only workspace user."
  type        = string
  validation {
    condition     = can(regex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", var.plan_identity_client_id))
    error_message = "plan_identity_client_id must be a GUID (the repository variable AZURE_PLAN_CLIENT_ID_<ENV>)."
  }
}

variable "apply_identity_client_id" {
  description = "Client id of the environment's apply identity (bootstrap output; CI passes AZURE_APPLY_CLIENT_ID_<ENV> as TF_VAR_apply_identity_client_id); it may deploy jobs that run as the pipeline."
  type        = string
  validation {
    condition     = can(regex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", var.apply_identity_client_id))
    error_message = "apply_identity_client_id must be a GUID (the repository variable AZURE_APPLY_CLIENT_ID_<ENV>)."
  }
}

variable "workspace_front_end" {
  description = "Workspace UI/API: public (reachable from GitHub-hosted runners) or private (private endpoint; self-hosted runners in the VNet). Null: private with private_networking, else public."
  type        = string
  default     = null
  validation {
    condition     = var.workspace_front_end == null || contains(["public", "private"], coalesce(var.workspace_front_end, "public"))
    error_message = "workspace_front_end must be public or private."
  }
  validation {
    condition     = var.workspace_front_end != "private" || var.private_networking
    error_message = "workspace_front_end = \"private\" needs private_networking = true (the front end's private endpoint lives in the VNet)."
  }
}

variable "front_end_allowed_ip_ranges" {
  description = "Public IP ranges (CIDR) allowed to a public front end through a workspace IP access list; empty: no list (GitHub-hosted runners have no fixed IPs)."
  type        = list(string)
  default     = []
}

variable "force_destroy" {
  description = "Let destroy delete the catalog, schemas and external locations with their tables (the destroy workflow sets it)."
  type        = bool
  default     = false
}
