# prod, second region: the same stack as us-east-1 (three AZs, a NAT gateway
# per AZ, deletion protection). The image registry, the AMI pipeline, CI
# identity and CloudTrail live in the primary region, so apply
# prod/us-east-1 first (ADR 0140).
region      = "us-west-2"
environment = "prod"
owner       = "platform"
cost_center = "org-app"

regions = ["us-east-1", "us-west-2"]
azs     = ["us-west-2a", "us-west-2b", "us-west-2c"]
vpc_cidrs = {
  security = "10.13.0.0/20"
  lb       = "10.23.0.0/20"
  app      = "10.103.0.0/16"
}
single_nat_gateway  = false
app_internet_egress = false

access = {
  client_cidr_block     = "10.203.0.0/22"
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
