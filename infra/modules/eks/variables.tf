variable "name" {
  description = "Name of the EKS cluster and prefix of every resource (e.g. \"org-app-prod-use1\"). Lower-case letters, digits and hyphens, 2-24 characters, starting with a letter."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,22}[a-z0-9]$", var.name))
    error_message = "name must be 2-24 characters of lower-case letters, digits and hyphens, start with a letter and not end with a hyphen."
  }
}

variable "kubernetes_version" {
  description = "Kubernetes minor version of the control plane and the node groups (e.g. \"1.36\", the newest EKS standard-support version when this module was written). 1.33 or newer."
  type        = string
  default     = "1.36"
  nullable    = false

  validation {
    condition     = can(regex("^1\\.[0-9]{2}$", var.kubernetes_version)) && try(tonumber(split(".", var.kubernetes_version)[1]) >= 33, false)
    error_message = "kubernetes_version must be a Kubernetes minor version such as \"1.36\", 1.33 or newer (older versions are in EKS extended support or ship only Amazon Linux 2 nodes)."
  }
}

variable "support_type" {
  description = "EKS upgrade policy: STANDARD (the cluster is upgraded when standard support ends; no extended-support charges) or EXTENDED."
  type        = string
  default     = "STANDARD"

  validation {
    condition     = contains(["STANDARD", "EXTENDED"], var.support_type)
    error_message = "support_type must be STANDARD or EXTENDED."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the cluster while true (turn off, apply, then destroy). Recommended true in prod."
  type        = bool
  default     = false
  nullable    = false
}

# --- Network (plain ids and CIDRs from modules/network) ----------------------

variable "vpc_id" {
  description = "Id of the app VPC (modules/network output vpc_ids.app): cluster and node security groups."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-z]+$", var.vpc_id))
    error_message = "vpc_id must be a VPC id (vpc-...)."
  }
}

variable "vpc_cidr" {
  description = "CIDR of the app VPC (modules/network output vpc_cidrs.app). Its base + 2 is the VPC DNS resolver the nodes query."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}$", var.vpc_cidr)) && try(cidrsubnet(var.vpc_cidr, 0, 0) == var.vpc_cidr, false)
    error_message = "vpc_cidr must be an IPv4 CIDR written as its network address (e.g. \"10.100.0.0/16\")."
  }
}

variable "node_subnet_ids" {
  description = "Node and pod subnet id by AZ, { <az> = \"subnet-...\" } (modules/network output app_private_subnet_ids). One managed node group per entry (node_group_layout = \"per_az\") or one group over all of them (\"spanning\"). 2 to 6 AZs of one region."
  type        = map(string)

  validation {
    condition     = length(var.node_subnet_ids) >= 2 && length(var.node_subnet_ids) <= 6
    error_message = "node_subnet_ids must hold 2 to 6 subnets, one per AZ (one AZ is not highly available)."
  }

  validation {
    condition = alltrue([
      for az, id in var.node_subnet_ids :
      can(regex("^[a-z]{2}(-[a-z0-9]+)+-[0-9]+[a-z]$", az)) && can(regex("^subnet-[0-9a-z]+$", id))
    ])
    error_message = "node_subnet_ids must map Availability Zone names (e.g. \"us-east-1a\", not zone ids) to subnet ids (subnet-...)."
  }

  validation {
    condition     = length(distinct([for az in keys(var.node_subnet_ids) : substr(az, 0, length(az) - 1)])) == 1
    error_message = "node_subnet_ids must name AZs of one region that differ only in their last letter (e.g. us-east-1a, us-east-1b): node groups are named by that letter."
  }

  validation {
    condition     = length(distinct(values(var.node_subnet_ids))) == length(var.node_subnet_ids)
    error_message = "node_subnet_ids must not repeat a subnet."
  }
}

variable "control_plane_subnet_ids" {
  description = "Subnet id by AZ for the EKS control-plane ENIs, { <az> = \"subnet-...\" } (modules/network output app_intra_subnet_ids). At least two AZs."
  type        = map(string)

  validation {
    condition     = length(var.control_plane_subnet_ids) >= 2 && length(distinct(values(var.control_plane_subnet_ids))) == length(var.control_plane_subnet_ids)
    error_message = "control_plane_subnet_ids must hold at least two distinct subnets in different AZs (an EKS requirement)."
  }

  validation {
    condition     = alltrue([for id in values(var.control_plane_subnet_ids) : can(regex("^subnet-[0-9a-z]+$", id))])
    error_message = "control_plane_subnet_ids values must be subnet ids (subnet-...)."
  }
}

