locals {
  # Soft-deleted vaults and secrets stay recoverable for the maximum Azure allows.
  soft_delete_retention_days = 90
  private_endpoints          = var.private_endpoint == null ? {} : { vault = var.private_endpoint }
}
