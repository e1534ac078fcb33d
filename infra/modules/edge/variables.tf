variable "name" {
  description = "Name prefix for every resource (e.g. \"org-app-prod-use1\"). Lower-case letters, digits and hyphens, 2-24 characters, starting with a letter."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,22}[a-z0-9]$", var.name))
    error_message = "name must be 2-24 characters of lower-case letters, digits and hyphens, start with a letter and not end with a hyphen."
  }
}

# --- Network (outputs of modules/network) ------------------------------------

variable "vpc_id" {
  description = "Id of the LB VPC (modules/network output vpc_ids.lb). The NLB, its security group and the target group live here."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-z]+$", var.vpc_id))
    error_message = "vpc_id must be a VPC id (vpc-...)."
  }
}

variable "public_subnet_ids" {
  description = "LB VPC public subnet id per Availability Zone, { <az> = <subnet id> } (modules/network output lb_public_subnet_ids). The NLB gets one subnet mapping and one Elastic IP per entry."
  type        = map(string)

  validation {
    condition     = length(var.public_subnet_ids) >= 2 && length(var.public_subnet_ids) <= 6
    error_message = "public_subnet_ids must hold 2 to 6 subnets, one per Availability Zone (one AZ is not highly available)."
  }

  validation {
    condition     = alltrue([for az in keys(var.public_subnet_ids) : can(regex("^[a-z]{2}(-[a-z0-9]+)+-[0-9]+[a-z]$", az))])
    error_message = "public_subnet_ids keys must be Availability Zone names such as \"us-east-1a\"."
  }

  validation {
    condition     = alltrue([for id in values(var.public_subnet_ids) : can(regex("^subnet-[0-9a-z]+$", id))])
    error_message = "public_subnet_ids values must be subnet ids (subnet-...)."
  }

  validation {
    condition     = length(distinct(values(var.public_subnet_ids))) == length(var.public_subnet_ids)
    error_message = "public_subnet_ids must name a different subnet for every Availability Zone."
  }
}

variable "gateway_cidrs" {
  description = "App VPC subnets holding the gateway pods (the node/pod subnets, modules/network subnets.app_private[*].cidr_block). The NLB security group may send traffic only to these CIDRs, only on gateway_port."
  type        = list(string)

  validation {
    condition     = length(var.gateway_cidrs) >= 1 && length(var.gateway_cidrs) <= 12
    error_message = "gateway_cidrs must hold 1 to 12 CIDRs (the app VPC node/pod subnets)."
  }

  validation {
    condition = alltrue([
      for c in var.gateway_cidrs :
      can(regex("^[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}$", c)) && can(cidrsubnet(c, 0, 0)) && try(cidrsubnet(c, 0, 0) == c, false)
    ])
    error_message = "gateway_cidrs must be IPv4 CIDRs written as their network address, such as \"10.100.0.0/19\"."
  }

  validation {
    condition = try(alltrue([
      for c in var.gateway_cidrs : anytrue([
        for r in ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] :
        tonumber(split("/", c)[1]) >= tonumber(split("/", r)[1]) &&
        cidrhost("${split("/", c)[0]}/${split("/", r)[1]}", 0) == split("/", r)[0]
      ])
    ]), true)
    error_message = "gateway_cidrs must be private (RFC 1918) ranges inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16: the targets are pod IPs in the app VPC, never the internet."
  }

  validation {
    condition     = length(distinct(var.gateway_cidrs)) == length(var.gateway_cidrs)
    error_message = "gateway_cidrs must not repeat a CIDR."
  }
}

variable "gateway_port" {
  description = "Port the gateway pods (NGINX Gateway Fabric data plane) listen on, plain HTTP inside the VPC: the target group port, the health check port and the only port the NLB security group may send to."
  type        = number
  default     = 80

  validation {
    condition     = var.gateway_port >= 1 && var.gateway_port <= 65535 && floor(var.gateway_port) == var.gateway_port
    error_message = "gateway_port must be a whole number from 1 to 65535."
  }
}

# --- TLS listener ------------------------------------------------------------

variable "certificate_arn" {
  description = "ARN of the issued ACM certificate (same region as the NLB) served by the TLS listener on 443, e.g. modules/dns output certificate_arns[<region>]."
  type        = string

  validation {
    condition     = try(provider::aws::arn_parse(var.certificate_arn).service == "acm" && startswith(provider::aws::arn_parse(var.certificate_arn).resource, "certificate/"), false)
    error_message = "certificate_arn must be an ACM certificate ARN: arn:aws:acm:<region>:<account>:certificate/<id>."
  }
}

variable "ssl_policy" {
  description = "ELB security policy of the TLS listener. Only TLS 1.2+/1.3 policies without the legacy (CBC/SHA-1) cipher extensions are allowed: the 2021-06 TLS13 policies, their FIPS 2023-04 variants and the post-quantum (PQ) 2025-09 variants."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"

  validation {
    condition = contains([
      "ELBSecurityPolicy-TLS13-1-2-2021-06",
      "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
      "ELBSecurityPolicy-TLS13-1-3-2021-06",
      "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
      "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
      "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
      "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
      "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
      "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
      "ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09",
      "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09",
      "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
    ], var.ssl_policy)
    error_message = "ssl_policy must be a TLS 1.2+ policy without legacy ciphers: ELBSecurityPolicy-TLS13-1-2-2021-06, -TLS13-1-2-Res-2021-06, -TLS13-1-3-2021-06, their -FIPS-2023-04 variants, or the -PQ-2025-09 / -FIPS-PQ-2025-09 variants (default ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09). ELBSecurityPolicy-2016-08, the TLS-1-x, TLS13-1-0/1-1 and Ext policies are rejected."
  }
}

