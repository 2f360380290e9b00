locals {
  service_principals = {
    pipeline = { application_id = var.pipeline.application_id, display_name = var.pipeline.display_name }
    plan     = { application_id = var.plan.application_id, display_name = var.plan.display_name }
  }
  ip_access_list_label = "front-end"
}
