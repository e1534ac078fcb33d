variable "name" {
  description = "Name prefix for every resource (e.g. \"prod-use1\"). Lower-case letters, digits and hyphens, 2-24 characters, starting with a letter."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,22}[a-z0-9]$", var.name))
    error_message = "name must be 2-24 characters of lower-case letters, digits and hyphens, start with a letter and not end with a hyphen."
  }
}

# --- Operator path -------------------------------------------------------------

variable "operator_path" {
  description = <<-EOT
    How operators reach the jump host's SSH (then, over SSH, the EKS private API): "client_vpn" (default; prod and
    staging) - Client VPN into the security VPC, one bastion per AZ, SSH through a bastion to the jump host; or
    "instance_connect_endpoint" (dev, for cost: docs/cost.md) - an EC2 Instance Connect Endpoint in a jump-host
    subnet, no Client VPN and no bastions: the operator's SSH rides an IAM-authorised, CloudTrail-logged tunnel to the
    jump host's port 22. The jump host and its relay-only sshd are the same on both paths. With
    "instance_connect_endpoint" the Client VPN and bastion inputs (certificates, SAML, client_cidr_block,
    security_vpc_id, bastion_subnets, vpn_subnets) are not required and are not used.
  EOT
  type        = string
  default     = "client_vpn"
  nullable    = false

  validation {
    condition     = contains(["client_vpn", "instance_connect_endpoint"], var.operator_path)
    error_message = "operator_path must be \"client_vpn\" (Client VPN and bastions) or \"instance_connect_endpoint\" (EC2 Instance Connect Endpoint into the jump-host subnet)."
  }
}

variable "instance_connect_max_tunnel_seconds" {
  description = "With operator_path \"instance_connect_endpoint\": the longest EC2 Instance Connect tunnel the operators' policy allows (condition ec2-instance-connect:maxTunnelDuration), in seconds, 1 to 3600 (the service's maximum). An operator reconnects after it. Below 3600, operators pass --max-tunnel-duration no larger than it to open-tunnel."
  type        = number
  default     = 3600
  nullable    = false

  validation {
    condition     = var.instance_connect_max_tunnel_seconds >= 1 && var.instance_connect_max_tunnel_seconds <= 3600 && floor(var.instance_connect_max_tunnel_seconds) == var.instance_connect_max_tunnel_seconds
    error_message = "instance_connect_max_tunnel_seconds must be a whole number of seconds from 1 to 3600 (EC2 Instance Connect Endpoint tunnels last at most one hour)."
  }
}

variable "instance_connect_endpoint_az" {
  description = "With operator_path \"instance_connect_endpoint\": the AZ (a key of jump_host_subnets) whose jump-host subnet holds the endpoint. Null: the first AZ (sorted). The endpoint lives in one AZ; if that AZ fails, set another and apply to move it (docs/runbook.md)."
  type        = string
  default     = null

  validation {
    condition     = var.instance_connect_endpoint_az == null || contains(keys(var.jump_host_subnets), coalesce(var.instance_connect_endpoint_az, "-"))
    error_message = "instance_connect_endpoint_az must be null (the first AZ) or one of the AZs of jump_host_subnets."
  }
}

# --- Network (outputs of modules/network) ------------------------------------

variable "vpc_cidrs" {
  description = "CIDR of each VPC, { security, lb, app } (modules/network output vpc_cidrs). Used to check the Client VPN CIDR and the subnets passed in."
  type = object({
    security = string
    lb       = string
    app      = string
  })

  validation {
    condition     = alltrue([for c in values(var.vpc_cidrs) : can(cidrhost(c, 0)) && can(regex("^[0-9.]+/[0-9]+$", c))])
    error_message = "vpc_cidrs values must be IPv4 CIDRs such as \"10.100.0.0/16\"."
  }
}

variable "security_vpc_id" {
  description = "Id of the security VPC (modules/network output vpc_ids.security): Client VPN endpoint and bastions. Required with operator_path \"client_vpn\"; not used (may be null) with \"instance_connect_endpoint\"."
  type        = string
  default     = null

  validation {
    condition     = var.security_vpc_id == null ? var.operator_path != "client_vpn" : can(regex("^vpc-[0-9a-z]+$", var.security_vpc_id))
    error_message = "security_vpc_id must be a VPC id (vpc-...); it is required with operator_path \"client_vpn\"."
  }
}

