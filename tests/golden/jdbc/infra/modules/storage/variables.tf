variable "name" {
  description = "Storage account name, from the naming core (3-24 lowercase letters and digits)."
  type        = string
  validation {
    condition     = can(regex("^[a-z0-9]{3,24}$", var.name))
    error_message = "name must be 3-24 lowercase letters and digits."
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

variable "containers" {
  description = "Containers to create: landing (raw files) and catalog (Unity Catalog managed storage)."
  type        = map(string)
  validation {
    condition     = alltrue([for name in values(var.containers) : can(regex("^[a-z0-9](?:[a-z0-9]|-[a-z0-9]){2,62}$", name))])
    error_message = "Container names must be 3-63 lowercase letters, digits and single hyphens."
  }
}

variable "landing_container_key" {
  description = "Key in containers of the landing container, whose blobs expire after landing_retention_days."
  type        = string
  default     = "landing"
}

variable "landing_retention_days" {
  description = "Days raw files stay in the landing container before lifecycle deletion."
  type        = number
  validation {
    condition     = var.landing_retention_days >= 1 && var.landing_retention_days <= 3650
    error_message = "landing_retention_days must be between 1 and 3650."
  }
}

variable "replication_type" {
  description = "Redundancy: GZRS (default, zone and geo redundant) in production; ZRS is acceptable in dev."
  type        = string
  default     = "GZRS"
  validation {
    condition     = contains(["LRS", "ZRS", "GRS", "RAGRS", "GZRS", "RAGZRS"], var.replication_type)
    error_message = "replication_type must be LRS, ZRS, GRS, RAGRS, GZRS or RAGZRS."
  }
}

variable "default_action" {
  description = "Firewall default for traffic no rule matches: Deny, or Allow only for job clusters in a workspace without VNet injection."
  type        = string
  default     = "Deny"
  validation {
    condition     = contains(["Deny", "Allow"], var.default_action)
    error_message = "default_action must be Deny or Allow."
  }
}

variable "access_connector" {
  description = "Access connector of the workspace (Unity Catalog's identity): its resource id (firewall resource-instance rule) and principal id (Storage Blob Data Contributor)."
  type = object({
    id           = string
    principal_id = string
  })
}

variable "rbac_propagation_wait" {
  description = "How long Unity Catalog waits after the access connector's role assignment (a duration like 90s)."
  type        = string
  default     = "90s"
  validation {
    condition     = can(regex("^[0-9]+[sm]$", var.rbac_propagation_wait))
    error_message = "rbac_propagation_wait must be a duration like 90s or 2m."
  }
}

variable "allowed_ip_ranges" {
  description = "Public IP ranges (CIDR) allowed through the storage firewall, e.g. an operator's office."
  type        = list(string)
  default     = []
}

variable "allowed_subnet_ids" {
  description = "Subnets allowed through the storage firewall: the workspace's VNet subnets and the serverless NCC subnets."
  type        = list(string)
  default     = []
}

variable "private_endpoint" {
  description = "Private endpoints for blob and dfs when private networking is on; null otherwise."
  type = object({
    subnet_id        = string
    blob_name        = string
    dfs_name         = string
    blob_dns_zone_id = string
    dfs_dns_zone_id  = string
  })
  default = null
}

variable "soft_delete_days" {
  description = "Days deleted blobs and containers can be restored."
  type        = number
  default     = 30
  validation {
    condition     = var.soft_delete_days >= 7 && var.soft_delete_days <= 365
    error_message = "soft_delete_days must be between 7 and 365."
  }
}

variable "tags" {
  description = "Mandatory tags (domain, env, cost_center, owner)."
  type        = map(string)
}
