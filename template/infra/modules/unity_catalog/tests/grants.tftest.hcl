# Persona x layer grants of the catalog objects, planned against a mocked workspace
# (terraform test; the provider schema comes from `terraform init`).
mock_provider "databricks" {
  mock_data "databricks_current_metastore" {
    defaults = {
      metastore_info = [{ region = "brazilsouth" }]
    }
  }
}

variables {
  names = {
    catalog                     = "risk_prd"
    schemas                     = { bronze = "bronze", silver = "silver", gold = "gold", governance = "governance", ops = "ops" }
    volumes                     = { landing = "landing", checkpoints = "checkpoints" }
    storage_credential          = "risk_prd_storage"
    landing_location            = "risk_prd_landing"
    catalog_location            = "risk_prd_root"
    landing_volume_directory    = "files"
    eventhub_service_credential = "risk_prd_eventhubs"
    secret_scope                = "risk-prd"
  }
  region                  = "brazilsouth"
  workspace_id            = "1234567890"
  access_connector_id     = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Databricks/accessConnectors/dbac"
  landing_url             = "abfss://landing@strisk.dfs.core.windows.net/"
  catalog_url             = "abfss://catalog@strisk.dfs.core.windows.net/"
  groups                  = { owners = "risk-owners", engineers = "risk-engineers", analysts = "risk-analysts", pii_readers = "risk-pii-readers" }
  pipeline_application_id = "00000000-0000-0000-0000-000000000001"
  plan_application_id     = "00000000-0000-0000-0000-000000000002"
}

run "prd_people_never_write_and_engineers_skip_bronze" {
  command = plan
  variables {
    environment = "prd"
  }

  assert {
    condition     = !contains([for grant in databricks_grants.schema["bronze"].grant : grant.principal], "risk-engineers")
    error_message = "Engineers must not read bronze (raw PII) in prd."
  }
  assert {
    condition = alltrue(flatten([
      for schema in databricks_grants.schema : [
        for grant in schema.grant : length(setintersection(grant.privileges, ["MODIFY", "CREATE_TABLE", "ALL_PRIVILEGES"])) == 0
        if contains(["risk-engineers", "risk-analysts", "risk-pii-readers"], grant.principal)
      ]
    ]))
    error_message = "People never get MODIFY, CREATE_TABLE or ALL_PRIVILEGES in prd."
  }
  assert {
    condition     = databricks_catalog.this.owner == "risk-owners" && databricks_volume.landing.storage_location == "abfss://landing@strisk.dfs.core.windows.net/files/"
    error_message = "The owners group owns the catalog; the landing volume is a directory of its location."
  }
}

run "dev_engineers_build_in_bronze" {
  command = plan
  variables {
    environment = "dev"
  }

  assert {
    condition     = contains([for grant in databricks_grants.schema["bronze"].grant : grant.principal], "risk-engineers")
    error_message = "Engineers build in dev bronze."
  }
  assert {
    condition     = length([for grant in databricks_grants.catalog.grant : grant if grant.principal == "00000000-0000-0000-0000-000000000002" && grant.privileges == toset(["BROWSE"])]) == 1
    error_message = "The plan identity may only browse the catalog."
  }
}

run "a_workspace_outside_the_regions_metastore_stops_the_plan" {
  command = plan
  variables {
    environment = "dev"
    region      = "westeurope"
  }
  expect_failures = [data.databricks_current_metastore.this]
}