variable "app_vpc_id" {
  description = "Id of the app VPC (modules/network output vpc_ids.app): jump host."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-z]+$", var.app_vpc_id))
    error_message = "app_vpc_id must be a VPC id (vpc-...)."
  }
}

variable "bastion_subnets" {
  description = "Security VPC private subnets by AZ, { <az> = { id, cidr_block } } (modules/network output subnets.security_private). One bastion per AZ; the Client VPN authorizes exactly these subnets. Required with operator_path \"client_vpn\"; not used with \"instance_connect_endpoint\" (no bastions)."
  type = map(object({
    id         = string
    cidr_block = string
  }))
  default  = {}
  nullable = false

  validation {
    condition     = var.operator_path != "client_vpn" || (length(var.bastion_subnets) >= 2 && length(var.bastion_subnets) <= 6)
    error_message = "bastion_subnets must hold 2 to 6 subnets (one per AZ of the security VPC) with operator_path \"client_vpn\": one bastion per AZ, so losing an AZ never leaves operators without a bastion."
  }

  validation {
    condition     = alltrue([for s in values(var.bastion_subnets) : can(regex("^subnet-[0-9a-z]+$", s.id)) && can(cidrhost(s.cidr_block, 0))])
    error_message = "bastion_subnets entries need a subnet id (subnet-...) and an IPv4 cidr_block."
  }

  validation {
    condition = try(alltrue([
      for s in values(var.bastion_subnets) :
      tonumber(split("/", s.cidr_block)[1]) >= tonumber(split("/", var.vpc_cidrs.security)[1]) &&
      cidrhost("${split("/", s.cidr_block)[0]}/${split("/", var.vpc_cidrs.security)[1]}", 0) == cidrhost(var.vpc_cidrs.security, 0)
    ]), false)
    error_message = "bastion_subnets must lie inside vpc_cidrs.security."
  }
}

variable "vpn_subnets" {
  description = "Security VPC Client VPN association subnets by AZ, { <az> = { id, cidr_block } } (modules/network output subnets.security_vpn): /27 or larger, apart from the bastion subnets, so that no rule naming a bastion subnet admits VPN addresses. The Client VPN associates with the first vpn_association_count of them (sorted AZ order). Required with operator_path \"client_vpn\"; not used with \"instance_connect_endpoint\"."
  type = map(object({
    id         = string
    cidr_block = string
  }))
  default  = {}
  nullable = false

  validation {
    condition     = var.operator_path != "client_vpn" || (length(var.vpn_subnets) >= 2 && length(var.vpn_subnets) <= 6)
    error_message = "vpn_subnets must hold 2 to 6 subnets (one per AZ of the security VPC) with operator_path \"client_vpn\", so an association can be moved to another AZ when one fails."
  }

  validation {
    condition     = alltrue([for s in values(var.vpn_subnets) : can(regex("^subnet-[0-9a-z]+$", s.id)) && can(cidrhost(s.cidr_block, 0)) && try(tonumber(split("/", s.cidr_block)[1]) <= 27, false)])
    error_message = "vpn_subnets entries need a subnet id (subnet-...) and an IPv4 cidr_block of /27 or larger (the Client VPN's minimum for a target network)."
  }

  validation {
    condition = try(alltrue([
      for s in values(var.vpn_subnets) :
      tonumber(split("/", s.cidr_block)[1]) >= tonumber(split("/", var.vpc_cidrs.security)[1]) &&
      cidrhost("${split("/", s.cidr_block)[0]}/${split("/", var.vpc_cidrs.security)[1]}", 0) == cidrhost(var.vpc_cidrs.security, 0)
    ]), false)
    error_message = "vpn_subnets must lie inside vpc_cidrs.security (the Client VPN endpoint and the bastions share the security VPC)."
  }

  validation {
    condition = try(!anytrue(flatten([
      for v in values(var.vpn_subnets) : [
        for b in values(var.bastion_subnets) :
        cidrhost("${split("/", v.cidr_block)[0]}/${min(tonumber(split("/", v.cidr_block)[1]), tonumber(split("/", b.cidr_block)[1]))}", 0) ==
        cidrhost("${split("/", b.cidr_block)[0]}/${min(tonumber(split("/", v.cidr_block)[1]), tonumber(split("/", b.cidr_block)[1]))}", 0)
      ]
    ])), false)
    error_message = "vpn_subnets must not overlap bastion_subnets: VPN addresses inside a bastion subnet would be admitted by every rule that names that subnet (e.g. the jump host's SSH ingress)."
  }
}

