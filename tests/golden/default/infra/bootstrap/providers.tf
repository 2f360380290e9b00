# Subscription and tenant come from ARM_SUBSCRIPTION_ID / ARM_TENANT_ID (the admin's Azure
# CLI login); nothing secret is configured here.
provider "azurerm" {
  features {}
  storage_use_azuread             = true
  resource_provider_registrations = "none"
  # Every provider the environments use, registered once with the admin's subscription rights.
  resource_providers_to_register = [
    "Microsoft.Consumption",
    "Microsoft.Databricks",
    "Microsoft.EventHub",
    "Microsoft.Insights",
    "Microsoft.KeyVault",
    "Microsoft.ManagedIdentity",
    "Microsoft.Network",
    "Microsoft.OperationalInsights",
    "Microsoft.Storage",
  ]
}
