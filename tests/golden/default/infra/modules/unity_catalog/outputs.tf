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
