variable "name" {
  description = "Name prefix of the executor's resources (the regional stack's name, e.g. \"org-app-prod-use1\"): project <name>-deploy, role <name>-deploy-executor, bucket <name>-deploy-<account id>, log group /aws/codebuild/<name>-deploy."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,28}[a-z0-9]$", var.name))
    error_message = "name must be 3-30 lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen (it prefixes a bucket name of at most 63 characters)."
  }
}

variable "vpc_id" {
  description = "VPC of the builds: the app VPC, where the private EKS API endpoint and the VPC endpoints are."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-z]+$", var.vpc_id))
    error_message = "vpc_id must be a VPC id such as \"vpc-0123456789abcdef0\"."
  }
}

variable "vpc_cidr" {
  description = "Primary IPv4 CIDR of that VPC: its resolver (base + 2) is the builds' only DNS server."
  type        = string

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 2)) && can(regex("^[0-9.]+/[0-9]+$", var.vpc_cidr))
    error_message = "vpc_cidr must be an IPv4 CIDR block such as \"10.102.0.0/16\"."
  }
}

variable "subnet_ids" {
  description = "Private subnets the builds' network interfaces are placed in (the app VPC's node subnets, which route to the S3 gateway endpoint and reach the API and interface endpoints). One or more, in different AZs."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 1 && alltrue([for s in var.subnet_ids : can(regex("^subnet-[0-9a-z]+$", s))])
    error_message = "subnet_ids must hold at least one subnet id such as \"subnet-0123456789abcdef0\"."
  }
}

variable "vpc_endpoint_cidrs" {
  description = "CIDRs of the subnets holding the interface VPC endpoints' ENIs (CloudWatch Logs, ECR, ...): the builds' HTTPS egress to AWS APIs."
  type        = list(string)

  validation {
    condition     = length(var.vpc_endpoint_cidrs) >= 1 && alltrue([for c in var.vpc_endpoint_cidrs : can(cidrnetmask(c)) && c != "0.0.0.0/0"])
    error_message = "vpc_endpoint_cidrs must hold at least one IPv4 CIDR block (never 0.0.0.0/0): the builds reach AWS APIs only through the VPC's interface endpoints."
  }
}

variable "s3_prefix_list_id" {
  description = "Prefix list of the VPC's S3 gateway endpoint: the builds fetch their bundle and write their results through it (HTTPS)."
  type        = string

  validation {
    condition     = can(regex("^pl-[0-9a-z]+$", var.s3_prefix_list_id))
    error_message = "s3_prefix_list_id must be a prefix list id such as \"pl-63a5400a\"."
  }
}

variable "cluster_security_group_id" {
  description = "Security group on the EKS control-plane ENIs (the eks module's cluster group): the builds' HTTPS egress to the private API. The cluster group must admit this module's security_group_id on 443 (eks module api_client_security_group_ids)."
  type        = string

  validation {
    condition     = can(regex("^sg-[0-9a-z]+$", var.cluster_security_group_id))
    error_message = "cluster_security_group_id must be a security group id such as \"sg-0123456789abcdef0\"."
  }
}

variable "ecr_repository_names" {
  description = "ECR repositories of this region the builds read (image digests), e.g. [\"org-app\"]."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for r in var.ecr_repository_names : can(regex("^[a-z0-9]+([._/-][a-z0-9]+)*$", r))])
    error_message = "ecr_repository_names must be ECR repository names (lower-case letters, digits and . _ / -; no wildcard)."
  }
}

variable "ecr_pull_through_prefixes" {
  description = "ECR pull-through cache prefixes of this region (e.g. [\"ecr-public\", \"k8s\", \"ghcr\"]): the builds may read <prefix>/* and make the cache import an upstream image (resolving a sidecar's digest)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for p in var.ecr_pull_through_prefixes : can(regex("^[a-z0-9]+([._-][a-z0-9]+)*$", p))])
    error_message = "ecr_pull_through_prefixes must be ECR pull-through cache prefixes such as \"ecr-public\" (lower-case letters, digits and . _ -; no slash, no wildcard)."
  }
}

variable "image" {
  description = "CodeBuild-managed build image (Amazon Linux, x86_64; it ships the AWS CLI v2, kubectl and jq the buildspec uses)."
  type        = string
  default     = "aws/codebuild/amazonlinux-x86_64-standard:5.0"

  validation {
    condition     = can(regex("^aws/codebuild/amazonlinux-x86_64-standard:[0-9]+\\.[0-9]+$", var.image))
    error_message = "image must be a CodeBuild-managed Amazon Linux x86_64 standard image such as \"aws/codebuild/amazonlinux-x86_64-standard:5.0\" (no custom image: nothing to pull from outside AWS)."
  }
}

variable "compute_type" {
  description = "Build compute: BUILD_GENERAL1_SMALL (default; 2 vCPU / 3 GB: helm and kubectl only) or BUILD_GENERAL1_MEDIUM."
  type        = string
  default     = "BUILD_GENERAL1_SMALL"

  validation {
    condition     = contains(["BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM"], var.compute_type)
    error_message = "compute_type must be \"BUILD_GENERAL1_SMALL\" or \"BUILD_GENERAL1_MEDIUM\"."
  }
}

variable "build_timeout_minutes" {
  description = "A build is stopped after this many minutes (platform add-ons and the release each wait up to 10 minutes)."
  type        = number
  default     = 45

  validation {
    condition     = var.build_timeout_minutes >= 10 && var.build_timeout_minutes <= 120 && floor(var.build_timeout_minutes) == var.build_timeout_minutes
    error_message = "build_timeout_minutes must be a whole number from 10 to 120."
  }
}

variable "queued_timeout_minutes" {
  description = "A build still queued after this many minutes is dropped (the hosted job's wait is bounded too)."
  type        = number
  default     = 15

  validation {
    condition     = var.queued_timeout_minutes >= 5 && var.queued_timeout_minutes <= 60 && floor(var.queued_timeout_minutes) == var.queued_timeout_minutes
    error_message = "queued_timeout_minutes must be a whole number from 5 to 60."
  }
}

variable "log_retention_days" {
  description = "Retention of the build log group (a CloudWatch Logs retention value)."
  type        = number
  default     = 90

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch Logs retention value: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "bucket_versioning" {
  description = "Keep object versions in the bundle bucket (noncurrent versions expire after object_expiration_days too). Off by default: bundles and results are throw-away."
  type        = bool
  default     = false
  nullable    = false
}

variable "object_expiration_days" {
  description = "Bundles and results (short-lived canary tokens, deleted by the workflow once read) expire after this many days."
  type        = number
  default     = 1

  validation {
    condition     = var.object_expiration_days >= 1 && var.object_expiration_days <= 7 && floor(var.object_expiration_days) == var.object_expiration_days
    error_message = "object_expiration_days must be a whole number from 1 to 7."
  }
}

variable "force_destroy" {
  description = "Let a destroy delete the bundle bucket with objects still in it."
  type        = bool
  default     = false
  nullable    = false
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
  nullable    = false
}
