locals {
  landing_rule_name     = "expire-landing-files"
  access_connector_role = "Storage Blob Data Contributor"
  landing_prefix        = "${var.containers[var.landing_container_key]}/"

  # One endpoint per storage sub-resource the platform uses: blob (Spark, Auto Loader) and
  # dfs (ADLS Gen2 / Unity Catalog).
  private_endpoints = var.private_endpoint == null ? {} : {
    blob = { name = var.private_endpoint.blob_name, dns_zone_id = var.private_endpoint.blob_dns_zone_id }
    dfs  = { name = var.private_endpoint.dfs_name, dns_zone_id = var.private_endpoint.dfs_dns_zone_id }
  }
}
