#!/usr/bin/env bash
# `make bootstrap`: from an Azure login to a repository GitHub Actions can deploy from.
# Prints its plan, then (idempotently) applies infra/bootstrap (state storage, resource
# groups, OIDC identities), sets the GitHub environments (deployment branch policy `main`,
# required reviewers on stg and prd) and the repository variables the workflows read, and
# records where the template lives so `copier update` works from GitHub Actions.
# Re-running changes nothing. DRY_RUN=1 prints the plan only, with no cloud access or login.
#   REVIEWERS=alice,acme/data-leads   users or org/team slugs reviewing stg and prd deploys
#                                     (default: you, the GitHub CLI's user)
#   TEMPLATE_URL=https://...          the template's git URL when it was rendered from a
#                                     local checkout (default: that checkout's origin)
#   DATABRICKS_ACCOUNT_ID=...         the Databricks account (account-level Terraform, verify)
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "bootstrap: $*" >&2; exit 1; }
dry_run="${DRY_RUN:-0}"

repository="${GITHUB_REPOSITORY:-}"
if [ -z "${repository}" ] && [ "${dry_run}" != "1" ] && command -v gh >/dev/null; then
  repository="$(gh repo view --json nameWithOwner --jq .nameWithOwner 2>/dev/null || true)"
fi
if [ -z "${repository}" ]; then
  remote="$(git remote get-url origin 2>/dev/null || true)"
  repository="$(printf '%s' "${remote}" | sed -E 's#^(git@github\.com:|https://github\.com/)##; s#\.git$##')"
fi
[[ "${repository}" =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]] ||
  fail "no GitHub repository found: set GITHUB_REPOSITORY=owner/name"

environments="$(python3 -c 'import json; print(" ".join(json.load(open("domain.json"))["environments"]))')"
reviewed="$(for env in ${environments}; do case "${env}" in stg|prd) printf '%s ' "${env}" ;; esac; done)"

# Where `copier update` finds the template: a local path (a render from a checkout) is
# replaced by a git URL GitHub Actions can reach.
answers=".copier-answers.yml"
source_path="$(sed -n 's/^_src_path: *//p' "${answers}" | tr -d "'\"")"
template_url="${source_path}"
case "${source_path}" in
  /* | .* | "~"* | file:*)
    template_url="${TEMPLATE_URL:-$(git -C "${source_path#file://}" remote get-url origin 2>/dev/null || true)}"
    ;;
esac
no_template_url="${answers}: _src_path is the local path ${source_path}, which GitHub Actions
  cannot reach: set TEMPLATE_URL=<the template's git URL> (e.g. https://github.com/<owner>/copier-lakehouse-domain.git)"
[ -n "${template_url}" ] || [ "${dry_run}" = "1" ] || fail "${no_template_url}"

reviewer_plan="${reviewed:-no environment (no stg or prd) }(${REVIEWERS:-you, the user of the GitHub CLI})"
template_plan="${template_url:-missing (${no_template_url})}"
cat <<PLAN
Bootstrap plan
  Azure subscription  the one \`az login\` selected (az account show)
  GitHub repository   ${repository}
  1. terraform apply infra/bootstrap: Terraform state storage, the resource groups of
     ${environments}, and per environment a plan and an apply identity trusted through
     GitHub OIDC (no secrets).
  2. GitHub environments ${environments}: deployment branch policy main only; required
     reviewers on ${reviewer_plan}.
  3. Repository variables AZURE_TENANT_ID, AZURE_SUBSCRIPTION_ID, AZURE_PLAN_CLIENT_ID_<ENV>,
     AZURE_APPLY_CLIENT_ID_<ENV>${DATABRICKS_ACCOUNT_ID:+ and DATABRICKS_ACCOUNT_ID}.
  4. ${answers}: template source ${template_plan}
PLAN
[ "${dry_run}" = "1" ] && exit 0

command -v az >/dev/null || fail "needs the Azure CLI (az): https://learn.microsoft.com/cli/azure/install-azure-cli"
command -v terraform >/dev/null || fail "needs terraform >= 1.9: https://developer.hashicorp.com/terraform/install"
subscription="$(az account show --query id -o tsv 2>/dev/null)" || fail "not logged in to Azure: run az login"
tenant="$(az account show --query tenantId -o tsv)"

# Reviewers as GitHub ids, resolved before anything changes (a wrong name stops here).
reviewers_json="[]"
if [ -n "${reviewed}" ] && command -v gh >/dev/null; then
  names="${REVIEWERS:-$(gh api user --jq .login)}"
  reviewers_json="$(for name in ${names//,/ }; do
    if [[ "${name}" == */* ]]; then
      id="$(gh api "orgs/${name%%/*}/teams/${name#*/}" --jq .id)" || fail "REVIEWERS: no team ${name}"
      printf 'Team %s\n' "${id}"
    else
      id="$(gh api "users/${name}" --jq .id)" || fail "REVIEWERS: no GitHub user ${name}"
      printf 'User %s\n' "${id}"
    fi
  done | python3 -c 'import json, sys; print(json.dumps([{"type": t, "id": int(i)} for t, i in map(str.split, sys.stdin)]))')"