# --- Target group --------------------------------------------------------------

variable "health_check_interval" {
  description = "Seconds between TCP health checks of each target: 5 to 300."
  type        = number
  default     = 10

  validation {
    condition     = var.health_check_interval >= 5 && var.health_check_interval <= 300 && floor(var.health_check_interval) == var.health_check_interval
    error_message = "health_check_interval must be a whole number of seconds from 5 to 300."
  }
}

variable "health_check_timeout" {
  description = "Seconds a TCP health check connection may take before it counts as failed: 2 to 120, and not more than health_check_interval."
  type        = number
  default     = 5

  validation {
    condition     = var.health_check_timeout >= 2 && var.health_check_timeout <= 120 && floor(var.health_check_timeout) == var.health_check_timeout
    error_message = "health_check_timeout must be a whole number of seconds from 2 to 120."
  }

  validation {
    condition     = var.health_check_timeout <= var.health_check_interval
    error_message = "health_check_timeout must not be longer than health_check_interval."
  }
}

variable "healthy_threshold" {
  description = "Consecutive successful health checks before a target is healthy: 2 to 10."
  type        = number
  default     = 3

  validation {
    condition     = var.healthy_threshold >= 2 && var.healthy_threshold <= 10 && floor(var.healthy_threshold) == var.healthy_threshold
    error_message = "healthy_threshold must be a whole number from 2 to 10."
  }
}

variable "unhealthy_threshold" {
  description = "Consecutive failed health checks before a target is unhealthy: 2 to 10."
  type        = number
  default     = 3

  validation {
    condition     = var.unhealthy_threshold >= 2 && var.unhealthy_threshold <= 10 && floor(var.unhealthy_threshold) == var.unhealthy_threshold
    error_message = "unhealthy_threshold must be a whole number from 2 to 10."
  }
}

variable "deregistration_delay" {
  description = "Seconds a deregistering target keeps its established connections (draining) before the NLB closes them (connection_termination is on): 0 to 3600. Keep it at least as long as the gateway pods' preStop drain."
  type        = number
  default     = 60

  validation {
    condition     = var.deregistration_delay >= 0 && var.deregistration_delay <= 3600 && floor(var.deregistration_delay) == var.deregistration_delay
    error_message = "deregistration_delay must be a whole number of seconds from 0 to 3600."
  }
}

variable "proxy_protocol_v2" {
  description = "Prepend a PROXY protocol v2 header (client address and port) to every connection to the targets. Client IP preservation is off for these cross-VPC IP targets, so this is the only way the gateway learns the client address. Turn it on only together with the gateway's PROXY protocol setting (NGINX Gateway Fabric NginxProxy rewriteClientIP mode ProxyProtocol): a gateway that does not expect the header rejects every request."
  type        = bool
  default     = false
  nullable    = false
}

# --- Load balancer -------------------------------------------------------------

variable "deletion_protection" {
  description = "Turn on NLB deletion protection (destroy then fails until it is turned off). On by default; the prod roots must keep it on."
  type        = bool
  default     = true
  nullable    = false
}

# --- Access logs -----------------------------------------------------------------

variable "access_log_prefix" {
  description = "Key prefix of the NLB access logs in the log bucket (ELB appends AWSLogs/<account>/...). Lower-case letters, digits, hyphens and slashes; no leading or trailing slash; must not contain AWSLogs."
  type        = string
  default     = "nlb"

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9/-]{0,62}[a-z0-9])?$", var.access_log_prefix)) && !strcontains(lower(var.access_log_prefix), "awslogs") && !strcontains(var.access_log_prefix, "//")
    error_message = "access_log_prefix must be 1-64 characters of lower-case letters, digits, hyphens and single slashes, without a leading or trailing slash, and must not contain \"AWSLogs\"."
  }
}

variable "access_log_expiration_days" {
  description = "Days after which access log objects expire (are deleted): 1 to 3650."
  type        = number
  default     = 90

  validation {
    condition     = var.access_log_expiration_days >= 1 && var.access_log_expiration_days <= 3650 && floor(var.access_log_expiration_days) == var.access_log_expiration_days
    error_message = "access_log_expiration_days must be a whole number of days from 1 to 3650."
  }
}

variable "access_log_versioning" {
  description = "Turn on versioning of the access log bucket, so an overwritten or deleted log object stays recoverable for access_log_noncurrent_expiration_days."
  type        = bool
  default     = true
  nullable    = false
}

variable "access_log_noncurrent_expiration_days" {
  description = "With versioning on: days after which noncurrent (overwritten or deleted) log object versions are removed: 1 to 3650."
  type        = number
  default     = 30

  validation {
    condition     = var.access_log_noncurrent_expiration_days >= 1 && var.access_log_noncurrent_expiration_days <= 3650 && floor(var.access_log_noncurrent_expiration_days) == var.access_log_noncurrent_expiration_days
    error_message = "access_log_noncurrent_expiration_days must be a whole number of days from 1 to 3650."
  }
}

variable "access_log_force_destroy" {
  description = "Let destroy delete the access log bucket with the logs in it. Off by default (destroy then fails on a non-empty bucket, keeping the logs); turn on for throw-away environments."
  type        = bool
  default     = false
  nullable    = false
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
  nullable    = false
}
