locals {
  domain = jsondecode(file("${path.module}/../../domain.json"))
  tags   = merge(local.domain.tags, { env = "shared" })

  oidc_issuer   = "https://token.actions.githubusercontent.com"
  oidc_audience = "api://AzureADTokenExchange"

  # Plan runs on pull requests and on main; apply only inside the GitHub environment of its
  # target, so approvals on that environment gate it. Each reads (plan) or writes (apply) the
  # state container of its own environment only: a pull request cannot touch any state.
  identities = merge([
    for env, names in local.domain.environments : {
      "${env}-plan" = {
        environment = env
        name        = names.github_plan_identity
        subjects = {
          pull-request = "repo:${var.github_repository}:pull_request"
          main         = "repo:${var.github_repository}:ref:refs/heads/main"
        }
        role       = "Reader"
        state_role = "Storage Blob Data Reader"
      }
      "${env}-apply" = {
        environment = env
        name        = names.github_apply_identity
        subjects    = { environment = "repo:${var.github_repository}:environment:${env}" }
        role        = "Contributor"
        state_role  = "Storage Blob Data Contributor"
      }
    }
  ]...)
  # Storage Blob Data Contributor (for the access connector), Azure Event Hubs Data Receiver
  # (for the Event Hubs service credential): the only roles apply may hand out.
  assignable_role_ids = [
    "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    "a638d3c7-ab3a-418d-83e6-5f17a39d4fde",
  ]
  assignable_roles_condition = <<-CONDITION
    (
      (
        !(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})
      )
      OR
      (
        @Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${join(", ", local.assignable_role_ids)}}
      )
    )
    AND
    (
      (
        !(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})
      )
      OR
      (
        @Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${join(", ", local.assignable_role_ids)}}
      )
    )
  CONDITION
  federated_credentials = merge([
    for key, identity in local.identities : {
      for subject_key, subject in identity.subjects : "${key}-${subject_key}" => {
        identity = key
        name     = subject_key
        subject  = subject
      }
    }
  ]...)
}
