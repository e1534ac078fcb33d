# One region of one environment: the three VPCs joined by the Transit Gateway
# or, in dev's cost profile, VPC peering (network, ADR 0142), the
# operator path (access), the private cluster (eks), the public NLB (edge),
# logs/metrics/alarms (observability) and the region's security services; in
# the environment's primary region also the account-wide pieces: the image
# registry, CI identity, the hardened-AMI pipeline and CloudTrail. Each
# module's own README explains its part; this file only wires outputs to
# inputs (ADR 0140).

data "aws_region" "current" {}
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  region     = data.aws_region.current.region
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  region_codes = {
    "us-east-1" = "use1"
    "us-east-2" = "use2"
    "us-west-1" = "usw1"
    "us-west-2" = "usw2"
  }
  name    = coalesce(var.name, "org-app-${var.environment}-${local.region_codes[local.region]}")
  primary = var.regions[0] == local.region

  tags = merge(var.tags, { Environment = var.environment, Stack = "region" })

  # The NLB's targets are the gateway pods, which take VPC CNI addresses in
  # the app VPC's private (node/pod) subnets.
  gateway_cidrs = [for az in module.network.azs : module.network.subnets.app_private[az].cidr_block]

  certificate_arn = coalesce(
    var.edge.certificate_arn,
    try(module.dns[0].certificate_arns[local.region], null),
    try(data.aws_acm_certificate.service[0].arn, null),
  )

  hardened_ami_parameter = "/org-app/ami/hardened-al2023"
  public_ami_parameter   = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
  ami_parameter          = var.access.hardened_ami ? local.hardened_ami_parameter : local.public_ami_parameter
}

check "this_region_is_one_of_the_environments_regions" {
  assert {
    condition     = contains(var.regions, local.region)
    error_message = "The provider's region must be listed in var.regions."
  }
}

# The service's signing secret (DEVOPS_SECRET). Only its container is made
# here: the value is written out of band (docs/runbook.md, "Rotate
# DEVOPS_SECRET"), so it never enters the state. name_prefix: a re-create does
# not collide with a name still held by a deleted secret's recovery window.
resource "aws_kms_key" "app_secret" {
  description             = "${local.name}: org-app signing secret"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  tags                    = local.tags
}

resource "aws_secretsmanager_secret" "app" {
  name_prefix             = "${local.name}/devops-secret-"
  description             = "DEVOPS_SECRET of org-app in ${local.name}: the HS256 signing key (at least 32 bytes), mounted into the pods by the Secrets Store CSI driver."
  kms_key_id              = aws_kms_key.app_secret.arn
  recovery_window_in_days = 30
  tags                    = local.tags
}

module "network" {
  source = "../../modules/network"

  name                = local.name
  az_count            = length(var.azs)
  azs                 = var.azs
  vpc_cidrs           = var.vpc_cidrs
  single_nat_gateway  = var.single_nat_gateway
  app_internet_egress = var.app_internet_egress
  interconnect        = var.network.interconnect
  nat_gateway_enabled = var.network.nat_gateway_enabled
  # No bastions, no security <-> app peering.
  security_vpc_peering = var.access.operator_path == "client_vpn"
  eks_cluster_name     = local.name

  interface_endpoint_az_count  = var.network.interface_endpoint_az_count
  interface_endpoints          = var.network.interface_endpoints
  endpoint_organization_id     = var.endpoint_organization_id
  dns_firewall_allowed_domains = var.dns_firewall_allowed_domains
  tags                         = local.tags
}

module "image_pipeline" {
  source = "../../modules/image-pipeline"
  count  = local.primary && var.image_pipeline_enabled ? 1 : 0

  name                   = local.name
  vpc_id                 = module.network.vpc_ids.security
  subnet_id              = module.network.security_private_subnet_ids[module.network.azs[0]]
  distribution_regions   = var.regions
  ami_ssm_parameter_name = local.hardened_ami_parameter
  tags                   = local.tags
}

module "access" {
  source = "../../modules/access"

  name            = local.name
  vpc_cidrs       = module.network.vpc_cidrs
  security_vpc_id = module.network.vpc_ids.security
  app_vpc_id      = module.network.vpc_ids.app

  bastion_subnets           = module.network.subnets.security_private
  vpn_subnets               = module.network.subnets.security_vpn
  jump_host_subnets         = module.network.subnets.app_jump
  eks_control_plane_subnets = module.network.subnets.app_intra
  eks_cluster_endpoint      = module.eks.cluster_endpoint

