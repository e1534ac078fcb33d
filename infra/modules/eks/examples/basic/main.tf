# Example: the private EKS cluster of one region, wired to modules/network.
# The secret, the log groups and the NLB target group come from the regional
# stack's other modules (secret, observability, edge); literal ARNs stand in
# for them here.

module "network" {
  source = "../../../network"

  name = "example-use1"
  vpc_cidrs = {
    security = "10.10.0.0/20"
    lb       = "10.20.0.0/20"
    app      = "10.100.0.0/16"
  }
  eks_cluster_name = "org-app-example-use1"
}

module "eks" {
  source = "../.."

  name               = "org-app-example-use1"
  kubernetes_version = "1.36"

  # Plain ids and CIDRs from the network module.
  vpc_id                   = module.network.vpc_ids.app
  vpc_cidr                 = module.network.vpc_cidrs.app
  node_subnet_ids          = module.network.app_private_subnet_ids
  control_plane_subnet_ids = module.network.app_intra_subnet_ids
  jump_host_cidrs          = [module.network.app_jump_cidr]
  lb_public_subnet_cidrs   = [for s in values(module.network.subnets.lb_public) : s.cidr_block]
  vpc_endpoint_cidrs       = module.network.vpc_endpoint_cidrs

  # Who may use kubectl: operator roles (through the jump-host tunnel) and CI.
  access_entries = {
    "arn:aws:iam::111122223333:role/platform-admin" = { policy = "AmazonEKSClusterAdminPolicy" }
    "arn:aws:iam::111122223333:role/app-oncall"     = { policy = "AmazonEKSEditPolicy", scope = "namespace", namespaces = ["org-app"] }
    "arn:aws:iam::111122223333:role/auditor"        = { policy = "AmazonEKSViewPolicy" }
  }
  ci_deploy_role_arn = "arn:aws:iam::111122223333:role/github-deploy-example"
  ci_runner_cidrs    = []

  node_instance_types      = ["m7i.large"]
  node_min_size_per_az     = 1
  node_desired_size_per_az = 1
  node_max_size_per_az     = 3

  app_secret_arn        = "arn:aws:secretsmanager:us-east-1:111122223333:secret:org-app/example-use1/devops-AbCdEf"
  app_log_group_arn     = "arn:aws:logs:us-east-1:111122223333:log-group:/org-app/org-app-example-use1/app"
  metrics_log_group_arn = "arn:aws:logs:us-east-1:111122223333:log-group:/org-app/org-app-example-use1/metrics"
  canary_log_group_arn  = "arn:aws:logs:us-east-1:111122223333:log-group:/org-app/org-app-example-use1/canary"
  target_group_arns     = ["arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/example-use1-gateway/0123456789abcdef"]

  deletion_protection = false

  tags = {
    Owner = "platform"
  }
}

output "cluster_name" {
  description = "Cluster to point kubectl at (aws eks update-kubeconfig --name ...)."
  value       = module.eks.cluster_name
}

output "cluster_endpoint" {
  description = "Private API endpoint (reachable from the app VPC only)."
  value       = module.eks.cluster_endpoint
}

output "pod_identity_role_arns" {
  description = "Role of each Pod Identity ServiceAccount."
  value       = module.eks.pod_identity_role_arns
}

output "security_group_rules" {
  description = "Every cluster and node security group rule, by name."
  value       = module.eks.security_group_rules
}
