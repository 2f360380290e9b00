variable "schema_ids" {
  description = "Unity Catalog schema_id (a UUID) of each medallion schema by layer, from ../unity_catalog; silver and gold are monitored."
  type        = map(string)
  validation {
    condition     = alltrue([for layer in ["silver", "gold"] : can(regex("^[0-9a-f-]{36}$", var.schema_ids[layer]))])
    error_message = "schema_ids needs the silver and gold schema ids (UUIDs)."
  }
}