  operator_path                       = var.access.operator_path
  instance_connect_max_tunnel_seconds = var.access.instance_connect_max_tunnel_seconds
  instance_connect_endpoint_az        = var.access.instance_connect_endpoint_az
  client_cidr_block                   = var.access.client_cidr_block
  server_certificate_arn              = var.access.server_certificate_arn
  client_root_certificate_chain_arn   = var.access.client_root_certificate_chain_arn
  vpn_authentication_mode             = var.access.authentication_mode
  vpn_saml_provider_arn               = var.access.saml_provider_arn
  vpn_authorized_group_ids            = var.access.authorized_group_ids
  vpn_association_count               = var.access.vpn_association_count
  vpn_enabled                         = var.access.vpn_enabled
  ssh_public_key                      = var.access.ssh_public_key
  bastion_instance_type               = var.access.bastion_instance_type
  jump_host_instance_type             = var.access.jump_host_instance_type
  bastion_ami_ssm_parameter           = local.ami_parameter
  jump_host_ami_ssm_parameter         = local.ami_parameter
  tags                                = local.tags
}

data "aws_acm_certificate" "service" {
  count = var.edge.certificate_arn == null && var.dns == null ? 1 : 0

  domain      = var.service_fqdn
  statuses    = ["ISSUED"]
  most_recent = true
}

module "dns" {
  source = "../../modules/dns"
  count  = var.dns == null ? 0 : 1

  name                = local.name
  domain_name         = var.dns.domain_name
  existing_zone_id    = var.dns.existing_zone_id
  service_record_name = var.dns.service_record_name
  certificate_regions = [local.region]
  endpoints = {
    (local.region) = {
      nlb_dns_name = module.edge.lb_dns_name
      nlb_zone_id  = module.edge.lb_zone_id
    }
  }
  tags = local.tags
}

module "edge" {
  source = "../../modules/edge"

  name                     = local.name
  vpc_id                   = module.network.vpc_ids.lb
  public_subnet_ids        = module.network.lb_public_subnet_ids
  gateway_cidrs            = local.gateway_cidrs
  certificate_arn          = local.certificate_arn
  deletion_protection      = var.edge.deletion_protection
  access_log_force_destroy = var.edge.access_log_force_destroy
  tags                     = local.tags
}

module "observability" {
  source = "../../modules/observability"

  name                       = local.name
  cluster_name               = local.name
  nlb_arn_suffix             = module.edge.lb_arn_suffix
  target_group_arn_suffix    = module.edge.target_group_arn_suffix
  nat_gateway_ids            = module.network.nat_gateway_ids
  min_ready_nodes            = module.eks.node_min_size_total
  container_insights_enabled = var.eks.container_insights
  alarm_email_addresses      = var.observability.alarm_email_addresses
  alarm_https_endpoints      = var.observability.alarm_https_endpoints
  error_5xx_ratio_threshold  = var.observability.error_5xx_ratio_threshold
  latency_p99_threshold_ms   = var.observability.latency_p99_threshold_ms
  canary_success_slo_percent = var.observability.canary_success_slo_percent
  tags                       = local.tags
}

module "eks" {
  source = "../../modules/eks"

  name                     = local.name
  kubernetes_version       = var.eks.kubernetes_version
  deletion_protection      = var.eks.deletion_protection
  vpc_id                   = module.network.vpc_ids.app
  vpc_cidr                 = module.network.vpc_cidrs.app
  node_subnet_ids          = module.network.app_private_subnet_ids
  control_plane_subnet_ids = module.network.app_intra_subnet_ids
  jump_host_cidrs          = [module.network.app_jump_cidr]
  lb_public_subnet_cidrs   = [for az in module.network.azs : module.network.subnets.lb_public[az].cidr_block]
  vpc_endpoint_cidrs       = module.network.vpc_endpoint_cidrs
  gateway_port             = module.edge.gateway_port
  ci_runner_cidrs          = var.eks.ci_runner_cidrs
  # The deploy executor's builds reach the API by their security group.
  api_client_security_group_ids = var.deploy_executor.enabled ? { deploy-executor = module.deploy_executor[0].security_group_id } : {}

  access_entries = var.eks.access_entries
  # Who deploys to the cluster: the deploy executor's role (ADR 0407; its
  # ARN is known at plan time and ordered after the role), else the CI apply
  # role: the one this stack makes in the primary region, or the primary's
  # (given) in the others. The apply role's ARN is built from its name so the
  # access entries' keys are known at plan time; depends_on below orders the
  # role first.
  ci_deploy_role_arn = var.deploy_executor.enabled ? module.deploy_executor[0].role_arn : (
    var.eks.ci_deploy_role_arn != null ? var.eks.ci_deploy_role_arn : (
      local.primary && var.ci != null ? "arn:${local.partition}:iam::${local.account_id}:role/org-app-${var.environment}-ci-apply" : null
    )
  )