variable "jump_host_cidrs" {
  description = "CIDR(s) of the jump-host subnet(s) (modules/network output app_jump_cidr): the only operator source the cluster security group admits on 443. Private (RFC 1918), /16 or longer."
  type        = list(string)

  validation {
    condition     = length(var.jump_host_cidrs) >= 1
    error_message = "jump_host_cidrs must hold at least one CIDR (operators reach the private endpoint through the jump host)."
  }

  validation {
    condition = alltrue([
      for c in var.jump_host_cidrs :
      can(regex("^[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}$", c)) && try(cidrsubnet(c, 0, 0) == c, false) && try(tonumber(split("/", c)[1]) >= 16, false) &&
      try(anytrue([for r in ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] : cidrhost("${split("/", c)[0]}/${split("/", r)[1]}", 0) == split("/", r)[0]]), false)
    ])
    error_message = "jump_host_cidrs must be private (RFC 1918) IPv4 network CIDRs of /16 or longer, e.g. \"10.100.254.0/24\" (never 0.0.0.0/0)."
  }
}

variable "ci_runner_cidrs" {
  description = "Optional CIDRs of self-hosted CI runners that reach the private endpoint on 443 (e.g. a runner subnet in the app VPC). Private (RFC 1918), /16 or longer; 0.0.0.0/0 is rejected."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = !contains(var.ci_runner_cidrs, "0.0.0.0/0")
    error_message = "ci_runner_cidrs must not contain 0.0.0.0/0: the API endpoint is private and admits named runner subnets only."
  }

  validation {
    condition = alltrue([
      for c in var.ci_runner_cidrs :
      can(regex("^[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}$", c)) && try(cidrsubnet(c, 0, 0) == c, false) && try(tonumber(split("/", c)[1]) >= 16, false) &&
      try(anytrue([for r in ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] : cidrhost("${split("/", c)[0]}/${split("/", r)[1]}", 0) == split("/", r)[0]]), false)
    ])
    error_message = "ci_runner_cidrs must be private (RFC 1918) IPv4 network CIDRs of /16 or longer, e.g. \"10.100.253.0/24\"."
  }
}

variable "lb_public_subnet_cidrs" {
  description = "CIDRs of the LB VPC public subnets holding the NLB (modules/network subnets.lb_public[*].cidr_block): the only sources of the gateway port on the nodes (NLB client IP preservation is off for ip targets)."
  type        = list(string)

  validation {
    condition     = length(var.lb_public_subnet_cidrs) >= 1
    error_message = "lb_public_subnet_cidrs must hold at least one CIDR."
  }

  validation {
    condition = alltrue([
      for c in var.lb_public_subnet_cidrs :
      can(regex("^[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}$", c)) && try(cidrsubnet(c, 0, 0) == c, false) && try(tonumber(split("/", c)[1]) >= 16, false) &&
      try(anytrue([for r in ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] : cidrhost("${split("/", c)[0]}/${split("/", r)[1]}", 0) == split("/", r)[0]]), false)
    ])
    error_message = "lb_public_subnet_cidrs must be private (RFC 1918) IPv4 network CIDRs of /16 or longer (the NLB's subnet addresses, never 0.0.0.0/0)."
  }
}

variable "vpc_endpoint_cidrs" {
  description = "CIDRs of the app VPC subnets holding the interface VPC endpoints (modules/network subnets.app_intra[*].cidr_block): nodes send HTTPS there (ECR, STS, EKS Auth, Logs, ...). Inside vpc_cidr."
  type        = list(string)

  validation {
    condition     = length(var.vpc_endpoint_cidrs) >= 1
    error_message = "vpc_endpoint_cidrs must hold at least one CIDR: the nodes have no other way to AWS APIs."
  }

  validation {
    condition = alltrue([
      for c in var.vpc_endpoint_cidrs :
      can(regex("^[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}$", c)) && try(cidrsubnet(c, 0, 0) == c, false) &&
      try(tonumber(split("/", c)[1]) >= tonumber(split("/", var.vpc_cidr)[1]) && cidrhost("${split("/", c)[0]}/${split("/", var.vpc_cidr)[1]}", 0) == cidrhost(var.vpc_cidr, 0), false)
    ])
    error_message = "vpc_endpoint_cidrs must be IPv4 network CIDRs inside vpc_cidr."
  }
}

