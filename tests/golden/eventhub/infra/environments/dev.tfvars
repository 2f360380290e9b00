# Settings of the dev environment (yours to change): terraform plan -var-file=../environments/dev.tfvars
environment              = "dev"
private_networking       = false
address_space            = "10.20.0.0/20"
allowed_ip_ranges        = []
storage_replication_type = "ZRS"
# public: GitHub-hosted runners reach the workspace; private: self-hosted runners in the VNet
# (repository variable RUNNER_DEV) are required.
workspace_front_end = "public"
# With a public front end: CIDRs allowed through a workspace IP access list (empty: none).
front_end_allowed_ip_ranges = []
