variable "names" {
  description = "Names from the naming core: eventhub_namespace, eventhub (the dataset), private endpoint."
  type = object({
    eventhub_namespace        = string
    eventhub                  = string
    eventhub_private_endpoint = string
  })
}

variable "resource_group_name" {
  description = "Resource group of the domain environment."
  type        = string
}

variable "location" {
  description = "Azure region."
  type        = string
}

variable "partitions" {
  description = "Partitions of the event hub (the consumers' maximum parallelism)."
  type        = number
  validation {
    condition     = var.partitions >= 1 && var.partitions <= 32
    error_message = "partitions must be between 1 and 32."
  }
}

variable "retention_days" {
  description = "Days Event Hubs keeps events (1-7 on the Standard tier)."
  type        = number
  validation {
    condition     = var.retention_days >= 1 && var.retention_days <= 7
    error_message = "retention_days must be between 1 and 7."
  }
}

variable "consumer_principal_id" {
  description = "Object id of the managed identity that reads the hub (the access connector behind the service credential)."
  type        = string
}

variable "public_network_access_enabled" {
  description = "Accept producers over the internet (Entra-authenticated). Off when private networking is on."
  type        = bool
  default     = false
}

variable "allowed_subnet_ids" {
  description = "Subnets allowed through the namespace firewall: the serverless NCC's subnets."
  type        = list(string)
  default     = []
}

variable "private_endpoint" {
  description = "Private endpoint when private networking is on; null otherwise."
  type = object({
    subnet_id   = string
    dns_zone_id = string
  })
  default = null
}

variable "tags" {
  description = "Mandatory tags (domain, env, cost_center, owner)."
  type        = map(string)
}
