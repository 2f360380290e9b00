# Unity Catalog objects of one environment: credential, locations, an isolated catalog bound
# to the environment's workspace, the medallion schemas and ops, volumes and persona grants. The
# region's metastore already exists: it is only read here, and the apply stops when the
# workspace is not assigned to it (accounts without automatic assignment).
data "databricks_current_metastore" "this" {
  lifecycle {
    postcondition {
      condition     = try(self.metastore_info[0].region, "") == var.region
      error_message = "The workspace is not assigned to the Unity Catalog metastore of ${var.region}. An account admin assigns it once: account console > Catalog > the ${var.region} metastore > Workspaces > Assign to workspace (infra/README.md, prerequisites)."
    }
  }
}

resource "databricks_storage_credential" "this" {
  name           = var.names.storage_credential
  comment        = "Managed identity of the domain's access connector"
  isolation_mode = "ISOLATION_MODE_ISOLATED"

  azure_managed_identity {
    access_connector_id = var.access_connector_id
  }
}

resource "databricks_external_location" "this" {
  for_each        = local.external_locations
  name            = each.value.name
  url             = each.value.url
  credential_name = databricks_storage_credential.this.name
  isolation_mode  = "ISOLATION_MODE_ISOLATED"
  owner           = var.groups.owners
  force_destroy   = var.force_destroy
  comment         = "Domain storage: ${each.key}"
}

resource "databricks_catalog" "this" {
  name           = var.names.catalog
  storage_root   = databricks_external_location.this["catalog"].url
  isolation_mode = "ISOLATED"
  owner          = var.groups.owners
  force_destroy  = var.force_destroy
  comment        = "Domain catalog (${var.environment}); managed by Terraform"
  properties = {
    environment = var.environment
  }
}

resource "databricks_workspace_binding" "catalog" {
  securable_name = databricks_catalog.this.name
  securable_type = "catalog"
  workspace_id   = var.workspace_id
  binding_type   = "BINDING_TYPE_READ_WRITE"
}

resource "databricks_workspace_binding" "external_location" {
  for_each       = databricks_external_location.this
  securable_name = each.value.name
  securable_type = "external_location"
  workspace_id   = var.workspace_id
  binding_type   = "BINDING_TYPE_READ_WRITE"
}

resource "databricks_workspace_binding" "storage_credential" {
  securable_name = databricks_storage_credential.this.name
  securable_type = "storage_credential"
  workspace_id   = var.workspace_id
  binding_type   = "BINDING_TYPE_READ_WRITE"
}

resource "databricks_schema" "this" {
  for_each      = var.names.schemas
  catalog_name  = databricks_catalog.this.name
  name          = each.value
  owner         = var.groups.owners
  force_destroy = var.force_destroy
  comment       = each.key == "ops" ? "Run history of the domain's pipelines" : "Medallion layer ${each.key}"
}

resource "databricks_volume" "landing" {
  name             = var.names.volumes["landing"]
  catalog_name     = databricks_catalog.this.name
  schema_name      = databricks_schema.this["bronze"].name
  volume_type      = "EXTERNAL"
  storage_location = "${databricks_external_location.this["landing"].url}${var.names.landing_volume_directory}/"
  comment          = "Files as they land from the sources"
}

resource "databricks_volume" "checkpoints" {
  name         = var.names.volumes["checkpoints"]
  catalog_name = databricks_catalog.this.name
  schema_name  = databricks_schema.this["bronze"].name
  volume_type  = "MANAGED"
  comment      = "Stream checkpoints and pipeline progress"
}

resource "databricks_grants" "catalog" {
  catalog = databricks_catalog.this.name
  dynamic "grant" {
    for_each = local.catalog_grants
    content {
      principal  = grant.key
      privileges = grant.value
    }
  }
}

resource "databricks_grants" "schema" {
  for_each = databricks_schema.this
  schema   = each.value.id
  dynamic "grant" {
    for_each = local.schema_grants[each.key]
    content {
      principal  = grant.key
      privileges = grant.value
    }
  }
}

resource "databricks_grants" "volume" {
  for_each = { landing = databricks_volume.landing.id, checkpoints = databricks_volume.checkpoints.id }
  volume   = each.value
  dynamic "grant" {
    for_each = local.volume_grants[each.key]
    content {
      principal  = grant.key
      privileges = grant.value
    }
  }
}

resource "databricks_credential" "eventhubs" {
  count          = var.eventhub_credential_enabled ? 1 : 0
  name           = var.names.eventhub_service_credential
  purpose        = "SERVICE"
  isolation_mode = "ISOLATION_MODE_ISOLATED"
  comment        = "Event Hubs (Kafka endpoint) access of the pipeline, without keys"

  azure_managed_identity {
    access_connector_id = var.access_connector_id
  }
}

resource "databricks_grants" "eventhub_credential" {
  count      = var.eventhub_credential_enabled ? 1 : 0
  credential = databricks_credential.eventhubs[0].id
  grant {
    principal  = local.pipeline
    privileges = ["ACCESS"]
  }
}

resource "databricks_secret_scope" "jdbc" {
  count = var.secret_scope_enabled ? 1 : 0
  name  = var.names.secret_scope
}

resource "databricks_secret_acl" "pipeline_reads_jdbc" {
  count      = var.secret_scope_enabled ? 1 : 0
  scope      = databricks_secret_scope.jdbc[0].name
  principal  = local.pipeline
  permission = "READ"
}
