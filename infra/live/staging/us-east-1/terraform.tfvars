# staging: the production design in one region (three AZs, a NAT gateway per
# AZ), so a release is promoted onto the same topology it will meet in prod.
region      = "us-east-1"
environment = "staging"
owner       = "platform"
cost_center = "org-app"

regions = ["us-east-1"]
azs     = ["us-east-1a", "us-east-1b", "us-east-1c"]
vpc_cidrs = {
  security = "10.11.0.0/20"
  lb       = "10.21.0.0/20"
  app      = "10.101.0.0/16"
}
single_nat_gateway  = false
app_internet_egress = false

access = {
  client_cidr_block     = "10.201.0.0/22"
  authentication_mode   = "certificate"
  vpn_association_count = 2
  hardened_ami          = true
}

eks = {
  node_instance_types      = ["m7i.large"]
  node_min_size_per_az     = 1
  node_desired_size_per_az = 1
  node_max_size_per_az     = 3
}

edge = {
  deletion_protection = true
}
