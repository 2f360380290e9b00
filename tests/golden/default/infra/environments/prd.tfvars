# Settings of the prd environment (yours to change): terraform plan -var-file=../environments/prd.tfvars
environment              = "prd"
private_networking       = true
address_space            = "10.22.0.0/20"
allowed_ip_ranges        = []
storage_replication_type = "GZRS"
# public: GitHub-hosted runners reach the workspace; private: self-hosted runners in the VNet
# (repository variable RUNNER_PRD) are required.
workspace_front_end = "public"
# With a public front end: CIDRs allowed through a workspace IP access list (empty: none).
front_end_allowed_ip_ranges = []
