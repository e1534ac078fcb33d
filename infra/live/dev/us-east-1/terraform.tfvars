# dev: one region, two AZs, the cost profile of ADR 0142 (docs/cost.md, dev
# ≤ $250 a month before traffic): the same three VPCs, cluster, NLB, endpoint
# data perimeter, DNS Firewall, encryption and alarms as prod, with the VPCs
# joined by a VPC peering (LB <-> app) instead of the Transit Gateway, no NAT gateway,
# an EC2 Instance Connect Endpoint instead of the Client VPN and bastions, and
# one autoscaled node group over both AZs starting at one node.
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
app_internet_egress = false

network = {
  # The lb <-> app peering, no Transit Gateway (ADR 0142); no bastions, so
  # no security <-> app peering (the stack derives it from operator_path).
  interconnect = "peering"
  # Nothing can use a NAT gateway over a peering (no edge-to-edge routing).
  nat_gateway_enabled = false
  # The endpoints dev's cluster calls, in one AZ (ADR 0150).
  interface_endpoint_az_count = 1
  interface_endpoints         = ["autoscaling", "ec2", "ecr.api", "ecr.dkr", "eks-auth", "elasticloadbalancing", "logs", "secretsmanager"]
}

access = {
  # SSH to the jump host through an EC2 Instance Connect Endpoint, authorised
  # per person by IAM (stack output operator_tunnel_policy_arn) and logged by
  # CloudTrail (ADR 0142, docs/operations.md).
  operator_path = "instance_connect_endpoint"
  # The image pipeline needs the Transit Gateway and NAT to reach its package
  # mirrors, so dev's jump host boots the public AL2023 image.
  hardened_ami = false
}
image_pipeline_enabled = false

eks = {
  node_instance_types      = ["t4g.medium"]
  node_ami_type            = "AL2023_ARM_64_STANDARD"
  node_root_volume_size_gb = 20
  container_insights       = false
  # One managed node group over both AZs: one node at rest, the cluster
  # autoscaler adds up to three more (ADR 0142).
  node_group_layout        = "spanning"
  spanning_node_group_size = { min_size = 1, desired_size = 1, max_size = 4 }
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
  # GuardDuty, Inspector and CloudTrail stay on; Security Hub's CSPM checks
  # and the Config recorder are prod's and staging's (ADR 0142).
  securityhub = false
  config      = false
}
