# Serverless compute egress of one workspace: a network connectivity configuration (NCC) of
# the Databricks account, bound to the workspace. Its stable service-endpoint subnets are
# allowed on the storage and Event Hubs firewalls; resources without a public endpoint get a
# private endpoint rule, whose connection an admin approves on the target resource.
resource "databricks_mws_network_connectivity_config" "this" {
  provider = databricks.account
  name     = var.name
  region   = var.region
}

resource "databricks_mws_ncc_binding" "this" {
  provider                       = databricks.account
  network_connectivity_config_id = databricks_mws_network_connectivity_config.this.network_connectivity_config_id
  workspace_id                   = var.workspace_id
}

resource "databricks_mws_ncc_private_endpoint_rule" "this" {
  provider                       = databricks.account
  for_each                       = var.private_endpoint_targets
  network_connectivity_config_id = databricks_mws_network_connectivity_config.this.network_connectivity_config_id
  resource_id                    = each.value.resource_id
  group_id                       = each.value.group_id
}
