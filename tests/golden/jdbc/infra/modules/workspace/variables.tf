variable "names" {
  description = "Names from the naming core: databricks_workspace, databricks_managed_resource_group, access_connector."
  type = object({
    databricks_workspace              = string
    databricks_managed_resource_group = string
    access_connector                  = string
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

variable "public_network_access_enabled" {
  description = "Reach the workspace UI/API over the internet (GitHub-hosted runners need it); off means the private endpoint only."
  type        = bool
  default     = false
}

variable "vnet_injection" {
  description = "VNet injection settings when private networking is on; null uses the Databricks-managed VNet (still with no public IPs)."
  type = object({
    virtual_network_id           = string
    host_subnet_name             = string
    container_subnet_name        = string
    host_nsg_association_id      = string
    container_nsg_association_id = string
  })
  default = null
}

variable "private_endpoint" {
  description = "Front-end private endpoint (databricks_ui_api), created when public_network_access_enabled is false; null for none."
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
