variable "environment" {
  description = "Environment this region belongs to: dev, staging or prod. One AWS account per environment (ADR 0140)."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be one of \"dev\", \"staging\" or \"prod\"."
  }
}

variable "name" {
  description = "Name prefix of every resource in the region. Null: \"org-app-<environment>-<region code>\" (e.g. org-app-prod-use1). 2-24 lower-case letters, digits and hyphens."
  type        = string
  default     = null

  validation {
    condition     = var.name == null || can(regex("^[a-z][a-z0-9-]{0,22}[a-z0-9]$", coalesce(var.name, "x-")))
    error_message = "name must be 2-24 characters of lower-case letters, digits and hyphens, start with a letter and not end with a hyphen."
  }
}

variable "azs" {
  description = "Availability Zones of the region, named explicitly so plans are deterministic and nothing moves when AWS adds a zone (e.g. [\"us-east-1a\", \"us-east-1b\", \"us-east-1c\"]). 2 to 6."
  type        = list(string)

  validation {
    condition     = length(var.azs) >= 2 && length(var.azs) <= 6 && length(distinct(var.azs)) == length(var.azs)
    error_message = "azs must name 2 to 6 distinct Availability Zones."
  }

  validation {
    condition     = alltrue([for az in var.azs : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+[a-z]$", az))])
    error_message = "azs must hold Availability Zone names such as \"us-east-1a\" (not zone ids such as \"use1-az1\")."
  }
}

variable "regions" {
  description = "Every region of the environment, primary first (e.g. [\"us-east-1\", \"us-west-2\"]): the registry replicates and the image pipeline distributes to all of them. Must contain this region."
  type        = list(string)

  validation {
    condition     = length(var.regions) >= 1 && length(distinct(var.regions)) == length(var.regions) && alltrue([for r in var.regions : can(regex("^us-(east|west)-[0-9]$", r))])
    error_message = "regions must hold distinct US commercial regions such as \"us-east-1\", primary first."
  }
}

variable "vpc_cidrs" {
  description = "IPv4 CIDR of each VPC of the region: { security, lb, app } (rules in modules/network). Distinct per region so regions could be peered later."
  type = object({
    security = string
    lb       = string
    app      = string
  })
}

variable "single_nat_gateway" {
  description = "One NAT gateway for the whole region instead of one per AZ (cheaper, not AZ-independent: dev only)."
  type        = bool
  default     = false
}

variable "app_internet_egress" {
  description = "Let the app VPC reach the internet through the LB VPC NAT gateways. Off by default: the app VPC reaches AWS through VPC endpoints only."
  type        = bool
  default     = false
}

variable "endpoint_organization_id" {
  description = "AWS Organizations id (o-...) that scopes the app VPC endpoint policies (aws:PrincipalOrgID / aws:ResourceOrgID). Null: this account only."
  type        = string
  default     = null
}

variable "network" {
  description = <<-EOT
    The network's shape (modules/network): interface_endpoint_az_count (null: every AZ; N: the endpoints' ENIs in the
    first N AZs only, ADR 0150), interface_endpoints (null: the module's twelve services), interconnect
    ("transit_gateway", the design; "peering": VPC peerings, lb <-> app and, with bastions, security <-> app, for
    dev's cost, ADR 0142) and nat_gateway_enabled (false: no NAT gateway; nothing in the default design sends through
    it).
  EOT
  type = object({
    interface_endpoint_az_count = optional(number)
    interface_endpoints         = optional(set(string))
    interconnect                = optional(string, "transit_gateway")
    nat_gateway_enabled         = optional(bool, true)
  })
  default  = {}
  nullable = false

  validation {
    condition     = contains(["transit_gateway", "peering"], var.network.interconnect)
    error_message = "network.interconnect must be \"transit_gateway\" (the design) or \"peering\" (dev's cost profile, ADR 0142)."
  }

  validation {
    condition     = var.environment != "prod" || (var.network.interconnect == "transit_gateway" && var.network.nat_gateway_enabled)
    error_message = "prod keeps the design's network: network.interconnect = \"transit_gateway\" and network.nat_gateway_enabled = true (peering and no NAT are dev's cost profile, ADR 0142)."
  }
}

variable "access" {
  description = <<-EOT
    Operator access (modules/access): operator_path ("client_vpn", the design: Client VPN -> bastion -> jump host;
    "instance_connect_endpoint": an EC2 Instance Connect Endpoint into the jump-host subnet, dev's cost profile, ADR
    0142) with instance_connect_max_tunnel_seconds and instance_connect_endpoint_az (null: the first AZ); for the
    Client VPN its client CIDR and ACM certificates (required with "client_vpn"), its authentication mode
    ("certificate", "federated" or "certificate-and-federated" with saml_provider_arn and authorized_group_ids) and
    association count; an optional SSH public key (null: EC2 Instance Connect), instance types, and hardened_ami (true:
    the bastion and jump host boot the image pipeline's AMI from SSM; false: the public AL2023 AMI).
  EOT
  type = object({
    operator_path                       = optional(string, "client_vpn")
    instance_connect_max_tunnel_seconds = optional(number, 3600)
    instance_connect_endpoint_az        = optional(string)
    client_cidr_block                   = optional(string)
    server_certificate_arn              = optional(string)
    client_root_certificate_chain_arn   = optional(string)
    authentication_mode                 = optional(string, "certificate")
    saml_provider_arn                   = optional(string)
    authorized_group_ids                = optional(list(string), [])
    vpn_association_count               = optional(number, 2)
    vpn_enabled                         = optional(bool, true)
    ssh_public_key                      = optional(string)
    bastion_instance_type               = optional(string, "t3.micro")
    jump_host_instance_type             = optional(string, "t3.micro")
    hardened_ami                        = optional(bool, true)
  })

  validation {
    condition     = var.environment != "prod" || var.access.operator_path == "client_vpn"
    error_message = "prod keeps the design's operator path: access.operator_path = \"client_vpn\" (the Instance Connect Endpoint is dev's cost profile, ADR 0142)."
  }
}

variable "eks" {
  description = <<-EOT
    The cluster (modules/eks): Kubernetes version (null: the module default), node instance types, the node group
    layout ("per_az", the design: a group per AZ sized by the *_per_az values; "spanning": one group over every AZ
    sized by spanning_node_group_size, dev's cost profile, ADR 0142), operator access entries (IAM role ARN => { policy, scope, namespaces }), the CI deploy role and
    the CIDRs of self-hosted CI runners that may reach the private endpoint. With deploy_executor.enabled (default) the
    executor's role gets the cluster's CI access entry and ci_deploy_role_arn is not used (ADR 0407).
  EOT
  type = object({
    kubernetes_version       = optional(string)
    node_instance_types      = optional(list(string), ["m7i.large"])
    node_ami_type            = optional(string, "AL2023_x86_64_STANDARD")
    node_capacity_type       = optional(string, "ON_DEMAND")
    node_root_volume_size_gb = optional(number, 50)
    container_insights       = optional(bool, true)
    node_group_layout        = optional(string, "per_az")
    node_min_size_per_az     = optional(number, 1)
    node_desired_size_per_az = optional(number, 1)
    node_max_size_per_az     = optional(number, 3)
    spanning_node_group_size = optional(object({
      min_size     = number
      desired_size = number
      max_size     = number
    }), { min_size = 1, desired_size = 1, max_size = 4 })
    access_entries = optional(map(object({
      policy     = string
      scope      = optional(string, "cluster")
      namespaces = optional(list(string), [])
    })), {})
    ci_deploy_role_arn  = optional(string)
    ci_runner_cidrs     = optional(list(string), [])
    deletion_protection = optional(bool, false)
    log_retention_days  = optional(number, 365)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.environment != "prod" || var.eks.node_group_layout == "per_az"
    error_message = "prod keeps a node group per AZ: eks.node_group_layout = \"per_az\" (\"spanning\" is dev's cost profile, ADR 0142)."
  }
}

variable "edge" {
  description = <<-EOT
    The public NLB (modules/edge): certificate_arn (null: the stack's own certificate when dns is set, otherwise the
    ISSUED ACM certificate for service_fqdn that infra/live/global made in this region), deletion protection (keep on
    in prod) and whether destroy may delete the access-log bucket with its logs.
  EOT
  type = object({
    certificate_arn          = optional(string)
    deletion_protection      = optional(bool, true)
    access_log_force_destroy = optional(bool, false)
  })
  default  = {}
  nullable = false
}

variable "service_fqdn" {
  description = "Public name of the service in this environment (e.g. \"api.example.com\"): its certificate is looked up by this name when neither edge.certificate_arn nor dns is set."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.service_fqdn))
    error_message = "service_fqdn must be a lower-case DNS name such as \"api.example.com\"."
  }
}

variable "dns" {
  description = <<-EOT
    Single-region environments manage their own DNS here (modules/dns): { domain_name, existing_zone_id,
    service_record_name } gives the zone, this region's DNS-validated certificate, a health check and a latency record
    for the NLB. Null (multi-region prod): infra/live/global owns the zone, the certificates and the records.
  EOT
  type = object({
    domain_name         = string
    existing_zone_id    = optional(string)
    service_record_name = optional(string, "api")
  })
  default = null
}

variable "observability" {
  description = "Alarm subscribers and thresholds (modules/observability): e-mail and HTTPS endpoints of on-call, 5xx ratio, p99 latency (ms), canary success SLO (percent)."
  type = object({
    alarm_email_addresses      = optional(list(string), [])
    alarm_https_endpoints      = optional(list(string), [])
    error_5xx_ratio_threshold  = optional(number, 0.01)
    latency_p99_threshold_ms   = optional(number, 300)
    canary_success_slo_percent = optional(number, 99.9)
  })
  default  = {}
  nullable = false
}

variable "security_services" {
  description = "Account security services (modules/security), each toggleable because each is account- or region-wide: GuardDuty, Inspector, Security Hub and AWS Config in every region; CloudTrail (multi-region) only from the primary region."
  type = object({
    guardduty                  = optional(bool, true)
    inspector                  = optional(bool, true)
    securityhub                = optional(bool, true)
    config                     = optional(bool, true)
    config_recording_frequency = optional(string, "CONTINUOUS")
    cloudtrail                 = optional(bool, true)
  })
  default  = {}
  nullable = false
}

variable "ci" {
  description = "GitHub Actions identity for this environment's account (modules/ci-identity), made in the primary region only: the repository, the GitHub environment that may apply, and the state bucket of infra/live/bootstrap. Null: no CI roles."
  type = object({
    github_owner      = string
    github_repository = string
    state_bucket_arn  = string
    state_kms_key_arn = optional(string)
  })
  default = null
}

variable "promotion" {
  description = <<-EOT
    Image promotion between environment accounts (ADR 0404): source_repository_arn, the previous environment's org-app
    repository this environment's CI apply role copies released digests from (staging: dev's, prod: staging's);
    next_apply_role_arn, the next environment's CI apply role that may pull from this environment's repository.
    Primary region only (where the registry and CI identity live).
  EOT
  type = object({
    source_repository_arn = optional(string)
    next_apply_role_arn   = optional(string)
  })
  default  = {}
  nullable = false
}

variable "deploy_executor" {
  description = <<-EOT
    The in-VPC deploy executor (modules/deploy-executor, ADR 0407): a CodeBuild project in the app VPC's private subnets,
    with no internet route, that the GitHub-hosted deploy job starts for the cluster steps (platform add-ons, helm
    upgrade --install, helm test, canary tokens, rollback). On by default; its role gets the cluster's CI access entry
    and its security group the API on 443. Off: the cluster is deployed through the operator path by hand, or
    eks.ci_deploy_role_arn / eks.ci_runner_cidrs admit another deploy path.
  EOT
  type = object({
    enabled                = optional(bool, true)
    compute_type           = optional(string, "BUILD_GENERAL1_SMALL")
    build_timeout_minutes  = optional(number, 45)
    log_retention_days     = optional(number, 90)
    bucket_versioning      = optional(bool, false)
    object_expiration_days = optional(number, 1)
  })
  default  = {}
  nullable = false
}

variable "dns_firewall_allowed_domains" {
  description = "Extra names the app VPC's DNS Firewall answers (modules/network), for a workload that needs one (the deploy executor needs none: ADR 0407)."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "image_pipeline_enabled" {
  description = "Run the monthly hardened-AMI pipeline (modules/image-pipeline) from the primary region, distributing to every region of the environment. Its builds reach the package mirrors through the Transit Gateway and the LB VPC's NAT gateway, so it needs network.interconnect = \"transit_gateway\" and network.nat_gateway_enabled."
  type        = bool
  default     = true

  validation {
    condition     = !var.image_pipeline_enabled || (var.network.interconnect == "transit_gateway" && var.network.nat_gateway_enabled)
    error_message = "image_pipeline_enabled needs network.interconnect = \"transit_gateway\" and network.nat_gateway_enabled = true: the build instance in the security VPC reaches its package mirrors through the LB VPC's NAT gateway. With peering or no NAT set image_pipeline_enabled = false (and access.hardened_ami = false unless the hardened AMI's SSM parameter exists in the account)."
  }
}

variable "tags" {
  description = "Extra tags for every resource (the live roots' provider default_tags carry env, region, owner and cost-center)."
  type        = map(string)
  default     = {}
}
