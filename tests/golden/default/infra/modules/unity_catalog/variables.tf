variable "environment" {
  description = "Environment (dev, stg, prd); prd removes write privileges from people."
  type        = string
  validation {
    condition     = contains(["dev", "stg", "prd"], var.environment)
    error_message = "environment must be dev, stg or prd."
  }
}

variable "names" {
  description = "Unity Catalog and Databricks names from the naming core."
  type = object({
    catalog                     = string
    schemas                     = map(string)
    volumes                     = map(string)
    storage_credential          = string
    landing_location            = string
    catalog_location            = string
    landing_volume_directory    = string
    eventhub_service_credential = string
    secret_scope                = string
  })
  validation {
    condition     = alltrue([for schema in ["bronze", "silver", "gold", "governance", "ops"] : contains(keys(var.names.schemas), schema)])
    error_message = "names.schemas needs bronze, silver, gold, governance and ops."
  }
}

variable "workspace_id" {
  description = "Numeric id of the environment's workspace; the catalog is bound to it alone."
  type        = string
}

variable "access_connector_id" {
  description = "Access connector whose managed identity backs the storage (and service) credential."
  type        = string
}

variable "landing_url" {
  description = "abfss:// URL of the landing container."
  type        = string
  validation {
    condition     = startswith(var.landing_url, "abfss://")
    error_message = "landing_url must be an abfss:// URL."
  }
}

variable "catalog_url" {
  description = "abfss:// URL of the container holding the catalog's managed tables."
  type        = string
  validation {
    condition     = startswith(var.catalog_url, "abfss://")
    error_message = "catalog_url must be an abfss:// URL."
  }
}

variable "region" {
  description = "Azure region of the workspace; its metastore must be the region's."
  type        = string
}

variable "groups" {
  description = "Account-level groups: owners (own the catalog objects) and the personas engineers, analysts, pii_readers."
  type = object({
    owners      = string
    engineers   = string
    analysts    = string
    pii_readers = string
  })
}

variable "pipeline_application_id" {
  description = "Application (client) id of the service principal the jobs run as (created by ../workspace_access)."
  type        = string
  validation {
    condition     = can(regex("^[0-9a-f-]{36}$", var.pipeline_application_id))
    error_message = "pipeline_application_id must be a GUID."
  }
}

variable "plan_application_id" {
  description = "Application (client) id of the plan identity, which may browse the catalog's metadata."
  type        = string
  validation {
    condition     = can(regex("^[0-9a-f-]{36}$", var.plan_application_id))
    error_message = "plan_application_id must be a GUID."
  }
}

variable "force_destroy" {
  description = "Let destroy delete the catalog, schemas and external locations with their contents (set only by the destroy workflow)."
  type        = bool
  default     = false
}

variable "eventhub_credential_enabled" {
  description = "Create the Unity Catalog service credential the Event Hubs source authenticates with."
  type        = bool
  default     = false
}

variable "secret_scope_enabled" {
  description = "Create the secret scope the JDBC source reads jdbc-url, jdbc-user and jdbc-password from."
  type        = bool
  default     = false
}
