variable "github_repository" {
  description = "GitHub repository (owner/name) whose workflows may sign in with OIDC."
  type        = string
  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must look like owner/name."
  }
}

variable "state_public_network_access" {
  description = "Keep the state account reachable from GitHub-hosted runners (no fixed IPs). Set false with self-hosted runners in the VNet."
  type        = bool
  default     = true
}

variable "soft_delete_days" {
  description = "Days deleted state blobs and versions can be restored."
  type        = number
  default     = 30
  validation {
    condition     = var.soft_delete_days >= 7 && var.soft_delete_days <= 365
    error_message = "soft_delete_days must be between 7 and 365."
  }
}
