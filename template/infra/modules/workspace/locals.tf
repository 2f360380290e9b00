locals {
  # With public access off, Azure requires that Databricks not manage NSG rules for the
  # (private) control-plane path.
  nsg_rules_required = var.public_network_access_enabled ? "AllRules" : "NoAzureDatabricksRules"
  private_endpoints  = var.private_endpoint == null ? {} : { databricks_ui_api = var.private_endpoint }
  # The only role Unity Catalog needs on the data account: read and write blobs.
  connector_storage_role = "Storage Blob Data Contributor"
}
