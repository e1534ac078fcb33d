variable "name" {
  description = "Name prefix of the health checks and tags (e.g. \"org-app-prod\"). Lower-case letters, digits and hyphens, 2-32 characters, starting with a letter."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,30}[a-z0-9]$", var.name))
    error_message = "name must be 2-32 characters of lower-case letters, digits and hyphens, start with a letter and not end with a hyphen."
  }
}

variable "domain_name" {
  description = "The public domain, e.g. \"example.com\": the hosted zone's name (created here unless existing_zone_id is set). Lower case, no trailing dot."
  type        = string

  validation {
    condition     = length(var.domain_name) <= 253 && can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain_name))
    error_message = "domain_name must be a lower-case DNS name with at least two labels and no trailing dot, such as \"example.com\"."
  }
}

variable "existing_zone_id" {
  description = "Id of an existing public hosted zone for domain_name to put the records in. Null: the module creates the zone (its name servers must then be delegated at the registrar before certificates can validate)."
  type        = string
  default     = null

  validation {
    condition     = var.existing_zone_id == null || can(regex("^Z[A-Z0-9]{1,31}$", var.existing_zone_id))
    error_message = "existing_zone_id must be a Route 53 hosted zone id such as \"Z0123456789ABCDEFGHIJ\" (or null to create the zone)."
  }
}

variable "service_record_name" {
  description = "Name of the service record relative to domain_name: \"api\" gives api.<domain>. One or more DNS labels."
  type        = string
  default     = "api"

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$", var.service_record_name))
    error_message = "service_record_name must be one or more lower-case DNS labels such as \"api\" or \"api.eu\" (no leading or trailing dot, not empty)."
  }
}

variable "subject_alternative_names" {
  description = "More names on every regional certificate, inside domain_name (e.g. [\"www.example.com\"] or [\"*.example.com\"])."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition = alltrue([
      for n in var.subject_alternative_names :
      can(regex("^(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", n)) &&
      (trimprefix(n, "*.") == var.domain_name || endswith(n, ".${var.domain_name}"))
    ])
    error_message = "subject_alternative_names must be lower-case DNS names (optionally \"*.\" wildcards) inside domain_name, whose zone validates them."
  }

  validation {
    condition     = length(var.subject_alternative_names) <= (var.regional_record_names ? 8 : 9) && length(distinct(var.subject_alternative_names)) == length(var.subject_alternative_names)
    error_message = "subject_alternative_names must not repeat a name and may hold at most 9, or 8 with regional_record_names (ACM's default limit is 10 names per certificate: the service name, the region's name and these)."
  }
}

