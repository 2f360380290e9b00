locals {
  service_principals = {
    pipeline = { application_id = var.pipeline.application_id, display_name = var.pipeline.display_name }
    plan     = { application_id = var.plan.application_id, display_name = var.plan.display_name }
  }
  ip_access_list_label = "front-end"
  # acl_principal_id form of a service principal (provider docs/resources/service_principal.md).
  apply_principal = "servicePrincipals/${var.apply_application_id}"
}
