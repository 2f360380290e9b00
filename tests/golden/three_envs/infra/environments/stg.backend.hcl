# Remote state of the stg environment, in its own container (the plan identity may only
# read it): terraform init -backend-config=../environments/stg.backend.hcl
storage_account_name = "stpaymentsx9tfmyel"
container_name       = "tfstate-stg"
key                  = "stg.tfstate"
