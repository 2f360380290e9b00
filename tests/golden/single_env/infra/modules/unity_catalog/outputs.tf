output "catalog" {
  description = "Name of the environment's catalog."
  value       = databricks_catalog.this.name
}

output "metastore_id" {
  description = "Id of the region's metastore the catalog lives in."
  value       = data.databricks_current_metastore.this.id
}

output "landing_volume_path" {
  description = "Path of the landing volume, e.g. /Volumes/<catalog>/bronze/landing (stored under files/ of the landing container)."
  value       = "/Volumes/${databricks_catalog.this.name}/${databricks_volume.landing.schema_name}/${databricks_volume.landing.name}"
}

output "schema_ids" {
  description = "Unity Catalog schema_id (UUID) of each schema by key (bronze, silver, gold, governance, ops); data quality monitors address schemas by it."
  value       = { for key, schema in databricks_schema.this : key => schema.schema_id }
}
