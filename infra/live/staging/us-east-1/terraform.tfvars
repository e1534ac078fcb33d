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
# One NAT gateway: by default only the monthly image build uses it (app egress
# is off, bastions patch through the S3 endpoint). Turn per-AZ NAT back on
# together with app_internet_egress (docs/cost.md, ADR 0150).
single_nat_gateway  = true
app_internet_egress = false

# docs/cost.md: the eleven endpoints the cluster calls (no kms), in two AZs (ADR 0150).
network = {
  interface_endpoint_az_count = 2
  interface_endpoints         = ["autoscaling", "ec2", "ecr.api", "ecr.dkr", "eks", "eks-auth", "elasticloadbalancing", "logs", "monitoring", "secretsmanager", "sts"]
}

access = {
  client_cidr_block     = "10.201.0.0/22"
  authentication_mode   = "certificate"
  vpn_association_count = 1
  vpn_enabled           = false
  hardened_ami          = true
}

eks = {
  node_instance_types      = ["t4g.medium"]
  node_ami_type            = "AL2023_ARM_64_STANDARD"
  node_root_volume_size_gb = 30
  node_min_size_per_az     = 1
  node_desired_size_per_az = 1
  node_max_size_per_az     = 3
}

edge = {
  deletion_protection = true
}

security_services = {
  config_recording_frequency = "DAILY"
}
