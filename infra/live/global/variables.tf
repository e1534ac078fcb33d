# terraform.tfvars: the DNS design; account.auto.tfvars: the account and the
# domain (see account.auto.tfvars.example).

variable "account_id" {
  description = "The AWS account of the environment that owns the public zone."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be a 12-digit AWS account id."
  }
}

variable "home_region" {
  description = "Provider region (Route 53 is global; regional resources name their own region)."
  type        = string
  default     = "us-east-1"
}

variable "environment" {
  description = "The environment served (prod)."
  type        = string
}

variable "owner" {
  description = "owner tag on every resource."
  type        = string
}

variable "cost_center" {
  description = "cost-center tag on every resource."
  type        = string
}

variable "domain_name" {
  description = "The public zone, e.g. example.com."
  type        = string
}

variable "existing_zone_id" {
  description = "Route 53 zone id of domain_name when it already exists; null: this root creates it (then delegate it at the registrar)."
  type        = string
  default     = null
}

variable "service_record_name" {
  description = "Label of the service record in the zone (api → api.example.com)."
  type        = string
  default     = "api"
}

variable "certificate_regions" {
  description = "Every region that serves the service: each gets its DNS-validated certificate."
  type        = list(string)
}

variable "serving_stacks" {
  description = "Regions whose stack is applied, => that stack's name (its NLB is \"<name>-nlb\"): each gets a health check and a latency record. Empty on the first apply."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for region, name in var.serving_stacks : contains(var.certificate_regions, region) && can(regex("^[a-z][a-z0-9-]{0,22}[a-z0-9]$", name))])
    error_message = "serving_stacks must map regions listed in certificate_regions to stack names such as \"org-app-prod-use1\"."
  }
}

variable "health_check_path" {
  description = "Path Route 53 requests over HTTPS on each NLB; org-app's anonymous GET / answers 200 when a pod behind the gateway is ready."
  type        = string
  default     = "/"
}
