# Subscription and tenant come from ARM_SUBSCRIPTION_ID / ARM_TENANT_ID (the admin's Azure
# CLI login); nothing secret is configured here.
provider "azurerm" {
  features {}
  storage_use_azuread             = true
  resource_provider_registrations = "none"
  resource_providers_to_register  = ["Microsoft.ManagedIdentity", "Microsoft.Storage"]
}
