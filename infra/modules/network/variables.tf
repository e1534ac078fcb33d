variable "name" {
  description = "Name prefix for every resource (e.g. \"prod-use1\"). Lower-case letters, digits and hyphens, 2-24 characters, starting with a letter."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,22}[a-z0-9]$", var.name))
    error_message = "name must be 2-24 characters of lower-case letters, digits and hyphens, start with a letter and not end with a hyphen."
  }
}

variable "az_count" {
  description = "Number of Availability Zones to spread every per-AZ subnet, NAT gateway and Transit Gateway attachment over. Allowed: 2 to 6."
  type        = number
  default     = 3

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 6 && floor(var.az_count) == var.az_count
    error_message = "az_count must be a whole number from 2 to 6 (one AZ is not highly available; the CIDR layout holds at most 6)."
  }
}

variable "azs" {
  description = "Optional explicit Availability Zone names (e.g. [\"us-east-1a\", \"us-east-1b\", \"us-east-1c\"]). The first az_count are used. Empty: the region's available, non-opt-in zones from the aws_availability_zones data source."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for az in var.azs : can(regex("^[a-z]{2}(-[a-z0-9]+)+-[0-9]+[a-z]$", az))])
    error_message = "azs must hold Availability Zone names such as \"us-east-1a\" (not zone ids such as \"use1-az1\")."
  }

  validation {
    condition     = length(distinct(var.azs)) == length(var.azs)
    error_message = "azs must not repeat an Availability Zone."
  }

  validation {
    condition     = length(var.azs) == 0 || length(var.azs) >= var.az_count
    error_message = "azs, when set, must name at least az_count Availability Zones."
  }
}

variable "vpc_cidrs" {
  description = <<-EOT
    IPv4 CIDR of each VPC: security (bastions, Client VPN ENIs), lb (public NLB, NAT gateways) and app
    (EKS nodes and pods, jump host). Each must be an RFC 1918 network address; security and lb /16 to /22,
    app /16 to /18 (it holds one pod subnet of 1/8 of the VPC per AZ); the three must not overlap.
  EOT
  type = object({
    security = string
    lb       = string
    app      = string
  })

  validation {
    condition = alltrue([
      for c in values(var.vpc_cidrs) :
      can(regex("^[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}$", c)) && can(cidrsubnet(c, 0, 0)) && try(cidrsubnet(c, 0, 0) == c, false)
    ])
    error_message = "vpc_cidrs values must be IPv4 CIDRs written as their network address (e.g. \"10.100.0.0/16\", not \"10.100.1.0/16\")."
  }

  validation {
    condition = try(alltrue([
      for c in values(var.vpc_cidrs) : anytrue([
        for r in ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] :
        tonumber(split("/", c)[1]) >= tonumber(split("/", r)[1]) &&
        cidrhost("${split("/", c)[0]}/${split("/", r)[1]}", 0) == split("/", r)[0]
      ])
    ]), true)
    error_message = "vpc_cidrs values must be private (RFC 1918) ranges inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16."
  }

  validation {
    condition = try(
      tonumber(split("/", var.vpc_cidrs.security)[1]) >= 16 && tonumber(split("/", var.vpc_cidrs.security)[1]) <= 22 &&
      tonumber(split("/", var.vpc_cidrs.lb)[1]) >= 16 && tonumber(split("/", var.vpc_cidrs.lb)[1]) <= 22 &&
      tonumber(split("/", var.vpc_cidrs.app)[1]) >= 16 && tonumber(split("/", var.vpc_cidrs.app)[1]) <= 18,
      true
    )
    error_message = "vpc_cidrs prefix lengths: security and lb must be /16 to /22, app must be /16 to /18 (so one /19-/21 pod subnet per AZ, six AZs, fits)."
  }

  validation {
    condition = try(!anytrue([
      for pair in [["security", "lb"], ["security", "app"], ["lb", "app"]] :
      cidrhost("${split("/", var.vpc_cidrs[pair[0]])[0]}/${min(tonumber(split("/", var.vpc_cidrs[pair[0]])[1]), tonumber(split("/", var.vpc_cidrs[pair[1]])[1]))}", 0) ==
      cidrhost("${split("/", var.vpc_cidrs[pair[1]])[0]}/${min(tonumber(split("/", var.vpc_cidrs[pair[0]])[1]), tonumber(split("/", var.vpc_cidrs[pair[1]])[1]))}", 0)
    ]), true)
    error_message = "vpc_cidrs must not overlap: the security, lb and app VPCs are joined by a Transit Gateway or VPC peerings and need distinct ranges."
  }
}

