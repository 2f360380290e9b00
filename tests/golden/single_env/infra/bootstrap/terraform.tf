terraform {
  required_version = ">= 1.9"
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = ">= 5.10, < 6.0"
    }
  }
  # The first run (make bootstrap) applies with local state, because this account does not
  # exist yet, then moves the state here: terraform init -migrate-state -backend-config=backend.hcl.
  backend "azurerm" {
    use_azuread_auth = true
  }
}
