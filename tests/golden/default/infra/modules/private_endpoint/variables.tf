variable "name" {
  description = "Private endpoint name from the naming core."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group of the domain environment."
  type        = string
}

variable "location" {
  description = "Azure region."
  type        = string
}

variable "subnet_id" {
  description = "Private-endpoint subnet of the environment's VNet."
  type        = string
}

variable "resource_id" {
  description = "Resource the endpoint connects to (storage account, workspace, Event Hubs namespace)."
  type        = string
}

variable "subresource" {
  description = "Sub-resource (group id) of the connection, e.g. blob, dfs, databricks_ui_api, namespace."
  type        = string
  validation {
    condition     = contains(["blob", "dfs", "databricks_ui_api", "namespace"], var.subresource)
    error_message = "subresource must be blob, dfs, databricks_ui_api or namespace."
  }
}

variable "dns_zone_id" {
  description = "Private DNS zone that resolves the resource's private address."
  type        = string
}

variable "tags" {
  description = "Mandatory tags (domain, env, cost_center, owner)."
  type        = map(string)
}
