locals {
  # With public access off, Azure requires that Databricks not manage NSG rules for the
  # (private) control-plane path.
  nsg_rules_required = var.public_network_access_enabled ? "AllRules" : "NoAzureDatabricksRules"
  # The front-end private endpoint exists only when the public front end is off.
  private_endpoints = var.private_endpoint == null || var.public_network_access_enabled ? {} : { databricks_ui_api = var.private_endpoint }
}
