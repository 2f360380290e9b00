#!/usr/bin/env bash
# `make bootstrap`: from an Azure login to a repository GitHub Actions can deploy from.
# Prints its plan, then (idempotently) applies infra/bootstrap (state storage, resource
# groups, OIDC identities) and sets the GitHub environments and repository variables the
# workflows read. Re-running changes nothing. DRY_RUN=1 prints the plan only.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "bootstrap: $*" >&2; exit 1; }
command -v az >/dev/null || fail "needs the Azure CLI (az): https://learn.microsoft.com/cli/azure/install-azure-cli"
command -v terraform >/dev/null || fail "needs terraform >= 1.9: https://developer.hashicorp.com/terraform/install"

subscription="$(az account show --query id -o tsv 2>/dev/null)" || fail "not logged in to Azure: run az login"
tenant="$(az account show --query tenantId -o tsv)"

repository="${GITHUB_REPOSITORY:-}"
if [ -z "${repository}" ] && command -v gh >/dev/null; then
  repository="$(gh repo view --json nameWithOwner --jq .nameWithOwner 2>/dev/null || true)"
fi
if [ -z "${repository}" ]; then
  remote="$(git remote get-url origin 2>/dev/null || true)"
  repository="$(printf '%s' "${remote}" | sed -E 's#^(git@github\.com:|https://github\.com/)##; s#\.git$##')"
fi
[[ "${repository}" =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]] ||
  fail "no GitHub repository found: set GITHUB_REPOSITORY=owner/name"

environments="$(python3 -c 'import json; print(" ".join(json.load(open("infra/domain.json"))["environments"]))')"

cat <<PLAN
Bootstrap plan
  Azure subscription  ${subscription} (tenant ${tenant})
  GitHub repository   ${repository}
  1. terraform apply infra/bootstrap: Terraform state storage, the resource groups of
     ${environments}, and per environment a plan and an apply identity trusted through
     GitHub OIDC (no secrets).
  2. GitHub environments ${environments}, and repository variables AZURE_TENANT_ID,
     AZURE_SUBSCRIPTION_ID, AZURE_PLAN_CLIENT_ID_<ENV> and AZURE_APPLY_CLIENT_ID_<ENV>.
PLAN
[ "${DRY_RUN:-0}" = "1" ] && exit 0

export ARM_SUBSCRIPTION_ID="${subscription}" ARM_TENANT_ID="${tenant}"
# Provider lock files for the platforms CI and laptops use (commit them: CI runs
# `terraform init -lockfile=readonly`).
for root in infra/bootstrap infra/environment; do
  terraform -chdir="${root}" providers lock -platform=linux_amd64 -platform=linux_arm64 -platform=darwin_arm64 -platform=darwin_amd64 -platform=windows_amd64
done
# The bootstrap state lives in the state account once it exists; the first run applies with
# local state (a backend override), then migrates it there, so other machines read it.
state_account="$(python3 -c 'import json; print(json.load(open("infra/domain.json"))["state"]["storage_account"])')"
if az storage account show --name "${state_account}" --query id -o tsv >/dev/null 2>&1; then
  terraform -chdir=infra/bootstrap init -input=false -reconfigure -backend-config=backend.hcl
  terraform -chdir=infra/bootstrap apply -input=false -auto-approve -var "github_repository=${repository}"
else
  printf 'terraform {\n  backend "local" {}\n}\n' >infra/bootstrap/backend_override.tf
  terraform -chdir=infra/bootstrap init -input=false -reconfigure
  terraform -chdir=infra/bootstrap apply -input=false -auto-approve -var "github_repository=${repository}"
  rm infra/bootstrap/backend_override.tf
  # The admin's data role on the state container can take minutes to propagate.
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    terraform -chdir=infra/bootstrap init -input=false -migrate-state -force-copy -backend-config=backend.hcl && break
    [ "${attempt}" = 10 ] && fail "could not move the bootstrap state into ${state_account}: rerun make bootstrap"
    sleep 30
  done
  rm -f infra/bootstrap/terraform.tfstate infra/bootstrap/terraform.tfstate.backup
fi

variables="$(terraform -chdir=infra/bootstrap output -json github_identities | python3 -c '
import json, sys
for key, client_id in sorted(json.load(sys.stdin).items()):
    env, role = key.rsplit("-", 1)
    print(f"AZURE_{role.upper()}_CLIENT_ID_{env.upper()} {client_id}")
')"
variables="AZURE_TENANT_ID ${tenant}
AZURE_SUBSCRIPTION_ID ${subscription}
${variables}"

if command -v gh >/dev/null; then
  for env in ${environments}; do
    gh api --method PUT "repos/${repository}/environments/${env}" --silent
  done
  while read -r name value; do
    gh variable set "${name}" --body "${value}" --repo "${repository}"
  done <<<"${variables}"
  echo "GitHub environments and variables are set."
else
  echo "GitHub CLI (gh) not found: create the environments ${environments} and set these repository variables:"
  printf '  %s\n' "${variables}"
fi
