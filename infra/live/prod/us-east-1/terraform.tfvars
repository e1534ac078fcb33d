# prod, primary region: three AZs, a NAT gateway per AZ, deletion protection
# on the NLB and the cluster. Primary: it also holds the account-wide image
# registry (replicating to us-west-2), the hardened-AMI pipeline, CI identity
# and CloudTrail. Apply it before prod/us-west-2 (ADR 0140).
region      = "us-east-1"
environment = "prod"
owner       = "platform"
cost_center = "org-app"

regions = ["us-east-1", "us-west-2"]
azs     = ["us-east-1a", "us-east-1b", "us-east-1c"]
vpc_cidrs = {
  security = "10.12.0.0/20"
  lb       = "10.22.0.0/20"
  app      = "10.102.0.0/16"
}
single_nat_gateway  = false
app_internet_egress = false

access = {
  client_cidr_block     = "10.202.0.0/22"
  authentication_mode   = "certificate-and-federated"
  vpn_association_count = 2
  hardened_ami          = true
}

eks = {
  node_instance_types      = ["m7i.large"]
  node_min_size_per_az     = 1
  node_desired_size_per_az = 1
  node_max_size_per_az     = 4
  deletion_protection      = true
}

edge = {
  deletion_protection = true
}

observability = {
  latency_p99_threshold_ms = 300
}