variable "s3_prefix_list_id" {
  description = "Managed prefix list of S3 in this region (ECR image layers come from S3 through the gateway endpoint). Null: looked up by name (com.amazonaws.<region>.s3)."
  type        = string
  default     = null

  validation {
    condition     = var.s3_prefix_list_id == null || can(regex("^pl-[0-9a-z]+$", var.s3_prefix_list_id))
    error_message = "s3_prefix_list_id must be a prefix list id (pl-...) or null."
  }
}

variable "gateway_port" {
  description = "Port of the NGINX Gateway Fabric data-plane pods, the NLB target group port: admitted on the nodes from the LB VPC public subnets."
  type        = number
  default     = 80

  validation {
    condition     = var.gateway_port >= 1 && var.gateway_port <= 65535 && floor(var.gateway_port) == var.gateway_port
    error_message = "gateway_port must be a whole number from 1 to 65535."
  }
}

variable "cluster_to_node_ports" {
  description = "TCP ports the control plane opens to nodes and pods: kubelet (10250, required) and webhooks / aggregated APIs (443; 9443 AWS Load Balancer Controller and CloudWatch operator webhooks; 10251 the metrics-server add-on)."
  type        = list(number)
  default     = [443, 9443, 10250, 10251]
  nullable    = false

  validation {
    condition     = contains(var.cluster_to_node_ports, 10250)
    error_message = "cluster_to_node_ports must contain 10250: the control plane reaches every kubelet there (logs, exec, port-forward)."
  }

  validation {
    condition     = alltrue([for p in var.cluster_to_node_ports : p >= 1 && p <= 65535 && floor(p) == p]) && length(distinct(var.cluster_to_node_ports)) == length(var.cluster_to_node_ports)
    error_message = "cluster_to_node_ports must be distinct whole numbers from 1 to 65535."
  }
}

variable "service_ipv4_cidr" {
  description = "CIDR Kubernetes Service IPs come from. Private (RFC 1918), /12 to /24, and not overlapping the app VPC or the LB VPC subnets (pods would lose the routes to them)."
  type        = string
  default     = "172.20.0.0/16"

  validation {
    condition = (
      can(regex("^[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}$", var.service_ipv4_cidr)) && try(cidrsubnet(var.service_ipv4_cidr, 0, 0) == var.service_ipv4_cidr, false) &&
      try(tonumber(split("/", var.service_ipv4_cidr)[1]) >= 12 && tonumber(split("/", var.service_ipv4_cidr)[1]) <= 24, false) &&
      try(anytrue([for r in ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] : cidrhost("${split("/", var.service_ipv4_cidr)[0]}/${split("/", r)[1]}", 0) == split("/", r)[0]]), false)
    )
    error_message = "service_ipv4_cidr must be a private (RFC 1918) IPv4 network CIDR from /12 to /24, e.g. \"172.20.0.0/16\"."
  }

  validation {
    condition = try(!anytrue([
      for c in concat([var.vpc_cidr], var.lb_public_subnet_cidrs) :
      cidrhost("${split("/", var.service_ipv4_cidr)[0]}/${min(tonumber(split("/", var.service_ipv4_cidr)[1]), tonumber(split("/", c)[1]))}", 0) ==
      cidrhost("${split("/", c)[0]}/${min(tonumber(split("/", var.service_ipv4_cidr)[1]), tonumber(split("/", c)[1]))}", 0)
    ]), true)
    error_message = "service_ipv4_cidr must not overlap vpc_cidr or lb_public_subnet_cidrs."
  }
}

# --- Access ------------------------------------------------------------------

