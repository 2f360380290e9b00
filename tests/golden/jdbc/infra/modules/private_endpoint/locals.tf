locals {
  # Automatic approval: the endpoint and the resource belong to the same subscription.
  manual_connection = false
}
