output "namespace_id" {
  description = "Resource id of the Event Hubs namespace (diagnostic settings target)."
  value       = azurerm_eventhub_namespace.this.id
}

output "kafka_bootstrap_server" {
  description = "Kafka endpoint of the namespace."
  value       = "${azurerm_eventhub_namespace.this.name}.servicebus.windows.net:9093"
}
