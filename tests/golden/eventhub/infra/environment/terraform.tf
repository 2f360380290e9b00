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
    time = {
      source  = "hashicorp/time"
      version = ">= 0.14.2, < 1.0"
    }
  }

  # State per environment in the bootstrap storage account, reached with Microsoft Entra ID
  # (OIDC in GitHub Actions): no access keys. Account, container and key come from
  # ../environments/<env>.backend.hcl at `terraform init -backend-config=...`.
  backend "azurerm" {
    use_oidc         = true
    use_azuread_auth = true
  }
}
