# One environment of the domain: network, workspace, storage, serverless egress,
# monitoring, workspace access and Unity Catalog. The resource group (and the budget) come
# from ../bootstrap.
data "azurerm_resource_group" "this" {
  name = local.names.resource_group
}

# The identity Databricks jobs run as (a service principal in the workspace).
resource "azurerm_user_assigned_identity" "pipeline" {
  name                = local.names.pipeline_identity
  resource_group_name = data.azurerm_resource_group.this.name
  location            = data.azurerm_resource_group.this.location
  tags                = local.tags
}

module "network" {
  source              = "../modules/network"
  count               = var.private_networking ? 1 : 0
  names               = local.network_names
  resource_group_name = data.azurerm_resource_group.this.name
  location            = data.azurerm_resource_group.this.location
  address_space       = var.address_space
  tags                = local.tags
}

module "workspace" {
  source = "../modules/workspace"
  names = {
    databricks_workspace              = local.names.databricks_workspace
    databricks_managed_resource_group = local.names.databricks_managed_resource_group
    access_connector                  = local.names.access_connector
  }
  resource_group_name           = data.azurerm_resource_group.this.name
  location                      = data.azurerm_resource_group.this.location
  public_network_access_enabled = local.workspace_front_end == "public"
  vnet_injection = var.private_networking ? {
    virtual_network_id           = module.network[0].virtual_network_id
    host_subnet_name             = module.network[0].host_subnet_name
    container_subnet_name        = module.network[0].container_subnet_name
    host_nsg_association_id      = module.network[0].host_nsg_association_id
    container_nsg_association_id = module.network[0].container_nsg_association_id
  } : null
  private_endpoint = var.private_networking ? {
    subnet_id   = module.network[0].private_endpoint_subnet_id
    name        = local.names.databricks_private_endpoint
    dns_zone_id = module.network[0].private_dns_zone_ids["databricks"]
  } : null
  tags = local.tags
}

module "serverless_network" {
  source = "../modules/serverless_network"
  providers = {
    databricks.account = databricks.account
  }
  name         = local.names.network_connectivity_config
  region       = data.azurerm_resource_group.this.location
  workspace_id = module.workspace.workspace_id
}

module "storage" {
  source                 = "../modules/storage"
  name                   = local.names.storage_account
  resource_group_name    = data.azurerm_resource_group.this.name
  location               = data.azurerm_resource_group.this.location
  containers             = local.containers
  landing_retention_days = local.domain.landing_retention_days
  replication_type       = var.storage_replication_type
  default_action         = local.storage_default_action
  allowed_ip_ranges      = var.allowed_ip_ranges
  allowed_subnet_ids = concat(
    module.serverless_network.subnet_ids,
    var.private_networking ? module.network[0].databricks_subnet_ids : [],
  )
  access_connector = {
    id           = module.workspace.access_connector_id
    principal_id = module.workspace.access_connector_principal_id
  }
  private_endpoint = var.private_networking ? {
    subnet_id        = module.network[0].private_endpoint_subnet_id
    blob_name        = local.names.storage_blob_private_endpoint
    dfs_name         = local.names.storage_dfs_private_endpoint
    blob_dns_zone_id = module.network[0].private_dns_zone_ids["blob"]
    dfs_dns_zone_id  = module.network[0].private_dns_zone_ids["dfs"]
  } : null
  tags = local.tags
}

module "monitoring" {
  source = "../modules/monitoring"
  names = {
    log_analytics_workspace = local.names.log_analytics_workspace
    action_group            = local.names.action_group
    action_group_short_name = local.names.action_group_short_name
    job_failure_alert       = local.names.job_failure_alert
    ingestion_lag_alert     = local.names.ingestion_lag_alert
    alert_destination       = local.names.alert_destination
  }
  resource_group_name = data.azurerm_resource_group.this.name
  location            = data.azurerm_resource_group.this.location
  alert_email         = local.domain.alert_email
  diagnostic_targets = {
    storage_blob = { resource_id = module.storage.blob_service_id, kind = "storage_blob" }
    workspace    = { resource_id = module.workspace.id, kind = "databricks_workspace" }
  }
  tags = local.tags
}

module "workspace_access" {
  source = "../modules/workspace_access"
  providers = {
    databricks         = databricks
    databricks.account = databricks.account
  }
  databricks_account_id = var.databricks_account_id
  workspace_id          = module.workspace.workspace_id
  groups                = local.domain.groups
  pipeline = {
    application_id = azurerm_user_assigned_identity.pipeline.client_id
    display_name   = local.names.pipeline_service_principal
  }
  plan = {
    application_id = var.plan_identity_client_id
    display_name   = local.names.github_plan_identity
  }
  apply_application_id        = var.apply_identity_client_id
  front_end_allowed_ip_ranges = var.front_end_allowed_ip_ranges
}

module "unity_catalog" {
  source      = "../modules/unity_catalog"
  environment = var.environment
  names = {
    catalog                     = local.names.catalog
    schemas                     = local.names.schemas
    volumes                     = local.names.volumes
    storage_credential          = local.names.storage_credential
    landing_location            = local.names.landing_location
    catalog_location            = local.names.catalog_location
    landing_volume_directory    = local.names.landing_volume_directory
    eventhub_service_credential = local.names.eventhub_service_credential
    secret_scope                = local.names.secret_scope
  }
  region                      = data.azurerm_resource_group.this.location
  workspace_id                = module.workspace.workspace_id
  access_connector_id         = module.storage.access_connector_id
  landing_url                 = module.storage.container_urls["landing"]
  catalog_url                 = module.storage.container_urls["catalog"]
  groups                      = module.workspace_access.groups
  pipeline_application_id     = module.workspace_access.pipeline_application_id
  plan_application_id         = module.workspace_access.plan_application_id
  force_destroy               = var.force_destroy
  eventhub_credential_enabled = local.eventhub_enabled
  secret_scope_enabled        = local.jdbc_enabled
}