variable "access_entries" {
  description = <<-EOT
    EKS access entries, one per operator IAM role: { "<role ARN>" = { policy, scope, namespaces } }.
    policy: an EKS access policy, by short name (e.g. "AmazonEKSClusterAdminPolicy", "AmazonEKSAdminPolicy",
    "AmazonEKSEditPolicy", "AmazonEKSViewPolicy") or ARN (arn:aws:eks::aws:cluster-access-policy/...).
    scope: "cluster" (default) or "namespace" with namespaces. This map is the only way into the cluster
    besides ci_deploy_role_arn: no bootstrap admin, no aws-auth ConfigMap, no entry for the jump host.
  EOT
  type = map(object({
    policy     = string
    scope      = optional(string, "cluster")
    namespaces = optional(list(string), [])
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for arn in keys(var.access_entries) : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/([A-Za-z0-9+=,.@_-]+/)*[A-Za-z0-9+=,.@_-]{1,64}$", arn))])
    error_message = "access_entries keys must be IAM role ARNs (arn:aws:iam::<account>:role/<path/><name>); operators use roles, not IAM users."
  }

  validation {
    condition = alltrue([
      for e in values(var.access_entries) :
      can(regex("^(AmazonEKS[A-Za-z0-9]+Policy|arn:aws[a-z-]*:eks::aws:cluster-access-policy/[A-Za-z0-9]+)$", e.policy))
    ])
    error_message = "access_entries policy must be an EKS access policy short name such as \"AmazonEKSViewPolicy\" or its ARN arn:aws:eks::aws:cluster-access-policy/<name>."
  }

  validation {
    condition = alltrue([
      for e in values(var.access_entries) :
      (e.scope == "cluster" && length(e.namespaces) == 0) || (e.scope == "namespace" && length(e.namespaces) > 0)
    ])
    error_message = "access_entries scope must be \"cluster\" (no namespaces) or \"namespace\" with at least one namespace."
  }

  validation {
    condition = alltrue(flatten([
      for e in values(var.access_entries) : [for ns in e.namespaces : can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", ns))]
    ]))
    error_message = "access_entries namespaces must be Kubernetes namespace names (lower-case DNS labels, at most 63 characters)."
  }
}

variable "api_client_security_group_ids" {
  description = "Security groups, by a static label, whose members reach the private API endpoint on 443 (e.g. { deploy-executor = <the deploy executor's group> }, ADR 0407): a rule naming the group, narrower than ci_runner_cidrs. The label keys the rule, so ids may be unknown until apply."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for k, id in var.api_client_security_group_ids : can(regex("^[a-z][a-z0-9-]{0,40}$", k)) && can(regex("^sg-[0-9a-z]+$", id))])
    error_message = "api_client_security_group_ids must map short lower-case labels (e.g. \"deploy-executor\") to security group ids (sg-...)."
  }
}

variable "ci_deploy_role_arn" {
  description = "IAM role of the CI deploy pipeline (GitHub OIDC): gets an access entry with ci_deploy_access_policy. Null: none. CI reaches the private endpoint from a runner in ci_runner_cidrs or through the jump host."
  type        = string
  default     = null

  validation {
    condition     = var.ci_deploy_role_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/([A-Za-z0-9+=,.@_-]+/)*[A-Za-z0-9+=,.@_-]{1,64}$", var.ci_deploy_role_arn))
    error_message = "ci_deploy_role_arn must be an IAM role ARN (arn:aws:iam::<account>:role/<name>) or null."
  }

  validation {
    condition     = var.ci_deploy_role_arn == null || !contains(keys(var.access_entries), coalesce(var.ci_deploy_role_arn, "-"))
    error_message = "ci_deploy_role_arn must not also be a key of access_entries (a principal has one access entry)."
  }
}

variable "ci_deploy_access_policy" {
  description = "EKS access policy of the CI deploy role at cluster scope (short name or ARN). Default cluster admin: the platform deploy installs CRDs and cluster roles."
  type        = string
  default     = "AmazonEKSClusterAdminPolicy"

  validation {
    condition     = can(regex("^(AmazonEKS[A-Za-z0-9]+Policy|arn:aws[a-z-]*:eks::aws:cluster-access-policy/[A-Za-z0-9]+)$", var.ci_deploy_access_policy))
    error_message = "ci_deploy_access_policy must be an EKS access policy short name such as \"AmazonEKSClusterAdminPolicy\" or its ARN."
  }
}

# --- Node pool ---------------------------------------------------------------

variable "node_instance_types" {
  description = "Instance types of every node group (the same list everywhere, so Cluster Autoscaler sees the groups as similar and balances them). Must match node_ami_type's architecture."
  type        = list(string)
  default     = ["m7i.large"]

  validation {
    condition     = length(var.node_instance_types) >= 1 && alltrue([for t in var.node_instance_types : can(regex("^[a-z][a-z0-9-]*[0-9][a-z0-9-]*\\.[a-z0-9]+$", t))])
    error_message = "node_instance_types must hold at least one instance type such as \"m7i.large\"."
  }
}

