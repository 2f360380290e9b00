# Remote state of the dev environment, in its own container (the plan identity may only
# read it): terraform init -backend-config=../environments/dev.backend.hcl
storage_account_name = "stfraudtffagk"
container_name       = "tfstate-dev"
key                  = "dev.tfstate"
