# dev: one region, two AZs, one NAT gateway, small nodes. The cheapest
# environment that still exercises every part of the design (docs/cost.md).
region      = "us-east-1"
environment = "dev"
owner       = "platform"
cost_center = "org-app"

regions = ["us-east-1"]
azs     = ["us-east-1a", "us-east-1b"]
vpc_cidrs = {
  security = "10.10.0.0/20"
  lb       = "10.20.0.0/20"
  app      = "10.100.0.0/16"
}
single_nat_gateway  = true
app_internet_egress = false

# docs/cost.md, dev floor: the endpoints dev's cluster calls, in one AZ
# (the single NAT's), ADR 0150.
network = {
  interface_endpoint_az_count = 1
  interface_endpoints         = ["autoscaling", "ec2", "ecr.api", "ecr.dkr", "eks-auth", "elasticloadbalancing", "logs", "secretsmanager"]
}

access = {
  client_cidr_block     = "10.200.0.0/22"
  authentication_mode   = "certificate"
  vpn_association_count = 1
  # Idle: set true and apply before a session, false after (ADR 0151).
  vpn_enabled  = false
  hardened_ami = true
}

eks = {
  node_instance_types      = ["t4g.medium"]
  node_ami_type            = "AL2023_ARM_64_STANDARD"
  node_root_volume_size_gb = 20
  container_insights       = false
  node_min_size_per_az     = 1
  node_desired_size_per_az = 1
  node_max_size_per_az     = 2
  log_retention_days       = 30
}

edge = {
  # Throw-away environment: destroy may remove the NLB and its logs.
  deletion_protection      = false
  access_log_force_destroy = true
}

observability = {
  latency_p99_threshold_ms = 500
}

security_services = {
  # dev shares nothing worth the Config recorder's cost; GuardDuty,
  # Inspector, Security Hub and CloudTrail stay on everywhere.
  config = false
}
