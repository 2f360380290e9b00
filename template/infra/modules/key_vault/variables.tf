variable "name" {
  description = "Key Vault name from the naming core (3-24 characters, globally unique)."
  type        = string
  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]$", var.name)) && !strcontains(var.name, "--")
    error_message = "name must be 3-24 letters, digits and single hyphens, starting with a letter."
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

variable "tenant_id" {
  description = "Microsoft Entra tenant of the vault."
  type        = string
}

variable "public_network_access_enabled" {
  description = "Allow the public endpoint (still limited by the firewall). Off when private networking is on."
  type        = bool
  default     = false
}

variable "allowed_ip_ranges" {
  description = "Public IP ranges (CIDR) allowed through the vault firewall."
  type        = list(string)
  default     = []
}

variable "private_endpoint" {
  description = "Private endpoint when private networking is on; null otherwise."
  type = object({
    subnet_id   = string
    name        = string
    dns_zone_id = string
  })
  default = null
}

variable "tags" {
  description = "Mandatory tags (domain, env, cost_center, owner)."
  type        = map(string)
}