variable "node_ami_type" {
  description = "EKS-optimized AMI of the managed node groups: AL2023_x86_64_STANDARD or AL2023_ARM_64_STANDARD (Amazon Linux 2 is out of support)."
  type        = string
  default     = "AL2023_x86_64_STANDARD"

  validation {
    condition     = contains(["AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD"], var.node_ami_type)
    error_message = "node_ami_type must be AL2023_x86_64_STANDARD or AL2023_ARM_64_STANDARD."
  }
}

variable "node_capacity_type" {
  description = "ON_DEMAND or SPOT."
  type        = string
  default     = "ON_DEMAND"

  validation {
    condition     = contains(["ON_DEMAND", "SPOT"], var.node_capacity_type)
    error_message = "node_capacity_type must be ON_DEMAND or SPOT."
  }
}

variable "node_group_layout" {
  description = <<-EOT
    How the managed node groups cover the AZs of node_subnet_ids. "per_az" (default, the design): one node group per AZ,
    Cluster Autoscaler balances the zones, at least node_min_size_per_az nodes in every AZ. "spanning": one node group whose
    subnets are every AZ's node subnet; its Auto Scaling group spreads nodes across the AZs as it scales, and the minimum
    can be one node in total (spanning_node_group_size). Meant for dev cost (docs/cost.md): with one node, a node
    replacement or the loss of its AZ stops the workload until a new node joins.
  EOT
  type        = string
  default     = "per_az"
  nullable    = false

  validation {
    condition     = contains(["per_az", "spanning"], var.node_group_layout)
    error_message = "node_group_layout must be \"per_az\" (one managed node group per AZ; Cluster Autoscaler balances the zones; minimum one node per AZ) or \"spanning\" (one managed node group over every AZ's node subnet; its Auto Scaling group spreads nodes across the AZs as it scales; minimum can be one node in total)."
  }
}

variable "spanning_node_group_size" {
  description = "Minimum, initial and maximum nodes of the one node group of node_group_layout = \"spanning\" (whole numbers, 1 <= min_size <= desired_size <= max_size <= 100). desired_size is only used at creation: Cluster Autoscaler owns it afterwards. Ignored with \"per_az\"."
  type = object({
    min_size     = number
    desired_size = number
    max_size     = number
  })
  default = {
    min_size     = 1
    desired_size = 1
    max_size     = 4
  }
  nullable = false

  validation {
    condition = try(alltrue([
      for n in [var.spanning_node_group_size.min_size, var.spanning_node_group_size.desired_size, var.spanning_node_group_size.max_size] :
      floor(n) == n && n >= 1 && n <= 100
    ]), false)
    error_message = "spanning_node_group_size min_size, desired_size and max_size must each be a whole number from 1 to 100 (the group keeps at least one node)."
  }

  validation {
    condition = try(
      var.spanning_node_group_size.min_size <= var.spanning_node_group_size.desired_size &&
      var.spanning_node_group_size.desired_size <= var.spanning_node_group_size.max_size,
      false
    )
    error_message = "spanning_node_group_size must satisfy min_size <= desired_size <= max_size."
  }
}

variable "node_min_size_per_az" {
  description = "Minimum nodes of each AZ's node group: at least 1, so every AZ always has a node for the zone-spread pods. Used only with node_group_layout = \"per_az\" (\"spanning\" takes spanning_node_group_size)."
  type        = number
  default     = 1

  validation {
    condition     = var.node_min_size_per_az >= 1 && var.node_min_size_per_az <= 100 && floor(var.node_min_size_per_az) == var.node_min_size_per_az
    error_message = "node_min_size_per_az must be a whole number from 1 to 100 (every AZ keeps at least one node)."
  }
}

variable "node_max_size_per_az" {
  description = "Maximum nodes of each AZ's node group (Cluster Autoscaler's ceiling). Used only with node_group_layout = \"per_az\"."
  type        = number
  default     = 3

  validation {
    condition     = var.node_max_size_per_az >= 1 && var.node_max_size_per_az <= 100 && floor(var.node_max_size_per_az) == var.node_max_size_per_az
    error_message = "node_max_size_per_az must be a whole number from 1 to 100."
  }

  validation {
    condition     = var.node_max_size_per_az >= var.node_min_size_per_az
    error_message = "node_max_size_per_az must be at least node_min_size_per_az."
  }
}

