variable "names" {
  description = "Names from the naming core: virtual_network, host_subnet, container_subnet, private_endpoint_subnet, network_security_group."
  type = object({
    virtual_network         = string
    host_subnet             = string
    container_subnet        = string
    private_endpoint_subnet = string
    network_security_group  = string
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

variable "address_space" {
  description = "VNet address space (/16 to /22); split into host, container and private-endpoint subnets."
  type        = string
  validation {
    condition     = can(cidrnetmask(var.address_space)) && tonumber(split("/", var.address_space)[1]) >= 16 && tonumber(split("/", var.address_space)[1]) <= 22
    error_message = "address_space must be a CIDR block between /16 and /22, e.g. 10.20.0.0/20."
  }
}

variable "private_dns_zones" {
  description = "Private DNS zones to create and link to the VNet, keyed by the service they resolve."
  type        = map(string)
  default = {
    blob       = "privatelink.blob.core.windows.net"
    dfs        = "privatelink.dfs.core.windows.net"
    servicebus = "privatelink.servicebus.windows.net"
    databricks = "privatelink.azuredatabricks.net"
  }
}

variable "tags" {
  description = "Mandatory tags (domain, env, cost_center, owner)."
  type        = map(string)
}
