terraform {
  required_version = ">= 1.9"
  required_providers {
    databricks = {
      source  = "databricks/databricks"
      version = ">= 1.138, < 2.0"
    }
  }
}
