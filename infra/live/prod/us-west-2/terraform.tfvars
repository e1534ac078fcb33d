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
  client_cidr_block     = "10.203.0.0/22"
  authentication_mode   = "certificate-and-federated"
  vpn_association_count = 1
  hardened_ami          = true
}

eks = {
  node_instance_types      = ["t4g.medium"]
  node_ami_type            = "AL2023_ARM_64_STANDARD"
  node_root_volume_size_gb = 30
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

security_services = {
  config_recording_frequency = "DAILY"
}