variable "interconnect" {
  description = <<-EOT
    How the three VPCs are joined. "transit_gateway" (default, prod and staging): one Transit Gateway with a route table
    per VPC role, static routes for the allowed flows and RFC 1918 blackholes behind every default route. "peering"
    (dev cost, docs/cost.md): two same-account VPC peerings, lb <-> app and security <-> app (none between security and
    lb), with VPC routes for the same flows minus those that need transit: no default route from the security VPC (the
    bastions patch through their S3 endpoint only), no app_internet_egress, no TGW attachment subnets.
  EOT
  type        = string
  default     = "transit_gateway"
  nullable    = false

  validation {
    condition     = contains(["transit_gateway", "peering"], var.interconnect)
    error_message = "interconnect must be \"transit_gateway\" (the default: a Transit Gateway with per-role route tables) or \"peering\" (VPC peerings lb <-> app and security <-> app, for dev cost)."
  }
}

variable "security_vpc_peering" {
  description = <<-EOT
    With interconnect = "peering": peer the security VPC with the app VPC for the bastions' SSH to the jump host, with
    its routes. False when there are no bastions (modules/access operator_path = "instance_connect_endpoint"): no
    security <-> app peering and no route between the two VPCs, so the security VPC reaches nothing. Ignored with the
    Transit Gateway.
  EOT
  type        = bool
  default     = true
  nullable    = false
}

