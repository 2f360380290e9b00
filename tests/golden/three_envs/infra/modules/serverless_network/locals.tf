locals {
  # The subnets serverless traffic to Azure services in the region comes from.
  service_endpoint_rules = flatten([
    for egress in databricks_mws_network_connectivity_config.this.egress_config : [
      for rules in egress.default_rules : rules.azure_service_endpoint_rule
    ]
  ])
  subnet_ids = distinct(flatten([for rule in local.service_endpoint_rules : rule.subnets]))
}
