terraform {
  required_version = ">= 1.9"
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = ">= 4.50, < 6.0"
    }
  }
  # Applied once by an admin with local state (the remote state account does not exist
  # yet); infra/README.md says where to keep a copy.
}