  node_instance_types      = var.eks.node_instance_types
  node_ami_type            = var.eks.node_ami_type
  node_capacity_type       = var.eks.node_capacity_type
  node_root_volume_size_gb = var.eks.node_root_volume_size_gb
  node_group_layout        = var.eks.node_group_layout
  node_min_size_per_az     = var.eks.node_min_size_per_az
  node_desired_size_per_az = var.eks.node_desired_size_per_az
  node_max_size_per_az     = var.eks.node_max_size_per_az
  spanning_node_group_size = var.eks.spanning_node_group_size

  app_secret_arn         = aws_secretsmanager_secret.app.arn
  app_secret_kms_key_arn = aws_kms_key.app_secret.arn
  app_log_group_arn      = module.observability.log_group_arns.app
  metrics_log_group_arn  = module.observability.log_group_arns.metrics
  canary_log_group_arn   = module.observability.log_group_arns.canary
  target_group_arns      = [module.edge.target_group_arn]

  enable_cloudwatch_observability = var.eks.container_insights
  log_retention_days              = var.eks.log_retention_days
  tags                            = local.tags

  depends_on = [module.ci_identity]
}

# The in-VPC deploy executor (ADR 0407): CodeBuild in the node subnets, which
# reach the API, the interface endpoints and the S3 gateway endpoint and have
# no internet route; the GitHub-hosted deploy job starts its builds.
module "deploy_executor" {
  source = "../../modules/deploy-executor"
  count  = var.deploy_executor.enabled ? 1 : 0

  name                      = local.name
  vpc_id                    = module.network.vpc_ids.app
  vpc_cidr                  = module.network.vpc_cidrs.app
  subnet_ids                = [for az in module.network.azs : module.network.app_private_subnet_ids[az]]
  vpc_endpoint_cidrs        = module.network.vpc_endpoint_cidrs
  s3_prefix_list_id         = module.network.s3_gateway_prefix_list_id
  cluster_security_group_id = module.eks.cluster_security_group_id
  # The repository and pull-through prefixes of outputs.tf (ecr_repository_url,
  # ecr_pull_through_prefixes).
  ecr_repository_names      = ["org-app"]
  ecr_pull_through_prefixes = ["ecr-public", "k8s", "ghcr"]

  compute_type           = var.deploy_executor.compute_type
  build_timeout_minutes  = var.deploy_executor.build_timeout_minutes
  log_retention_days     = var.deploy_executor.log_retention_days
  bucket_versioning      = var.deploy_executor.bucket_versioning
  object_expiration_days = var.deploy_executor.object_expiration_days
  tags                   = local.tags
}

module "registry" {
  source = "../../modules/registry"
  count  = local.primary ? 1 : 0

  name            = local.name
  replica_regions = [for r in var.regions : r if r != local.region]

  # The next environment's CI apply role copies released digests (ADR 0404).
  promotion_pull_principal_arns = compact([var.promotion.next_apply_role_arn])
  tags                          = local.tags
}

module "security" {
  source = "../../modules/security"

  name                            = local.name
  enable_guardduty                = var.security_services.guardduty
  enable_inspector                = var.security_services.inspector
  enable_securityhub              = var.security_services.securityhub
  enable_config                   = var.security_services.config
  config_recording_frequency      = var.security_services.config_recording_frequency
  config_include_global_resources = local.primary
  enable_cloudtrail               = var.security_services.cloudtrail && local.primary
  tags                            = local.tags
}

module "ci_identity" {
  source = "../../modules/ci-identity"
  count  = local.primary && var.ci != null ? 1 : 0

  name               = "org-app-${var.environment}"
  github_owner       = var.ci.github_owner
  github_repository  = var.ci.github_repository
  plan_branches      = ["main"]
  apply_environments = [var.environment]
  build_branches     = var.environment == "dev" ? ["main"] : []
  state_bucket_arn   = var.ci.state_bucket_arn
  state_kms_key_arn  = var.ci.state_kms_key_arn
  allowed_regions    = var.regions

  promotion_source_repository_arns = compact([var.promotion.source_repository_arn])
  # Built from known parts (not the registry's output, unknown until apply):
  # the module decides at plan time whether to make the build role.
  ecr_repository_arn = "arn:${local.partition}:ecr:${local.region}:${local.account_id}:repository/${module.registry[0].repository_name}"
  tags               = local.tags
}
