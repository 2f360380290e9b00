# Remote state of the bootstrap itself, moved here after its first apply (make bootstrap):
# terraform init -migrate-state -backend-config=backend.hcl
storage_account_name = "strisktfaeo6"
container_name       = "tfstate"
key                  = "bootstrap.tfstate"
