locals {
  # Silver and gold are what people and jobs read. Bronze is left out: its anomalies reach
  # silver on the next run, and ops and governance hold the domain's own records, no data.
  monitored_layers  = ["silver", "gold"]
  monitored_schemas = { for layer in local.monitored_layers : layer => var.schema_ids[layer] }
}