fi

export ARM_SUBSCRIPTION_ID="${subscription}" ARM_TENANT_ID="${tenant}"
# Provider lock files for the platforms CI and laptops use (commit them: CI runs
# `terraform init -lockfile=readonly`).
for root in infra/bootstrap infra/environment; do
  terraform -chdir="${root}" providers lock -platform=linux_amd64 -platform=linux_arm64 -platform=darwin_arm64 -platform=darwin_amd64 -platform=windows_amd64
done
# The bootstrap state lives in the state account once it exists; the first run applies with
# local state (a backend override), then migrates it there, so other machines read it.
state_account="$(python3 -c 'import json; print(json.load(open("domain.json"))["state"]["storage_account"])')"
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
${variables}${DATABRICKS_ACCOUNT_ID:+
DATABRICKS_ACCOUNT_ID ${DATABRICKS_ACCOUNT_ID}}"

# One environment: only `main` may deploy to it; stg and prd wait for a reviewer. GitHub
# refuses reviewers on private repositories of its Free, Pro and Team plans: then the branch
# policy stays and the README's fallback applies (required reviews on main).
protect_environment() {
  local env="$1" reviewers="[]" url="repos/${repository}/environments/$1"
  case "${env}" in stg|prd) reviewers="${reviewers_json}" ;; esac
  local policy='"deployment_branch_policy": {"protected_branches": false, "custom_branch_policies": true}'
  if ! gh api --method PUT "${url}" --input - --silent <<<"{${policy}, \"reviewers\": ${reviewers}}"; then
    echo "bootstrap: ${env}: GitHub refused required reviewers (plan limit); protect main with required reviews instead" >&2
    gh api --method PUT "${url}" --input - --silent <<<"{${policy}}"
  fi
  if [ -z "$(gh api "${url}/deployment-branch-policies" --jq '.branch_policies[] | select(.name == "main") | .id')" ]; then
    gh api --method POST "${url}/deployment-branch-policies" --input - --silent <<<'{"name": "main", "type": "branch"}'
  fi
}

if command -v gh >/dev/null; then
  for env in ${environments}; do
    protect_environment "${env}"
  done
  while read -r name value; do
    gh variable set "${name}" --body "${value}" --repo "${repository}"
  done <<<"${variables}"
  echo "GitHub environments and variables are set."
else
  echo "GitHub CLI (gh) not found: create the environments ${environments} (deployment branch"
  echo "policy main; required reviewers on stg and prd) and set these repository variables:"
  printf '  %s\n' "${variables}"
fi

if [ "${template_url}" != "${source_path}" ]; then
  python3 - "${answers}" "${template_url}" <<'PY'
import re, sys
path, url = sys.argv[1], sys.argv[2]
text = open(path).read()
open(path, "w").write(re.sub(r"(?m)^_src_path: .*$", "_src_path: " + url, text, count=1))
PY
  echo "${answers}: _src_path is now ${template_url}; commit it."
fi
