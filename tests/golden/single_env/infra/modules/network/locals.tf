locals {
  # Host and container subnets each get a quarter of the space (Databricks needs /26 or
  # larger); the private-endpoint subnet an eighth.
  subnet_bits      = 2
  host_prefix      = cidrsubnet(var.address_space, local.subnet_bits, 0)
  container_prefix = cidrsubnet(var.address_space, local.subnet_bits, 1)
  endpoints_prefix = cidrsubnet(var.address_space, local.subnet_bits + 1, 4)
  databricks_subnets = {
    host      = { name = var.names.host_subnet, prefix = local.host_prefix }
    container = { name = var.names.container_subnet, prefix = local.container_prefix }
  }
}