variable "jump_host_subnets" {
  description = "App VPC jump-host subnets by AZ, { <az> = { id, cidr_block } } (modules/network output subnets.app_jump). The jump host's ASG of one spans them all."
  type = map(object({
    id         = string
    cidr_block = string
  }))

  validation {
    condition     = length(var.jump_host_subnets) >= 1
    error_message = "jump_host_subnets must hold at least one subnet."
  }

  validation {
    condition     = alltrue([for s in values(var.jump_host_subnets) : can(regex("^subnet-[0-9a-z]+$", s.id)) && can(cidrhost(s.cidr_block, 0))])
    error_message = "jump_host_subnets entries need a subnet id (subnet-...) and an IPv4 cidr_block."
  }

  validation {
    condition = try(alltrue([
      for s in values(var.jump_host_subnets) :
      tonumber(split("/", s.cidr_block)[1]) >= tonumber(split("/", var.vpc_cidrs.app)[1]) &&
      cidrhost("${split("/", s.cidr_block)[0]}/${split("/", var.vpc_cidrs.app)[1]}", 0) == cidrhost(var.vpc_cidrs.app, 0)
    ]), false)
    error_message = "jump_host_subnets must lie inside vpc_cidrs.app."
  }
}

variable "eks_control_plane_subnets" {
  description = "App VPC subnets of the EKS control-plane ENIs by AZ, { <az> = { id, cidr_block } } (modules/network output subnets.app_intra): the jump host's only HTTPS destination by default (the private API endpoint resolves to ENIs there)."
  type = map(object({
    id         = string
    cidr_block = string
  }))

  validation {
    condition     = length(var.eks_control_plane_subnets) >= 2
    error_message = "eks_control_plane_subnets must hold at least two subnets (EKS places control-plane ENIs in at least two AZs)."
  }

  validation {
    condition = try(alltrue([
      for s in values(var.eks_control_plane_subnets) :
      can(regex("^subnet-[0-9a-z]+$", s.id)) &&
      cidrsubnet(s.cidr_block, 0, 0) == s.cidr_block &&
      tonumber(split("/", s.cidr_block)[1]) >= tonumber(split("/", var.vpc_cidrs.app)[1]) &&
      cidrhost("${split("/", s.cidr_block)[0]}/${split("/", var.vpc_cidrs.app)[1]}", 0) == cidrhost(var.vpc_cidrs.app, 0)
    ]), false)
    error_message = "eks_control_plane_subnets entries need a subnet id (subnet-...) and a network CIDR inside vpc_cidrs.app."
  }
}

variable "eks_cluster_endpoint" {
  description = "The EKS cluster's private API endpoint (https://<host>, the eks module's cluster_endpoint). Set: the jump host's sshd permits port forwarding to exactly <host>:443. Null: to any host on port 443 (the security group still limits it to jump_host_https_egress_cidrs)."
  type        = string
  default     = null

  validation {
    condition     = var.eks_cluster_endpoint == null || can(regex("^https://[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$", coalesce(var.eks_cluster_endpoint, "-")))
    error_message = "eks_cluster_endpoint must be the cluster endpoint URL, https://<host name> with no port or path (e.g. https://ABCDEF0123456789.gr7.us-east-1.eks.amazonaws.com)."
  }
}

# --- Client VPN --------------------------------------------------------------