variable "node_desired_size_per_az" {
  description = "Initial nodes of each AZ's node group. Only used at creation: Cluster Autoscaler owns the desired size afterwards (ignored in later plans). Used only with node_group_layout = \"per_az\"."
  type        = number
  default     = 1

  validation {
    condition     = floor(var.node_desired_size_per_az) == var.node_desired_size_per_az && var.node_desired_size_per_az >= var.node_min_size_per_az && var.node_desired_size_per_az <= var.node_max_size_per_az
    error_message = "node_desired_size_per_az must be a whole number from node_min_size_per_az to node_max_size_per_az."
  }
}

variable "node_max_unavailable" {
  description = "Nodes of one group replaced at a time during a node group update (update_config.max_unavailable)."
  type        = number
  default     = 1

  validation {
    condition     = var.node_max_unavailable >= 1 && var.node_max_unavailable <= 100 && floor(var.node_max_unavailable) == var.node_max_unavailable
    error_message = "node_max_unavailable must be a whole number from 1 to 100."
  }
}

variable "node_root_volume_size_gb" {
  description = "Size of each node's encrypted gp3 root volume, in GiB (images and emptyDir live there)."
  type        = number
  default     = 50

  validation {
    condition     = var.node_root_volume_size_gb >= 20 && var.node_root_volume_size_gb <= 1000 && floor(var.node_root_volume_size_gb) == var.node_root_volume_size_gb
    error_message = "node_root_volume_size_gb must be a whole number from 20 to 1000."
  }
}

variable "node_root_volume_kms_key_arn" {
  description = "KMS key of the node root volumes. Null: the account's aws/ebs key. A customer key must let the AWSServiceRoleForAutoScaling role use it."
  type        = string
  default     = null

  validation {
    condition     = var.node_root_volume_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/.+$", var.node_root_volume_kms_key_arn))
    error_message = "node_root_volume_kms_key_arn must be a KMS key or alias ARN, or null."
  }
}

variable "node_auto_repair" {
  description = "EKS node auto repair: replace nodes whose health checks fail."
  type        = bool
  default     = true
  nullable    = false
}

variable "node_labels" {
  description = "Kubernetes labels of every node (the same on every group, so Cluster Autoscaler sees them as similar)."
  type        = map(string)
  default     = {}
  nullable    = false
}

# --- Add-ons -----------------------------------------------------------------

