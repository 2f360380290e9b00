locals {
  consumer_group = "lakehouse"
  # Least privilege for the pipeline: receive only, on this hub only.
  consumer_role     = "Azure Event Hubs Data Receiver"
  private_endpoints = var.private_endpoint == null ? {} : { namespace = var.private_endpoint }
}
