locals {
  # A budget starts on the first day of a month; the creation month is fixed afterwards by
  # ignore_changes so re-applies do not move it.
  start_date = formatdate("YYYY-MM-01'T'00:00:00Z", plantimestamp())
  notifications = concat(
    [for percent in var.thresholds.actual : { threshold = percent, type = "Actual" }],
    [for percent in var.thresholds.forecast : { threshold = percent, type = "Forecasted" }],
  )
}