variable "nat_gateway_enabled" {
  description = <<-EOT
    Create the LB VPC NAT gateways (and their Elastic IPs), the region's only way to the internet from the security VPC
    (bastion and image build egress) and, with app_internet_egress, from the app VPC. False: no NAT gateway, no NAT EIP,
    no route towards a NAT gateway (with the Transit Gateway also no security-VPC default route and no return routes for
    NAT'd bastion traffic); single_nat_gateway is then ignored. With interconnect = "peering" a NAT gateway can serve
    nothing (peering has no edge-to-edge routing), so dev sets it false.
  EOT
  type        = bool
  default     = true
  nullable    = false
}

variable "single_nat_gateway" {
  description = "Create one NAT gateway (in the first AZ) instead of one per AZ. Cheaper for dev; an AZ outage then cuts the region's egress. Ignored when nat_gateway_enabled is false."
  type        = bool
  default     = false
  nullable    = false
}

variable "app_internet_egress" {
  description = "Give the app VPC's node/pod subnets a default route to the internet through the LB VPC NAT gateways. Off by default: the app VPC reaches AWS only through VPC endpoints. Needs interconnect = \"transit_gateway\" and nat_gateway_enabled = true."
  type        = bool
  default     = false
  nullable    = false

  validation {
    condition     = !var.app_internet_egress || var.interconnect == "transit_gateway"
    error_message = "app_internet_egress = true is allowed only with interconnect = \"transit_gateway\": a VPC peering has no edge-to-edge routing, so the app VPC cannot reach the LB VPC's NAT gateways through it. Use interconnect = \"transit_gateway\" or app_internet_egress = false."
  }

  validation {
    condition     = !var.app_internet_egress || var.nat_gateway_enabled
    error_message = "app_internet_egress = true is allowed only with nat_gateway_enabled = true: the app VPC's default route leads to the LB VPC's NAT gateways. Set nat_gateway_enabled = true or app_internet_egress = false."
  }
}

variable "interface_endpoints" {
  description = <<-EOT
    Short service names of the interface VPC endpoints created in the app VPC (com.amazonaws.<region>.<name>), all with
    private DNS and the endpoint policy of endpoint_organization_id / endpoint_account_ids; each one's DNS name is also
    allowed by the DNS Firewall. S3 is always a gateway endpoint and must not be listed. The default has no ssm,
    ssmmessages or ec2messages: nothing in the platform uses Systems Manager (the jump host has no Session Manager,
    ADR 0104); add "ssm" only for a workload that reads Parameter Store.
  EOT
  type        = set(string)
  default = [
    "autoscaling",
    "ec2",
    "ecr.api",
    "ecr.dkr",
    "eks",
    "eks-auth",
    "elasticloadbalancing",
    "kms",
    "logs",
    "monitoring",
    "secretsmanager",
    "sts",
  ]
  nullable = false

  validation {
    condition     = alltrue([for s in var.interface_endpoints : can(regex("^[a-z0-9-]+(\\.[a-z0-9-]+)*$", s)) && !startswith(s, "com.amazonaws.")])
    error_message = "interface_endpoints must be short service names such as \"ecr.api\" or \"sts\" (lower-case, no \"com.amazonaws.<region>.\" prefix)."
  }

  validation {
    condition     = !contains(var.interface_endpoints, "s3")
    error_message = "interface_endpoints must not contain \"s3\": S3 is always created as a gateway endpoint."
  }
}

variable "interface_endpoint_az_count" {
  description = <<-EOT
    Number of Availability Zones whose intra subnets hold the interface endpoints' ENIs: the first N of the module's AZs
    (in azs order). Null (default): every AZ. Each endpoint is billed per AZ-hour, so fewer AZs cost less, and give up
    availability: nodes and pods in an AZ without endpoint ENIs reach them across AZs (per-GB cross-AZ charges, a little
    latency), and an outage of the endpoint AZs takes the AWS APIs (ECR image pulls, Pod Identity credentials, logs,
    secrets, target registration, autoscaling) away from the surviving AZs too, although their nodes are healthy. With 1,
    one AZ's outage cuts the whole cluster off from AWS. The DNS names, policies and DNS Firewall rules do not change.
    Whole number from 1 to az_count.
  EOT
  type        = number
  default     = null

  validation {
    condition = var.interface_endpoint_az_count == null || try(
      var.interface_endpoint_az_count >= 1 && var.interface_endpoint_az_count <= var.az_count && floor(var.interface_endpoint_az_count) == var.interface_endpoint_az_count,
      false
    )
    error_message = "interface_endpoint_az_count must be null (every AZ) or a whole number from 1 to az_count: endpoint ENIs can only go in the module's own AZs."
  }
}

variable "eks_cluster_name" {
  description = "Name of the EKS cluster that will use the app VPC, for the kubernetes.io/cluster/<name> subnet tag. Null: var.name."
  type        = string
  default     = null

  validation {
    condition     = var.eks_cluster_name == null || can(regex("^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$", var.eks_cluster_name))
    error_message = "eks_cluster_name must be a valid EKS cluster name: 1-100 letters, digits, hyphens or underscores, starting with a letter or digit."
  }
}

variable "app_private_subnet_tags" {
  description = "Extra tags for the app VPC node/pod subnets (e.g. {\"karpenter.sh/discovery\" = \"<cluster>\"})."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "transit_gateway_asn" {
  description = "Private ASN of the Transit Gateway's Amazon side: 64512-65534 or 4200000000-4294967294."
  type        = number
  default     = 64512

  validation {
    condition     = (var.transit_gateway_asn >= 64512 && var.transit_gateway_asn <= 65534) || (var.transit_gateway_asn >= 4200000000 && var.transit_gateway_asn <= 4294967294)
    error_message = "transit_gateway_asn must be a private ASN: 64512-65534 or 4200000000-4294967294."
  }
}

variable "security_s3_object_arns" {
  description = "Object ARNs the security VPC's S3 gateway endpoint allows s3:GetObject on (the bastions' package repositories). Null: the Amazon Linux 2023 repository bucket of the region, arn:<partition>:s3:::al2023-repos-<region>-de612dc2/*. The ARNs must be of the deployment's partition (checked at plan)."
  type        = list(string)
  default     = null

  validation {
    condition = var.security_s3_object_arns == null || alltrue([
      for a in coalesce(var.security_s3_object_arns, []) :
      can(regex("^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc):s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.+$", a))
    ])
    error_message = "security_s3_object_arns must be S3 object ARNs naming one bucket exactly (arn:<partition>:s3:::<bucket>/<key pattern>): no wildcard in the bucket name, since anyone can create a bucket that matches one."
  }
}

variable "endpoint_organization_id" {
  description = <<-EOT
    AWS Organizations id (o-...) of the organisation whose principals may use the app VPC's endpoints and whose buckets the
    S3 gateway endpoint may reach (conditions aws:PrincipalOrgID / aws:ResourceOrgID). Null: endpoint_account_ids plus
    this account (aws:PrincipalAccount / aws:ResourceAccount). Set one of the two, not both.
  EOT
  type        = string
  default     = null

  validation {
    condition     = var.endpoint_organization_id == null || can(regex("^o-[a-z0-9]{10,32}$", coalesce(var.endpoint_organization_id, "o-")))
    error_message = "endpoint_organization_id must be an AWS Organizations id: \"o-\" followed by 10 to 32 lower-case letters or digits."
  }
}

variable "endpoint_account_ids" {
  description = "Without endpoint_organization_id: further AWS account ids (besides this one) whose principals may use the app VPC's endpoints and whose buckets the S3 endpoint may reach. Empty: this account only."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for a in var.endpoint_account_ids : can(regex("^[0-9]{12}$", a))])
    error_message = "endpoint_account_ids must be 12-digit AWS account ids."
  }

  validation {
    condition     = var.endpoint_organization_id == null || length(var.endpoint_account_ids) == 0
    error_message = "Set endpoint_organization_id or endpoint_account_ids, not both: with an organisation, every account in it is already trusted."
  }
}

