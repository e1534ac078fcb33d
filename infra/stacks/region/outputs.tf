# What the deploy step needs (make platform-deploy reads these by name; see
# deploy/platform) and what the global DNS root and operators look up.

locals {
  ecr_registry = "${local.account_id}.dkr.ecr.${local.region}.amazonaws.com"
}

output "name" {
  description = "Name prefix of the region's resources (also the EKS cluster name)."
  value       = local.name
}

output "region" {
  description = "Region of this stack."
  value       = local.region
}

output "app_internet_egress" {
  description = "Whether the app VPC may reach the internet through NAT (the reachability policy and platform-verify read it)."
  value       = var.app_internet_egress
}

output "single_nat_gateway" {
  description = "Whether the region has one NAT gateway instead of one per AZ."
  value       = var.single_nat_gateway
}

output "azs" {
  description = "Availability Zones in use."
  value       = module.network.azs
}

output "cluster_name" {
  description = "EKS cluster name."
  value       = module.eks.cluster_name
}

output "cluster_endpoint" {
  description = "Private API endpoint of the cluster (reachable over the operator tunnel or from the deploy executor inside the app VPC)."
  value       = module.eks.cluster_endpoint
}

output "cluster_certificate_authority_data" {
  description = "Base64 CA bundle of the cluster API."
  value       = module.eks.cluster_certificate_authority_data
}

output "app_vpc_id" {
  description = "App VPC id (AWS Load Balancer Controller --aws-vpc-id)."
  value       = module.network.vpc_ids.app
}

output "lb_vpc_id" {
  description = "LB VPC id: the TargetGroupBinding's vpcID, since the target group lives there."
  value       = module.network.vpc_ids.lb
}

output "target_group_arn" {
  description = "NLB target group the gateway pods are registered in (TargetGroupBinding)."
  value       = module.edge.target_group_arn
}

output "gateway_port" {
  description = "Port of the gateway pods behind the NLB."
  value       = module.edge.gateway_port
}

output "nlb_dns_name" {
  description = "Public DNS name of the region's NLB (Route53 alias target and health-check host)."
  value       = module.edge.lb_dns_name
}

output "regional_fqdn" {
  description = "This region's own public name (<region>.<service name>, alias to its NLB, a SAN of its certificate): the deploy's canary gate and platform-verify target it."
  value       = try(module.dns[0].regional_fqdns[local.region], "${local.region}.${var.service_fqdn}")
}

output "nlb_zone_id" {
  description = "Hosted zone id of the NLB, for alias records."
  value       = module.edge.lb_zone_id
}

output "app_log_group_name" {
  description = "Log group of org-app's JSON logs (Fluent Bit sidecar)."
  value       = module.observability.app_log_group_name
}

output "metrics_log_group_name" {
  description = "Log group of the ADOT sidecar's EMF metrics."
  value       = module.observability.metrics_log_group_name
}

output "canary_log_group_name" {
  description = "Log group of the canary's EMF lines."
  value       = module.observability.canary_log_group_name
}

output "alarm_topic_arn" {
  description = "SNS topic every alarm notifies."
  value       = module.observability.alarm_topic_arn
}

output "app_secret_arn" {
  description = "Secrets Manager secret holding DEVOPS_SECRET (value written out of band)."
  value       = aws_secretsmanager_secret.app.arn
}

output "ecr_repository_url" {
  description = "org-app repository in this region (replicated from the primary region)."
  value       = "${local.ecr_registry}/org-app"
}

output "ecr_pull_through_prefixes" {
  description = "Upstream registry => ECR pull-through cache prefix in this region, for the third-party images of deploy/platform."
  value = {
    "public.ecr.aws"  = "${local.ecr_registry}/ecr-public"
    "registry.k8s.io" = "${local.ecr_registry}/k8s"
    "ghcr.io"         = "${local.ecr_registry}/ghcr"
  }
}

output "vpc_endpoint_cidrs" {
  description = "CIDRs of the app VPC subnets holding the interface endpoints (the chart's NetworkPolicy egress on 443)."
  value       = module.network.vpc_endpoint_cidrs
}

output "pod_identity_role_arns" {
  description = "IAM role of each ServiceAccount with a Pod Identity association, by \"<namespace>/<name>\"."
  value       = module.eks.pod_identity_role_arns
}

output "client_vpn_endpoint_id" {
  description = "Client VPN endpoint to export the operators' client configuration from; null with access.operator_path = \"instance_connect_endpoint\"."
  value       = module.access.client_vpn_endpoint_id
}

output "interconnect" {
  description = "How the VPCs are joined: \"transit_gateway\" or \"peering\" (ADR 0142); a fact for the reachability policy."
  value       = var.network.interconnect
}

output "operator_path" {
  description = "The operators' way in: \"client_vpn\" (VPN -> bastion -> jump host) or \"instance_connect_endpoint\" (ADR 0142); a fact for the reachability policy."
  value       = module.access.operator_path
}

output "instance_connect_endpoint_id" {
  description = "EC2 Instance Connect Endpoint into the jump-host subnet that operators open their SSH tunnels through (docs/operations.md); null with the Client VPN path."
  value       = module.access.instance_connect_endpoint_id
}

output "operator_tunnel_policy_arn" {
  description = "IAM policy to attach to the operators' permission set or role: OpenTunnel to the jump host's port 22 through the Instance Connect Endpoint only; null with the Client VPN path."
  value       = module.access.operator_tunnel_policy_arn
}

output "ci_role_arns" {
  description = "GitHub Actions roles of this environment (primary region only): { plan, apply, build }."
  value = try({
    plan  = module.ci_identity[0].plan_role_arn
    apply = module.ci_identity[0].apply_role_arn
    build = module.ci_identity[0].build_role_arn
  }, null)
}

output "vpn_enabled" {
  description = "Whether the Client VPN endpoint is associated (operators can connect); a fact for the reachability policy."
  value       = module.access.client_vpn_enabled
}

output "deploy_executor" {
  description = "The in-VPC deploy executor (ADR 0407) the deploy job drives: { project_name, bucket_name, bundle_prefix, results_prefix, log_group_name }; null when deploy_executor.enabled is false."
  value = var.deploy_executor.enabled ? {
    project_name   = module.deploy_executor[0].project_name
    bucket_name    = module.deploy_executor[0].bucket_name
    bundle_prefix  = module.deploy_executor[0].bundle_prefix
    results_prefix = module.deploy_executor[0].results_prefix
    log_group_name = module.deploy_executor[0].log_group_name
  } : null
}