variable "client_cidr_block" {
  description = "IPv4 range the Client VPN assigns to clients: /12 to /22, and not overlapping any of the VPCs. Required with operator_path \"client_vpn\"; not used (may be null) with \"instance_connect_endpoint\"."
  type        = string
  default     = null

  validation {
    condition     = var.client_cidr_block == null ? var.operator_path != "client_vpn" : can(regex("^[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}$", var.client_cidr_block)) && try(cidrsubnet(var.client_cidr_block, 0, 0) == var.client_cidr_block, false)
    error_message = "client_cidr_block must be an IPv4 CIDR written as its network address (e.g. \"10.200.0.0/22\"); it is required with operator_path \"client_vpn\"."
  }

  validation {
    condition     = try(tonumber(split("/", var.client_cidr_block)[1]) >= 12 && tonumber(split("/", var.client_cidr_block)[1]) <= 22, true)
    error_message = "client_cidr_block must be /12 to /22 (the Client VPN limits)."
  }

  validation {
    condition = try(!anytrue([
      for c in values(var.vpc_cidrs) :
      cidrhost("${split("/", var.client_cidr_block)[0]}/${min(tonumber(split("/", var.client_cidr_block)[1]), tonumber(split("/", c)[1]))}", 0) ==
      cidrhost("${split("/", c)[0]}/${min(tonumber(split("/", var.client_cidr_block)[1]), tonumber(split("/", c)[1]))}", 0)
    ]), true)
    error_message = "client_cidr_block must not overlap the security, lb or app VPC CIDR."
  }
}

variable "server_certificate_arn" {
  description = "ACM ARN of the Client VPN server certificate. Required with operator_path \"client_vpn\"; not used (may be null) with \"instance_connect_endpoint\"."
  type        = string
  default     = null

  validation {
    condition     = var.server_certificate_arn == null ? var.operator_path != "client_vpn" : can(regex("^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc):acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]+$", var.server_certificate_arn))
    error_message = "server_certificate_arn must be an ACM certificate ARN (arn:<partition>:acm:<region>:<account>:certificate/<id>); it is required with operator_path \"client_vpn\"."
  }
}

variable "client_root_certificate_chain_arn" {
  description = "ACM ARN of the CA certificate that signs the operators' client certificates (mutual TLS). With operator_path \"client_vpn\": required unless vpn_authentication_mode is \"federated\", and must be null then. Not used (may be null) with \"instance_connect_endpoint\"."
  type        = string
  default     = null

  validation {
    condition     = var.client_root_certificate_chain_arn == null || can(regex("^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc):acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]+$", coalesce(var.client_root_certificate_chain_arn, "-")))
    error_message = "client_root_certificate_chain_arn must be an ACM certificate ARN (arn:<partition>:acm:<region>:<account>:certificate/<id>)."
  }

  validation {
    condition     = var.operator_path != "client_vpn" || ((var.client_root_certificate_chain_arn != null) == (var.vpn_authentication_mode != "federated"))
    error_message = "With operator_path \"client_vpn\", client_root_certificate_chain_arn is required with vpn_authentication_mode \"certificate\" or \"certificate-and-federated\", and must be null with \"federated\"."
  }
}

