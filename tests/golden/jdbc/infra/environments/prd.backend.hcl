# Remote state of the prd environment, in its own container (the plan identity may only
# read it): terraform init -backend-config=../environments/prd.backend.hcl
storage_account_name = "stcredittfi9wf"
container_name       = "tfstate-prd"
key                  = "prd.tfstate"
