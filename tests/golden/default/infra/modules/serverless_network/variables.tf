variable "name" {
  description = "NCC name from the naming core (3-30 letters, digits, hyphens, underscores)."
  type        = string
  validation {
    condition     = can(regex("^[0-9A-Za-z_-]{3,30}$", var.name))
    error_message = "name must be 3-30 letters, digits, hyphens or underscores."
  }
}

variable "region" {
  description = "Azure region of the workspace; an NCC serves workspaces of its region only."
  type        = string
}

variable "workspace_id" {
  description = "Numeric id of the workspace the NCC is bound to."
  type        = string
}

variable "private_endpoint_targets" {
  description = "Resources serverless compute reaches through a private endpoint (those with public access off), by a stable key: resource id and sub-resource (group id)."
  type = map(object({
    resource_id = string
    group_id    = string
  }))
  default = {}
  validation {
    condition     = alltrue([for target in values(var.private_endpoint_targets) : contains(["blob", "dfs", "namespace"], target.group_id)])
    error_message = "group_id must be blob, dfs or namespace."
  }
}