variable "vpn_authentication_mode" {
  description = <<-EOT
    How Client VPN users authenticate: "certificate" (mutual TLS only; authorization rules admit every authenticated
    client), "federated" (SAML, e.g. IAM Identity Center; authorization rules admit only vpn_authorized_group_ids), or
    "certificate-and-federated" (both: a device certificate and the person's identity-provider login, group rules).
    With federation, disabling a person in the identity provider revokes them and connection logs name the person.
  EOT
  type        = string
  default     = "certificate"
  nullable    = false

  validation {
    condition     = contains(["certificate", "federated", "certificate-and-federated"], var.vpn_authentication_mode)
    error_message = "vpn_authentication_mode must be \"certificate\", \"federated\" or \"certificate-and-federated\"."
  }
}

variable "vpn_saml_provider_arn" {
  description = "ARN of the IAM SAML identity provider of the Client VPN application (e.g. IAM Identity Center's \"AWS Client VPN\" application metadata). With operator_path \"client_vpn\": required with a federated vpn_authentication_mode; null otherwise. Not used with \"instance_connect_endpoint\"."
  type        = string
  default     = null

  validation {
    condition     = var.vpn_saml_provider_arn == null || can(regex("^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc):iam::[0-9]{12}:saml-provider/[A-Za-z0-9._-]{1,128}$", coalesce(var.vpn_saml_provider_arn, "-")))
    error_message = "vpn_saml_provider_arn must be an IAM SAML provider ARN (arn:<partition>:iam::<account>:saml-provider/<name>)."
  }

  validation {
    condition     = var.operator_path != "client_vpn" || ((var.vpn_saml_provider_arn != null) == (var.vpn_authentication_mode != "certificate"))
    error_message = "With operator_path \"client_vpn\", vpn_saml_provider_arn is required with vpn_authentication_mode \"federated\" or \"certificate-and-federated\", and must be null with \"certificate\"."
  }
}

variable "vpn_authorized_group_ids" {
  description = "Identity-provider group ids (the SAML groups attribute values, e.g. IAM Identity Center group ids) whose members may reach the bastion subnets; one authorization rule per group and bastion subnet. With operator_path \"client_vpn\": required (at least one) with a federated vpn_authentication_mode; must be empty with \"certificate\". Not used with \"instance_connect_endpoint\"."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for g in var.vpn_authorized_group_ids : length(trimspace(g)) > 0 && length(g) <= 255]) && length(distinct(var.vpn_authorized_group_ids)) == length(var.vpn_authorized_group_ids)
    error_message = "vpn_authorized_group_ids must be distinct, non-empty group ids of at most 255 characters."
  }

  validation {
    condition     = var.operator_path != "client_vpn" || ((length(var.vpn_authorized_group_ids) > 0) == (var.vpn_authentication_mode != "certificate"))
    error_message = "With operator_path \"client_vpn\", vpn_authorized_group_ids must name at least one group with a federated vpn_authentication_mode (authorization then admits only those groups), and be empty with \"certificate\" (certificates carry no groups)."
  }
}

variable "vpn_association_count" {
  description = <<-EOT
    Number of AZs whose Client VPN subnets (vpn_subnets, sorted AZ order) the endpoint is associated with while
    vpn_enabled. Each association is billed per hour. Every association routes to the whole security VPC, so one
    association reaches the bastions of every AZ; what 1 gives up is availability: if that AZ fails, no operator can
    connect until the association is moved to another AZ's VPN subnet (an apply; AWS takes minutes to associate).
    2 or more: clients reconnect through a surviving AZ. See docs/adr/0151-client-vpn-associations-and-idle-endpoint.md.
  EOT
  type        = number
  default     = 2
  nullable    = false

  validation {
    condition     = var.vpn_association_count >= 1 && floor(var.vpn_association_count) == var.vpn_association_count
    error_message = "vpn_association_count must be a whole number of at least 1 (use vpn_enabled = false for none)."
  }

  validation {
    condition     = var.operator_path != "client_vpn" || var.vpn_association_count <= length(var.vpn_subnets)
    error_message = "vpn_association_count cannot exceed the number of vpn_subnets."
  }
}

variable "vpn_enabled" {
  description = <<-EOT
    Associate the Client VPN endpoint with its subnets. False keeps the endpoint, its certificates, authorization rules,
    security group and connection logs, but associates no subnet: no client can connect (connected ones are dropped) and
    the endpoint bills nothing per hour (Client VPN bills per association-hour and per connection-hour). An operator sets
    it true and applies before a session (associating takes a few minutes), and false afterwards. Dev/staging cost
    toggle; keep it true where on-call must reach the cluster at any time.
  EOT
  type        = bool
  default     = true
  nullable    = false
}

variable "vpn_transport_protocol" {
  description = "Client VPN transport protocol: \"udp\" or \"tcp\"."
  type        = string
  default     = "udp"

  validation {
    condition     = contains(["udp", "tcp"], var.vpn_transport_protocol)
    error_message = "vpn_transport_protocol must be \"udp\" or \"tcp\"."
  }
}

variable "vpn_port" {
  description = "Client VPN port: 443 or 1194."
  type        = number
  default     = 443

  validation {
    condition     = contains([443, 1194], var.vpn_port)
    error_message = "vpn_port must be 443 or 1194."
  }
}

