terraform {
  required_version = ">= 1.9"
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = ">= 5.10, < 6.0"
    }
    databricks = {
      source  = "databricks/databricks"
      version = ">= 1.138, < 2.0"
    }
  }
}
