variable "name" {
  description = "Name prefix for every resource (e.g. \"org-app-prod-use1\"). Lower-case letters, digits and hyphens, 2-40 characters, starting with a letter. Log groups are /org-app/<name>/<kind>."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,38}[a-z0-9]$", var.name))
    error_message = "name must be 2-40 characters of lower-case letters, digits and hyphens, start with a letter and not end with a hyphen."
  }
}

# --- What is watched ----------------------------------------------------------

variable "cluster_name" {
  description = "EKS cluster name: the ClusterName dimension of the Container Insights node metrics."
  type        = string

  validation {
    condition     = can(regex("^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$", var.cluster_name))
    error_message = "cluster_name must be an EKS cluster name: 1-100 letters, digits, hyphens and underscores, starting with a letter or digit."
  }
}

variable "nlb_arn_suffix" {
  description = "ARN suffix of the public NLB (aws_lb.arn_suffix, \"net/<name>/<id>\"): the LoadBalancer dimension of AWS/NetworkELB."
  type        = string

  validation {
    condition     = length(trimspace(var.nlb_arn_suffix)) > 0 && !startswith(var.nlb_arn_suffix, "arn:")
    error_message = "nlb_arn_suffix must be the NLB's ARN suffix such as \"net/org-app-prod/0123456789abcdef\" (modules/edge output lb_arn_suffix), not its full ARN."
  }
}

variable "target_group_arn_suffix" {
  description = "ARN suffix of the NLB target group (aws_lb_target_group.arn_suffix, \"targetgroup/<name>/<id>\"): the TargetGroup dimension of AWS/NetworkELB."
  type        = string

  validation {
    condition     = length(trimspace(var.target_group_arn_suffix)) > 0 && !startswith(var.target_group_arn_suffix, "arn:")
    error_message = "target_group_arn_suffix must be the target group's ARN suffix such as \"targetgroup/org-app-prod/0123456789abcdef\" (modules/edge output target_group_arn_suffix), not its full ARN."
  }
}

variable "nat_gateway_ids" {
  description = "NAT gateway id by AZ (modules/network output nat_gateway_ids): one port-allocation alarm and one dashboard line per gateway. Keys must be known at plan time (they are AZ names)."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for id in values(var.nat_gateway_ids) : can(regex("^nat-[0-9a-f]{8,17}$", id))])
    error_message = "nat_gateway_ids values must be NAT gateway ids (nat- followed by 8-17 hex digits)."
  }
}

variable "container_insights_enabled" {
  description = "Whether the cluster runs the Container Insights add-on (amazon-cloudwatch-observability, modules/eks). Off: no node-count alarm or widget, since the metric would never arrive and the alarm would stay in ALARM."
  type        = bool
  default     = true
  nullable    = false
}

# --- Thresholds ----------------------------------------------------------------

variable "error_5xx_ratio_threshold" {
  description = "Alarm when 5xx responses / all responses (access log) exceed this fraction in 3 of 5 one-minute periods. Between 0 and 1, exclusive (0.01 = 1%)."
  type        = number
  default     = 0.01

  validation {
    condition     = var.error_5xx_ratio_threshold > 0 && var.error_5xx_ratio_threshold < 1
    error_message = "error_5xx_ratio_threshold must be a fraction greater than 0 and less than 1 (e.g. 0.01 for 1%)."
  }
}

variable "latency_p99_threshold_ms" {
  description = "Alarm when the p99 request duration (access log LatencyMs) exceeds this many milliseconds in 3 of 5 one-minute periods. 1 to 60000."
  type        = number
  default     = 300

  validation {
    condition     = var.latency_p99_threshold_ms >= 1 && var.latency_p99_threshold_ms <= 60000
    error_message = "latency_p99_threshold_ms must be between 1 and 60000 milliseconds."
  }
}

variable "canary_success_slo_percent" {
  description = "Canary SLO: alarm when the percentage of passed checks (CheckSuccess / (CheckSuccess + CheckFailure), all flows) falls below it in 2 of 3 five-minute periods. Above 0, at most 100; the canary's own default is 99.9."
  type        = number
  default     = 99.9

  validation {
    condition     = var.canary_success_slo_percent > 0 && var.canary_success_slo_percent <= 100
    error_message = "canary_success_slo_percent must be a percentage above 0 and at most 100."
  }
}

variable "min_ready_nodes" {
  description = "Alarm when the cluster's node count (Container Insights cluster_node_count) stays below this many nodes for 3 of 5 minutes. Whole number, at least 1: set it to the node groups' minimum size."
  type        = number
  default     = 2

  validation {
    condition     = var.min_ready_nodes >= 1 && floor(var.min_ready_nodes) == var.min_ready_nodes
    error_message = "min_ready_nodes must be a whole number of at least 1."
  }
}

variable "min_healthy_targets" {
  description = "Alarm when the NLB target group has fewer healthy targets than this (gateway pods) for 2 of 3 minutes. Whole number, at least 1."
  type        = number
  default     = 1

  validation {
    condition     = var.min_healthy_targets >= 1 && floor(var.min_healthy_targets) == var.min_healthy_targets
    error_message = "min_healthy_targets must be a whole number of at least 1."
  }
}

# --- Notifications -------------------------------------------------------------

variable "alarm_email_addresses" {
  description = "E-mail addresses subscribed to the alarm topic (each must confirm the subscription)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for a in var.alarm_email_addresses : can(regex("^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$", a))])
    error_message = "alarm_email_addresses must be e-mail addresses such as \"oncall@example.com\"."
  }
}

variable "alarm_https_endpoints" {
  description = "HTTPS URLs subscribed to the alarm topic (e.g. an incident tool's SNS webhook; it must confirm the subscription). Plain http is not accepted."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for u in var.alarm_https_endpoints : can(regex("^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[^\\s]*)?$", u))])
    error_message = "alarm_https_endpoints must be https:// URLs (plain http is not accepted)."
  }
}

# --- Logs and keys -------------------------------------------------------------

variable "log_retention_days" {
  description = "Retention of each log group, in days: { app, metrics, canary, platform }. Each one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  type = object({
    app      = optional(number, 90)
    metrics  = optional(number, 7)
    canary   = optional(number, 30)
    platform = optional(number, 90)
  })
  default  = {}
  nullable = false

  validation {
    condition = alltrue([
      for d in values(var.log_retention_days) :
      contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], d)
    ])
    error_message = "log_retention_days values must each be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "kms_key_deletion_window_days" {
  description = "Waiting period, in days, before the module's KMS key is deleted after destroy: 7 to 30."
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