variable "vpn_session_timeout_hours" {
  description = "Maximum Client VPN session length, in hours: 8, 10, 12 or 24. Sessions are disconnected when it is reached."
  type        = number
  default     = 8

  validation {
    condition     = contains([8, 10, 12, 24], var.vpn_session_timeout_hours)
    error_message = "vpn_session_timeout_hours must be 8, 10, 12 or 24."
  }
}

variable "vpn_dns_servers" {
  description = "Up to two DNS server IPs pushed to VPN clients. Empty: clients keep their own resolvers (the bastions are reached by IP)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = length(var.vpn_dns_servers) <= 2 && alltrue([for ip in var.vpn_dns_servers : can(regex("^[0-9]{1,3}(\\.[0-9]{1,3}){3}$", ip))])
    error_message = "vpn_dns_servers must hold at most two IPv4 addresses."
  }
}

variable "vpn_login_banner" {
  description = "Text shown by the AWS-provided client when a session starts (up to 1400 characters). Null: no banner."
  type        = string
  default     = "Authorised operators only. Connections are logged."

  validation {
    condition     = var.vpn_login_banner == null || try(length(var.vpn_login_banner) <= 1400, false)
    error_message = "vpn_login_banner must be at most 1400 characters."
  }
}

# --- Instances ---------------------------------------------------------------

variable "bastion_instance_type" {
  description = "EC2 instance type of the bastions."
  type        = string
  default     = "t3.micro"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", var.bastion_instance_type))
    error_message = "bastion_instance_type must be an EC2 instance type such as \"t3.micro\"."
  }
}

variable "jump_host_instance_type" {
  description = "EC2 instance type of the jump host."
  type        = string
  default     = "t3.small"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", var.jump_host_instance_type))
    error_message = "jump_host_instance_type must be an EC2 instance type such as \"t3.small\"."
  }
}

variable "bastion_ami_ssm_parameter" {
  description = "SSM parameter holding the bastion AMI id: the Amazon Linux 2023 public parameter by default, or the image pipeline's hardened AMI."
  type        = string
  default     = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"

  validation {
    condition     = can(regex("^/[A-Za-z0-9_./-]+$", var.bastion_ami_ssm_parameter))
    error_message = "bastion_ami_ssm_parameter must be an SSM parameter path starting with \"/\"."
  }
}

variable "jump_host_ami_ssm_parameter" {
  description = "SSM parameter holding the jump host AMI id. The jump host only relays SSH port forwards (kubectl runs on the operator's machine) and has no package repository access: it is patched by replacement with a current image (the image pipeline's in production)."
  type        = string
  default     = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"

  validation {
    condition     = can(regex("^/[A-Za-z0-9_./-]+$", var.jump_host_ami_ssm_parameter))
    error_message = "jump_host_ami_ssm_parameter must be an SSM parameter path starting with \"/\"."
  }
}

variable "root_volume_size_gb" {
  description = "Size of the encrypted gp3 root volume of every instance, in GiB: 8 to 100."
  type        = number
  default     = 20

  validation {
    condition     = var.root_volume_size_gb >= 8 && var.root_volume_size_gb <= 100 && floor(var.root_volume_size_gb) == var.root_volume_size_gb
    error_message = "root_volume_size_gb must be a whole number from 8 to 100."
  }
}

variable "ebs_kms_key_arn" {
  description = "Customer-managed KMS key for the root volumes, in this region and partition. Its key policy must let the Auto Scaling service-linked role use it (output ebs_kms_key_policy_json has the two statements) or no instance launches. Null: the account's default EBS key (aws/ebs, or the account's default CMK, which needs the same statements)."
  type        = string
  default     = null

  validation {
    condition     = var.ebs_kms_key_arn == null || can(regex("^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc):kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/.+$", coalesce(var.ebs_kms_key_arn, "-")))
    error_message = "ebs_kms_key_arn must be a KMS key or alias ARN (arn:<partition>:kms:<region>:<account>:key/<id>)."
  }
}

variable "instance_max_lifetime_days" {
  description = "Replace every bastion and the jump host after this many days (fresh instance from the current launch template). 0 disables; otherwise 1 to 365."
  type        = number
  default     = 7

  validation {
    condition     = var.instance_max_lifetime_days == 0 || (var.instance_max_lifetime_days >= 1 && var.instance_max_lifetime_days <= 365 && floor(var.instance_max_lifetime_days) == var.instance_max_lifetime_days)
    error_message = "instance_max_lifetime_days must be 0 (disabled) or a whole number from 1 to 365."
  }
}