variable "certificate_regions" {
  description = "Regions that get an ACM certificate (DNS-validated in this zone) for the service name: every region whose NLB serves it, e.g. [\"us-east-1\", \"us-west-2\"]."
  type        = list(string)

  validation {
    condition     = length(var.certificate_regions) >= 1 && alltrue([for r in var.certificate_regions : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", r))])
    error_message = "certificate_regions must hold at least one region name such as \"us-east-1\"."
  }

  validation {
    condition     = length(distinct(var.certificate_regions)) == length(var.certificate_regions)
    error_message = "certificate_regions must not repeat a region."
  }
}

variable "regional_record_names" {
  description = "Give every region its own name <region>.<service_record_name>.<domain_name> (e.g. us-west-2.api.example.com): an A alias to that region's NLB (for regions in endpoints), without health check, and a SAN of that region's certificate. The deploy's canary gate targets the region it just deployed through it, instead of the latency name that answers with the nearest region. Changing it replaces the certificates (create_before_destroy)."
  type        = bool
  default     = true
  nullable    = false
}

variable "certificate_key_algorithm" {
  description = "Key algorithm of the certificates: RSA_2048 (widest client support), EC_prime256v1 or EC_secp384r1."
  type        = string
  default     = "RSA_2048"

  validation {
    condition     = contains(["RSA_2048", "EC_prime256v1", "EC_secp384r1"], var.certificate_key_algorithm)
    error_message = "certificate_key_algorithm must be RSA_2048, EC_prime256v1 or EC_secp384r1."
  }
}

variable "endpoints" {
  description = "Each serving region's NLB (modules/edge outputs lb_dns_name and lb_zone_id), by region: { \"us-east-1\" = { nlb_dns_name = \"...elb.us-east-1.amazonaws.com\", nlb_zone_id = \"Z26RNL4JYFTOTI\" } }. Each gets a health check and a latency record. Empty: certificates only (first apply, before the regional stacks exist)."
  type = map(object({
    nlb_dns_name = string
    nlb_zone_id  = string
  }))
  default  = {}
  nullable = false

  validation {
    condition = alltrue([
      for region, e in var.endpoints :
      can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", region)) &&
      can(regex("^[a-z0-9][a-z0-9.-]*\\.${region}\\.([a-z0-9-]+\\.)*amazonaws\\.com$", e.nlb_dns_name))
    ])
    error_message = "endpoints keys must be region names and each nlb_dns_name a DNS name of that region's NLB (e.g. <name>-<id>.elb.<region>.amazonaws.com, modules/edge output lb_dns_name)."
  }

  validation {
    condition     = alltrue([for e in values(var.endpoints) : can(regex("^[A-Za-z0-9-]{1,32}$", e.nlb_zone_id))])
    error_message = "endpoints nlb_zone_id values must be hosted zone ids such as \"Z26RNL4JYFTOTI\" (modules/edge output lb_zone_id), not a DNS name or an ARN."
  }

  validation {
    condition     = alltrue([for region in keys(var.endpoints) : contains(var.certificate_regions, region)])
    error_message = "Every region in endpoints must also be in certificate_regions: its NLB serves the certificate of that region."
  }
}

variable "health_check_path" {
  description = "Path of the HTTPS health check request on each NLB (org-app's anonymous root answers 200 when a pod is ready behind the gateway)."
  type        = string
  default     = "/"

  validation {
    condition     = startswith(var.health_check_path, "/") && length(var.health_check_path) <= 255 && !can(regex("\\s", var.health_check_path))
    error_message = "health_check_path must start with \"/\", contain no whitespace and be at most 255 characters."
  }
}

variable "health_check_failure_threshold" {
  description = "Consecutive failed checks before Route 53 marks a region unhealthy (and consecutive successes before it is healthy again): 1 to 10."
  type        = number
  default     = 3

  validation {
    condition     = var.health_check_failure_threshold >= 1 && var.health_check_failure_threshold <= 10 && floor(var.health_check_failure_threshold) == var.health_check_failure_threshold
    error_message = "health_check_failure_threshold must be a whole number from 1 to 10."
  }
}

variable "health_check_request_interval" {
  description = "Seconds between checks from each checker: 30 (standard) or 10 (fast, extra cost)."
  type        = number
  default     = 30

  validation {
    condition     = contains([10, 30], var.health_check_request_interval)
    error_message = "health_check_request_interval must be 10 or 30 (Route 53 offers no other interval)."
  }
}

variable "health_check_regions" {
  description = "Route 53 health checker regions to check from (at least 3 of: us-east-1, us-west-1, us-west-2, eu-west-1, ap-southeast-1, ap-southeast-2, ap-northeast-1, sa-east-1). Empty: Route 53's default, all of them."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition = length(var.health_check_regions) == 0 || (
      length(var.health_check_regions) >= 3 &&
      length(distinct(var.health_check_regions)) == length(var.health_check_regions) &&
      alltrue([for r in var.health_check_regions : contains(["us-east-1", "us-west-1", "us-west-2", "eu-west-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "sa-east-1"], r)])
    )
    error_message = "health_check_regions must be empty or hold at least 3 distinct Route 53 checker regions: us-east-1, us-west-1, us-west-2, eu-west-1, ap-southeast-1, ap-southeast-2, ap-northeast-1, sa-east-1."
  }
}

variable "health_check_measure_latency" {
  description = "Let Route 53 measure and graph latency from each checker region (CloudWatch). Cannot be changed after a health check is created."
  type        = bool
  default     = false
  nullable    = false
}

variable "caa_issuers" {
  description = "Certificate authorities allowed to issue for the service name (a CAA record on it). Default: Amazon only, so ACM can renew and no other CA may issue. Empty: no CAA record."
  type        = list(string)
  default     = ["amazon.com"]
  nullable    = false

  validation {
    condition     = alltrue([for i in var.caa_issuers : can(regex("^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$", i))])
    error_message = "caa_issuers must be issuer domain names such as \"amazon.com\"."
  }

  validation {
    condition     = length(var.caa_issuers) == 0 || anytrue([for i in var.caa_issuers : contains(["amazon.com", "amazontrust.com", "awstrust.com", "amazonaws.com"], i)])
    error_message = "caa_issuers must include an Amazon issuer (amazon.com, amazontrust.com, awstrust.com or amazonaws.com), or ACM cannot issue or renew the certificates."
  }
}

variable "tags" {
  description = "Tags added to every resource that takes tags."
  type        = map(string)
  default     = {}
  nullable    = false
}
