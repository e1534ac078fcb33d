# The root's inputs: terraform.tfvars holds this environment's design
# (zones, CIDRs, sizes, toggles); account.auto.tfvars holds what identifies
# the adopter's account (account id, certificates, operator roles; see
# account.auto.tfvars.example). Types and validation live in
# infra/stacks/region, which these pass through unchanged.

variable "account_id" {
  description = "The AWS account of this environment: the provider refuses to touch any other."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be a 12-digit AWS account id."
  }
}

variable "region" {
  description = "Region of this root."
  type        = string
}

variable "environment" {
  description = "dev, staging or prod."
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

variable "azs" {
  description = "Availability Zones, named explicitly."
  type        = list(string)
}

variable "regions" {
  description = "Every region of the environment, primary first."
  type        = list(string)
}

variable "vpc_cidrs" {
  description = "{ security, lb, app } CIDRs of this region."
  type        = map(string)
}

variable "single_nat_gateway" {
  description = "One NAT gateway for the region instead of one per AZ."
  type        = bool
  default     = false
}

variable "app_internet_egress" {
  description = "Let the app VPC reach the internet through NAT."
  type        = bool
  default     = false
}

variable "network" {
  description = "Network shape (stacks/region var.network): { interface_endpoint_az_count, interface_endpoints, interconnect, nat_gateway_enabled }."
  type        = any
  default     = {}
}

variable "access" {
  description = "Operator access settings (infra/stacks/region var.access)."
  type        = any
}

variable "eks" {
  description = "Cluster settings (infra/stacks/region var.eks)."
  type        = any
  default     = {}
}

variable "edge" {
  description = "NLB settings (infra/stacks/region var.edge)."
  type        = any
  default     = {}
}

variable "observability" {
  description = "Alarm subscribers and thresholds (infra/stacks/region var.observability)."
  type        = any
  default     = {}
}

variable "security_services" {
  description = "Security service toggles (infra/stacks/region var.security_services)."
  type        = any
  default     = {}
}

variable "dns_firewall_allowed_domains" {
  description = "Extra names the app VPC's DNS Firewall answers (the deploy executor needs none, ADR 0407)."
  type        = list(string)
  default     = []
}

variable "image_pipeline_enabled" {
  description = "Run the monthly hardened-AMI pipeline from this (primary) region."
  type        = bool
  default     = true
}

# --- account.auto.tfvars: the adopter's identifiers --------------------------

variable "endpoint_organization_id" {
  description = "AWS Organizations id (o-...) scoping the VPC endpoint policies; null: this account only."
  type        = string
  default     = null
}

variable "service_fqdn" {
  description = "Public name of the service in this environment, e.g. api.dev.example.com."
  type        = string
}

variable "dns_domain_name" {
  description = "Zone this single-region environment manages its record, certificate and health check in (e.g. dev.example.com); null when infra/live/global does it."
  type        = string
  default     = null
}

variable "dns_zone_id" {
  description = "Existing Route 53 zone id of dns_domain_name; null: the stack creates the zone (delegate it from the parent zone)."
  type        = string
  default     = null
}

variable "vpn_server_certificate_arn" {
  description = "ACM ARN of the Client VPN server certificate (imported by the operators, docs/operations.md). Required with the Client VPN operator path; null with access.operator_path = \"instance_connect_endpoint\"."
  type        = string
  default     = null
}

variable "vpn_client_root_certificate_chain_arn" {
  description = "ACM ARN of the CA that signs operators' client certificates; null in federated-only mode."
  type        = string
  default     = null
}

variable "vpn_saml_provider_arn" {
  description = "IAM SAML provider of the Client VPN application (federated modes); null for certificate mode."
  type        = string
  default     = null
}

variable "vpn_authorized_group_ids" {
  description = "Identity-provider groups whose members may use the Client VPN (federated modes)."
  type        = list(string)
  default     = []
}

variable "operator_access_entries" {
  description = "EKS access entries: operator IAM role ARN => { policy, scope, namespaces }."
  type        = any
  default     = {}
}

variable "ci_deploy_role_arn" {
  description = "The CI apply role that deploys to the cluster (an EKS access entry); null: none yet."
  type        = string
  default     = null
}

variable "alarm_email_addresses" {
  description = "On-call e-mail addresses subscribed to the alarm topic."
  type        = list(string)
  default     = []
}

variable "ci" {
  description = "GitHub Actions identity of this account: { github_owner, github_repository, state_bucket_arn, state_kms_key_arn } or null."
  type        = any
  default     = null
}

variable "promotion" {
  description = "Image promotion between accounts: { source_repository_arn, next_apply_role_arn } (infra/stacks/region var.promotion, ADR 0404)."
  type        = any
  default     = {}
}
