terraform {
  required_version = ">= 1.9"
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = ">= 5.10, < 6.0"
    }
    time = {
      source  = "hashicorp/time"
      version = ">= 0.14.2, < 1.0"
    }
  }
}
