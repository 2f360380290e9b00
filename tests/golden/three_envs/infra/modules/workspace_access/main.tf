# Who reaches the workspace, and from where. Account groups are assigned to the workspace
# (a new workspace sees none, and its SCIM API cannot change account groups); the pipeline
# and plan identities are account service principals assigned as workspace users; the
# pipeline joins the PII readers group at account level; the apply identity may run jobs as
# the pipeline; an optional IP access list guards a public front end.
resource "databricks_permission_assignment" "groups" {
  for_each    = tomap(var.groups)
  group_name  = each.value
  permissions = ["USER"]
}

resource "databricks_service_principal" "this" {
  provider       = databricks.account
  for_each       = local.service_principals
  application_id = each.value.application_id
  display_name   = each.value.display_name
}

resource "databricks_mws_permission_assignment" "service_principals" {
  provider     = databricks.account
  for_each     = databricks_service_principal.this
  workspace_id = var.workspace_id
  principal_id = each.value.id
  permissions  = ["USER"]
}

# Masks show the pipeline clear values (MERGE keys, gold) through this membership. The
# assignment's id is the group's account-level id; no lookup (which would need account-admin
# rights in pull-request plans) is involved.
resource "databricks_group_member" "pipeline_reads_pii" {
  provider  = databricks.account
  group_id  = databricks_permission_assignment.groups["pii_readers"].id
  member_id = databricks_service_principal.this["pipeline"].id
}

# Setting a job's run_as to the pipeline needs roles/servicePrincipal.user on it; the apply
# identity deploys the jobs. The rule set is authoritative, so it also keeps the apply
# identity's manager role. Named explicitly, so whoever runs Terraform plans the same rules.
resource "databricks_access_control_rule_set" "pipeline" {
  name = "accounts/${var.databricks_account_id}/servicePrincipals/${databricks_service_principal.this["pipeline"].application_id}/ruleSets/default"

  grant_rules {
    principals = [local.apply_principal]
    role       = "roles/servicePrincipal.manager"
  }

  grant_rules {
    principals = [local.apply_principal]
    role       = "roles/servicePrincipal.user"
  }
}

resource "databricks_workspace_conf" "ip_access_lists" {
  count = length(var.front_end_allowed_ip_ranges) > 0 ? 1 : 0
  custom_config = {
    enableIpAccessLists = "true"
  }
}

resource "databricks_ip_access_list" "front_end" {
  count        = length(var.front_end_allowed_ip_ranges) > 0 ? 1 : 0
  label        = local.ip_access_list_label
  list_type    = "ALLOW"
  ip_addresses = var.front_end_allowed_ip_ranges
  depends_on   = [databricks_workspace_conf.ip_access_lists]
}
