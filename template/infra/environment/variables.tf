variable "environment" {
  description = "Environment to apply: one of the domain's environments (see ../domain.json)."
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
  description = "Public IP ranges (CIDR) let through the storage and Key Vault firewalls (e.g. operators)."
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