variable "pull_through_cache_prefixes" {
  description = <<-EOT
    Repository prefixes of the registry's ECR pull-through cache rules in this region (modules/registry output
    pull_through_prefixes keys: ecr-public, k8s, ghcr). The node role may create repositories and import upstream images
    under exactly these prefixes (arn:<partition>:ecr:<region>:<account>:repository/<prefix>/*), so the first pull of a
    third-party image fills the cache: AmazonEC2ContainerRegistryPullOnly grants ecr:BatchImportUpstreamImage but not
    ecr:CreateRepository. Empty: no such grant (images only from repositories that already exist).
  EOT
  type        = list(string)
  default     = ["ecr-public", "k8s", "ghcr"]
  nullable    = false

  validation {
    condition = alltrue([
      for p in var.pull_through_cache_prefixes :
      length(p) >= 2 && length(p) <= 30 && can(regex("^[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$", p))
    ]) && length(distinct(var.pull_through_cache_prefixes)) == length(var.pull_through_cache_prefixes)
    error_message = "pull_through_cache_prefixes must be distinct ECR repository prefixes of 2-30 characters (lower-case letters, digits, '.', '_', '-', '/'; no wildcard, no trailing '/'), e.g. \"ecr-public\"."
  }
}

variable "addon_versions" {
  description = "Version of each managed add-on (e.g. \"v1.20.4-eksbuild.1\"). A null or missing attribute: the add-on's default version for kubernetes_version (it follows a cluster upgrade)."
  type = object({
    vpc_cni                         = optional(string)
    kube_proxy                      = optional(string)
    eks_pod_identity_agent          = optional(string)
    coredns                         = optional(string)
    metrics_server                  = optional(string)
    amazon_cloudwatch_observability = optional(string)
  })
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for v in values(var.addon_versions) : v == null || can(regex("^v[0-9]+\\.[0-9]+\\.[0-9]+-eksbuild\\.[0-9]+$", v))])
    error_message = "addon_versions values must be EKS add-on versions such as \"v1.20.4-eksbuild.1\", or null for the default version."
  }
}

variable "enable_cloudwatch_observability" {
  description = "Install the amazon-cloudwatch-observability add-on (Container Insights: cluster_node_count and friends) with its Pod Identity role and log groups."
  type        = bool
  default     = true
  nullable    = false
}

variable "vpc_cni_pod_identity" {
  description = "Give the VPC CNI (kube-system/aws-node) its AmazonEKS_CNI_Policy through a Pod Identity role. False: attach the policy to the node role instead."
  type        = bool
  default     = true
  nullable    = false
}

# --- Workload identities (ServiceAccounts of CONTRACTS.md) -----------------

variable "app_secret_arn" {
  description = "ARN of the Secrets Manager secret holding DEVOPS_SECRET: org-app/org-app may read exactly this secret."
  type        = string

  validation {
    condition     = try(provider::aws::arn_parse(var.app_secret_arn).service == "secretsmanager" && can(regex("^[0-9]{12}$", provider::aws::arn_parse(var.app_secret_arn).account_id)), false)
    error_message = "app_secret_arn must be the ARN of a Secrets Manager secret of an AWS account (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<suffix>)."
  }
}

variable "app_secret_kms_key_arn" {
  description = "KMS key encrypting the app secret. Null: org-app may decrypt with any key of this account and region, but only through Secrets Manager and only for app_secret_arn (encryption-context condition)."
  type        = string
  default     = null

  validation {
    condition     = var.app_secret_kms_key_arn == null || try(provider::aws::arn_parse(var.app_secret_kms_key_arn).service == "kms" && startswith(provider::aws::arn_parse(var.app_secret_kms_key_arn).resource, "key/"), false)
    error_message = "app_secret_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>) or null."
  }
}

variable "app_log_group_arn" {
  description = "ARN of the org-app log group /org-app/<name>/app (Fluent Bit sidecar of org-app/org-app writes there)."
  type        = string

  validation {
    condition     = try(provider::aws::arn_parse(var.app_log_group_arn).service == "logs", false)
    error_message = "app_log_group_arn must be a CloudWatch Logs log group ARN (arn:aws:logs:<region>:<account>:log-group:<name>)."
  }
}

variable "metrics_log_group_arn" {
  description = "ARN of the EMF metrics log group /org-app/<name>/metrics (ADOT sidecar of org-app/org-app writes there)."
  type        = string

  validation {
    condition     = try(provider::aws::arn_parse(var.metrics_log_group_arn).service == "logs", false)
    error_message = "metrics_log_group_arn must be a CloudWatch Logs log group ARN (arn:aws:logs:<region>:<account>:log-group:<name>)."
  }
}

variable "canary_log_group_arn" {
  description = "ARN of the canary log group /org-app/<name>/canary (org-app/org-app-canary writes there)."
  type        = string

  validation {
    condition     = try(provider::aws::arn_parse(var.canary_log_group_arn).service == "logs", false)
    error_message = "canary_log_group_arn must be a CloudWatch Logs log group ARN (arn:aws:logs:<region>:<account>:log-group:<name>)."
  }
}

variable "target_group_arns" {
  description = "NLB target group(s) (modules/edge) AWS Load Balancer Controller may register and deregister pod IPs in through TargetGroupBinding. It may not create or change load balancers."
  type        = list(string)

  validation {
    condition = length(var.target_group_arns) >= 1 && alltrue([
      for a in var.target_group_arns : try(provider::aws::arn_parse(a).service == "elasticloadbalancing", false)
    ])
    error_message = "target_group_arns must hold at least one target group ARN (arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>)."
  }
}

# --- Logs and keys -------------------------------------------------------------

variable "log_retention_days" {
  description = "Retention of the control-plane log group /aws/eks/<name>/cluster, in days. One of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "container_insights_log_retention_days" {
  description = "Retention of the Container Insights log groups /aws/containerinsights/<name>/{application,dataplane,host,performance}, in days (same allowed values as log_retention_days)."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.container_insights_log_retention_days)
    error_message = "container_insights_log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "kms_key_deletion_window_days" {
  description = "Waiting period, in days, before the cluster KMS key is deleted after destroy: 7 to 30."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_key_deletion_window_days >= 7 && var.kms_key_deletion_window_days <= 30 && floor(var.kms_key_deletion_window_days) == var.kms_key_deletion_window_days
    error_message = "kms_key_deletion_window_days must be a whole number from 7 to 30."
  }
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
  nullable    = false
}
