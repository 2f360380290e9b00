locals {
  # Answers and names rendered by the template's naming core; HCL never builds a name.
  domain = jsondecode(file("${path.module}/../../domain.json"))
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
  # The front end follows the tfvars (prd: the prd_front_end answer); when unset it is private
  # with private networking, as before the setting existed. Private needs self-hosted runners
  # in the VNet (repository variable RUNNER_<ENV>).
  workspace_front_end = coalesce(var.workspace_front_end, var.private_networking ? "private" : "public")
  # The storage firewall denies by default: Unity Catalog comes through the access connector
  # rule, serverless compute through the NCC subnets, job clusters through the VNet subnets.
  # Job clusters in a workspace without VNet injection have no subnet to allow, so then the
  # firewall allows (access stays Entra-only).
  storage_default_action = var.private_networking || local.domain.compute == "serverless" ? "Deny" : "Allow"
  eventhub_enabled       = local.domain.source.type == "eventhub"
  jdbc_enabled           = local.domain.source.type == "jdbc"
}