variable "app_s3_bucket_names" {
  description = <<-EOT
    Explicit list of the buckets the app VPC's S3 gateway endpoint may reach (any S3 action, by this organisation's or
    these accounts' principals), instead of every bucket of the organisation/accounts. Null: the organisation's/accounts'
    buckets (aws:ResourceOrgID / aws:ResourceAccount). [] : none. The ECR layer bucket and the Amazon Linux repository
    bucket of the region are always readable.
  EOT
  type        = list(string)
  default     = null

  validation {
    condition     = var.app_s3_bucket_names == null || alltrue([for b in coalesce(var.app_s3_bucket_names, []) : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", b))])
    error_message = "app_s3_bucket_names must be S3 bucket names (3-63 lower-case letters, digits, dots and hyphens; no wildcards, no ARNs)."
  }
}

variable "dns_firewall_allowed_domains" {
  description = <<-EOT
    Extra domain names the app VPC's DNS Firewall answers, besides the interface endpoints', S3's and the cluster's own
    (e.g. "api.example.com", or "*.example.com" for its subdomains). Needed for every internet host a workload reaches
    when app_internet_egress is on. A wildcard may only be a leading "*." over at least two labels.
  EOT
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition = alltrue([
      for d in var.dns_firewall_allowed_domains :
      length(d) <= 255 && can(regex("^(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", d))
    ])
    error_message = "dns_firewall_allowed_domains must be lower-case domain names of at least two labels, optionally starting with \"*.\" (e.g. \"*.example.com\"); \"*\" alone or \"*.com\" would allow everything or a whole top-level domain."
  }
}

variable "dns_firewall_fail_open" {
  description = "Let DNS queries through when DNS Firewall cannot evaluate them. False (fail closed): the resolver does not answer instead; a DNS Firewall impairment then stops name resolution in the app VPC."
  type        = bool
  default     = false
  nullable    = false
}

variable "dns_query_log_retention_days" {
  description = "Retention of the app VPC's DNS query log group, in days. One of the CloudWatch Logs values: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.dns_query_log_retention_days)
    error_message = "dns_query_log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (0, never expire, is not allowed)."
  }
}

variable "flow_log_retention_days" {
  description = "Retention of the VPC flow log groups, in days. One of the CloudWatch Logs values: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_log_retention_days)
    error_message = "flow_log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (0, never expire, is not allowed)."
  }
}

variable "flow_log_max_aggregation_interval" {
  description = "Maximum interval, in seconds, over which a flow log record is captured: 60 or 600."
  type        = number
  default     = 60

  validation {
    condition     = contains([60, 600], var.flow_log_max_aggregation_interval)
    error_message = "flow_log_max_aggregation_interval must be 60 or 600."
  }
}

variable "kms_key_deletion_window_days" {
  description = "Waiting period, in days, before the flow log KMS key is deleted after destroy: 7 to 30."
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
