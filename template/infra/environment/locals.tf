locals {
  # Answers and names rendered by the template's naming core; HCL never builds a name.
  domain = jsondecode(file("${path.module}/../domain.json"))
  names  = local.domain.environments[var.environment]
  tags   = merge(local.domain.tags, { env = var.environment })

  network_names = {
    virtual_network         = local.names.virtual_network
    host_subnet             = local.names.host_subnet
    container_subnet        = local.names.container_subnet
    private_endpoint_subnet = local.names.private_endpoint_subnet
    network_security_group  = local.names.network_security_group
  }
  containers = {
    landing = local.names.landing_container
    catalog = local.names.catalog_container
  }
  eventhub_enabled = local.domain.source.type == "eventhub"
  jdbc_enabled     = local.domain.source.type == "jdbc"
}
