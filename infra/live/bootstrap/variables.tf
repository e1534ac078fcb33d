variable "region" {
  description = "Region of the state bucket and its KMS key (every root's backend names it)."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^us-(east|west)-[0-9]$", var.region))
    error_message = "region must be a US commercial region such as \"us-east-1\" or \"us-west-2\"."
  }
}

variable "state_bucket_name" {
  description = "Globally unique name of the S3 bucket that holds every root's state. null: \"org-app-tfstate-<account id>-<region>\". 3-63 lower-case letters, digits, dots and hyphens."
  type        = string
  default     = null

  validation {
    condition     = var.state_bucket_name == null || (can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket_name)) && !can(regex("\\.\\.|^\\d+\\.\\d+\\.\\d+\\.\\d+$", var.state_bucket_name)))
    error_message = "state_bucket_name must be 3-63 lower-case letters, digits, dots and hyphens, start and end with a letter or digit, and not look like an IP address."
  }
}

variable "noncurrent_version_retention_days" {
  description = "Days a superseded state version is kept (the way back from a bad apply). 7-3650."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_retention_days >= 7 && var.noncurrent_version_retention_days <= 3650 && floor(var.noncurrent_version_retention_days) == var.noncurrent_version_retention_days
    error_message = "noncurrent_version_retention_days must be a whole number from 7 to 3650."
  }
}

variable "state_admin_role_arns" {
  description = "IAM role ARNs (besides the account root) allowed to administer the state KMS key, e.g. the platform team's SSO role. Roles that only read or write state get kms:Decrypt/GenerateDataKey through their own IAM policies (the CI plan and apply roles of modules/ci-identity)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for a in var.state_admin_role_arns : can(regex("^arn:aws(-[a-z]+)*:iam::[0-9]{12}:role/.+$", a))])
    error_message = "state_admin_role_arns must hold IAM role ARNs such as \"arn:aws:iam::123456789012:role/platform-admin\"."
  }
}

variable "kms_key_deletion_window_days" {
  description = "Waiting period before the state KMS key is deleted after destroy (7-30 days)."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_key_deletion_window_days >= 7 && var.kms_key_deletion_window_days <= 30
    error_message = "kms_key_deletion_window_days must be from 7 to 30."
  }
}

variable "owner" {
  description = "Value of the owner tag on every resource (a team or mailbox)."
  type        = string
  default     = "platform"

  validation {
    condition     = length(trimspace(var.owner)) > 0
    error_message = "owner must not be empty."
  }
}

variable "cost_center" {
  description = "Value of the cost-center tag on every resource."
  type        = string
  default     = "org-app"

  validation {
    condition     = length(trimspace(var.cost_center)) > 0
    error_message = "cost_center must not be empty."
  }
}
