# Each output waits for what makes its value usable, so grants on it come after.
output "pipeline_application_id" {
  description = "Application id of the pipeline service principal, once it is assigned to the workspace and may be run as."
  value       = databricks_service_principal.this["pipeline"].application_id
  depends_on  = [databricks_mws_permission_assignment.service_principals, databricks_group_member.pipeline_reads_pii, databricks_access_control_rule_set.pipeline]
}

output "plan_application_id" {
  description = "Application id of the plan service principal, once it is assigned to the workspace."
  value       = databricks_service_principal.this["plan"].application_id
  depends_on  = [databricks_mws_permission_assignment.service_principals]
}

output "groups" {
  description = "The account groups, once assigned to the workspace (keyed owners, engineers, analysts, pii_readers)."
  value       = { for key, assignment in databricks_permission_assignment.groups : key => assignment.group_name }
}
