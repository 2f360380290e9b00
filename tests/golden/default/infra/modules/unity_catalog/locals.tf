locals {
  production = var.environment == "prd"
  pipeline   = var.pipeline_application_id

  # Persona x layer grants (docs/security.md). People never write in production; analysts
  # never read bronze, and in production nor do engineers (bronze keeps PII in clear: masks
  # exist from silver on); PII readers read silver and gold (unmasked by the mask functions).
  read           = ["USE_SCHEMA", "SELECT"]
  write          = ["USE_SCHEMA", "SELECT", "MODIFY", "CREATE_TABLE"]
  engineer_layer = local.production ? local.read : local.write
  schema_grants = {
    bronze = merge(
      { (local.pipeline) = local.write },
      local.production ? {} : { (var.groups.engineers) = local.write },
    )
    silver = {
      (local.pipeline)         = local.write
      (var.groups.engineers)   = local.engineer_layer
      (var.groups.analysts)    = local.read
      (var.groups.pii_readers) = local.read
    }
    gold = {
      (local.pipeline)         = local.write
      (var.groups.engineers)   = local.engineer_layer
      (var.groups.analysts)    = local.read
      (var.groups.pii_readers) = local.read
    }
    governance = {
      (local.pipeline)       = ["USE_SCHEMA", "EXECUTE", "CREATE_FUNCTION"]
      (var.groups.engineers) = local.production ? ["USE_SCHEMA", "EXECUTE"] : ["USE_SCHEMA", "EXECUTE", "CREATE_FUNCTION"]
    }
    # The run history: the jobs append to it; engineers read it in every environment (its
    # errors may quote source values, so analysts do not).
    ops = {
      (local.pipeline)       = local.write
      (var.groups.engineers) = local.read
    }
  }
  # The plan identity sees metadata only (pull-request plans read, never refresh data).
  catalog_grants = {
    (local.pipeline)          = ["USE_CATALOG"]
    (var.plan_application_id) = ["BROWSE"]
    (var.groups.engineers)    = ["USE_CATALOG", "BROWSE"]
    (var.groups.analysts)     = ["USE_CATALOG", "BROWSE"]
    (var.groups.pii_readers)  = ["USE_CATALOG", "BROWSE"]
  }
  volume_grants = {
    landing = merge(
      { (local.pipeline) = ["READ_VOLUME"] },
      local.production ? {} : { (var.groups.engineers) = ["READ_VOLUME", "WRITE_VOLUME"] },
    )
    checkpoints = { (local.pipeline) = ["READ_VOLUME", "WRITE_VOLUME"] }
  }
  external_locations = {
    landing = { name = var.names.landing_location, url = var.landing_url }
    catalog = { name = var.names.catalog_location, url = var.catalog_url }
  }
}