variable "ssh_public_key" {
  description = "OpenSSH public key installed for ec2-user on the bastions and the jump host. Null: no key pair; operators push short-lived keys with EC2 Instance Connect. Never a private key."
  type        = string
  default     = null

  validation {
    condition = var.ssh_public_key == null || try(
      can(regex("^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa|sk-ssh-ed25519@openssh\\.com|sk-ecdsa-sha2-nistp256@openssh\\.com) [A-Za-z0-9+/]+={0,3}( [^\\n]*)?$", chomp(var.ssh_public_key))) &&
      !strcontains(var.ssh_public_key, "PRIVATE KEY"),
      false
    )
    error_message = "ssh_public_key must be a single OpenSSH public key line (ssh-ed25519, ecdsa-sha2-*, ssh-rsa or sk-* keys); a private key is never accepted."
  }
}

variable "bastion_patch_prefix_list_ids" {
  description = "Managed prefix lists the bastions may reach on TCP 443 for patching. Null: the region's S3 prefix list (the Amazon Linux repositories are in S3, served by the security VPC's S3 gateway endpoint)."
  type        = list(string)
  default     = null

  validation {
    condition     = var.bastion_patch_prefix_list_ids == null || alltrue([for p in coalesce(var.bastion_patch_prefix_list_ids, []) : can(regex("^pl-[0-9a-z]+$", p))])
    error_message = "bastion_patch_prefix_list_ids must be prefix list ids (pl-...)."
  }
}

variable "bastion_patch_cidrs" {
  description = "Extra IPv4 CIDRs the bastions may reach on TCP 443 for patching (e.g. a package proxy), through the LB VPC NAT gateways. /8 or longer: 0.0.0.0/0 is never allowed."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition = alltrue([
      for c in var.bastion_patch_cidrs :
      can(regex("^[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}$", c)) && try(cidrsubnet(c, 0, 0) == c && tonumber(split("/", c)[1]) >= 8, false)
    ])
    error_message = "bastion_patch_cidrs must be IPv4 network CIDRs of /8 or longer (0.0.0.0/0 is not allowed)."
  }
}

variable "jump_host_https_egress_cidrs" {
  description = "App VPC CIDRs the jump host may reach on TCP 443, the destinations of the operators' port forwards. Null: the EKS control-plane subnets (eks_control_plane_subnets), where the private API endpoint's ENIs are."
  type        = list(string)
  default     = null

  validation {
    condition     = var.jump_host_https_egress_cidrs == null || length(coalesce(var.jump_host_https_egress_cidrs, ["-"])) > 0
    error_message = "jump_host_https_egress_cidrs must be null (the EKS control-plane subnets) or name at least one CIDR: without HTTPS egress the jump host cannot relay to the API endpoint."
  }

  validation {
    condition = var.jump_host_https_egress_cidrs == null || try(alltrue([
      for c in coalesce(var.jump_host_https_egress_cidrs, []) :
      cidrsubnet(c, 0, 0) == c &&
      tonumber(split("/", c)[1]) >= tonumber(split("/", var.vpc_cidrs.app)[1]) &&
      cidrhost("${split("/", c)[0]}/${split("/", var.vpc_cidrs.app)[1]}", 0) == cidrhost(var.vpc_cidrs.app, 0)
    ]), false)
    error_message = "jump_host_https_egress_cidrs must be network CIDRs inside vpc_cidrs.app."
  }
}

# --- Logs --------------------------------------------------------------------

variable "log_retention_days" {
  description = "Retention of the Client VPN connection log group, in days. One of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "kms_key_deletion_window_days" {
  description = "Waiting period, in days, before the log KMS key is deleted after destroy: 7 to 30."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_key_deletion_window_days >= 7 && var.kms_key_deletion_window_days <= 30 && floor(var.kms_key_deletion_window_days) == var.kms_key_deletion_window_days
    error_message = "kms_key_deletion_window_days must be a whole number from 7 to 30."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
  nullable    = false
}
