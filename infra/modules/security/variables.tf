variable "name" {
  description = "Name prefix for every resource (e.g. \"org-prod\"). Lower-case letters, digits and hyphens, 2-24 characters, starting with a letter."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,22}[a-z0-9]$", var.name))
    error_message = "name must be 2-24 characters of lower-case letters, digits and hyphens, start with a letter and not end with a hyphen."
  }
}

# --- GuardDuty (regional, one detector per account and region) -----------------

variable "enable_guardduty" {
  description = "Create this account's GuardDuty detector in this region, with EKS audit logs, runtime monitoring (EKS add-on managed) and malware protection for EBS. Off when the detector is managed elsewhere (e.g. an organization delegated administrator)."
  type        = bool
  default     = true
  nullable    = false
}

variable "guardduty_finding_publishing_frequency" {
  description = "How often updated GuardDuty findings are exported to EventBridge/Security Hub: FIFTEEN_MINUTES, ONE_HOUR or SIX_HOURS."
  type        = string
  default     = "FIFTEEN_MINUTES"

  validation {
    condition     = contains(["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"], var.guardduty_finding_publishing_frequency)
    error_message = "guardduty_finding_publishing_frequency must be FIFTEEN_MINUTES, ONE_HOUR or SIX_HOURS."
  }
}

variable "guardduty_ec2_runtime_monitoring" {
  description = "Also let GuardDuty manage its runtime agent on EC2 instances (the bastions and the jump host), not only on EKS nodes. Billed per vCPU."
  type        = bool
  default     = false
  nullable    = false
}

variable "guardduty_s3_protection" {
  description = "GuardDuty S3 protection (S3 data events, e.g. on the security log bucket)."
  type        = bool
  default     = true
  nullable    = false
}

# --- Inspector (regional) -------------------------------------------------------

variable "enable_inspector" {
  description = "Enable Amazon Inspector v2 for this account in this region."
  type        = bool
  default     = true
  nullable    = false
}

variable "inspector_resource_types" {
  description = "Resource types Inspector scans: any of EC2, ECR, LAMBDA, LAMBDA_CODE. Must include EC2 and ECR (bastions, nodes and the org-app images)."
  type        = list(string)
  default     = ["EC2", "ECR"]
  nullable    = false

  validation {
    condition     = alltrue([for t in var.inspector_resource_types : contains(["EC2", "ECR", "LAMBDA", "LAMBDA_CODE"], t)]) && contains(var.inspector_resource_types, "EC2") && contains(var.inspector_resource_types, "ECR")
    error_message = "inspector_resource_types may only hold EC2, ECR, LAMBDA and LAMBDA_CODE, and must include EC2 and ECR."
  }
}

# --- Security Hub and AWS Config (regional) -------------------------------------

variable "enable_securityhub" {
  description = "Enable Security Hub in this region with the NIST SP 800-53 rev. 5 and CIS AWS Foundations standards (default standards off, consolidated control findings)."
  type        = bool
  default     = true
  nullable    = false
}

variable "securityhub_cis_version" {
  description = "CIS AWS Foundations Benchmark version to subscribe: 5.0.0 (newest Security Hub supports), 3.0.0 or 1.4.0."
  type        = string
  default     = "5.0.0"

  validation {
    condition     = contains(["5.0.0", "3.0.0", "1.4.0"], var.securityhub_cis_version)
    error_message = "securityhub_cis_version must be 5.0.0, 3.0.0 or 1.4.0 (1.2.0 is superseded)."
  }
}

variable "enable_config" {
  description = "Record resource configuration with AWS Config in this region (Security Hub's NIST and CIS controls evaluate Config rules; without a recorder most controls report no data). Off when Config is managed elsewhere."
  type        = bool
  default     = true
  nullable    = false
}

variable "config_recording_frequency" {
  description = "AWS Config recording frequency: CONTINUOUS (every change, the compliance default) or DAILY (cheaper, at most one configuration item per resource per day)."
  type        = string
  default     = "CONTINUOUS"

  validation {
    condition     = contains(["CONTINUOUS", "DAILY"], var.config_recording_frequency)
    error_message = "config_recording_frequency must be CONTINUOUS or DAILY."
  }
}

variable "config_include_global_resources" {
  description = "Record global resources (IAM) in this region. True in exactly one region per account, false in the others, or IAM changes are recorded (and billed) twice."
  type        = bool
  default     = true
  nullable    = false
}

# --- CloudTrail (account-wide: one multi-region trail) --------------------------

variable "enable_cloudtrail" {
  description = "Create the account's multi-region CloudTrail trail (management events of every region, log file validation, KMS). Create it once per account (e.g. from live/global), not in every regional stack."
  type        = bool
  default     = true
  nullable    = false
}

variable "cloudtrail_cloudwatch_logs" {
  description = "Also deliver the trail to a CloudWatch Logs group (KMS, retention) for metric filters and Logs Insights. Billed per GB ingested."
  type        = bool
  default     = false
  nullable    = false
}

variable "cloudtrail_log_retention_days" {
  description = "Retention of the CloudTrail log group when cloudtrail_cloudwatch_logs is on. One of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  type        = number
  default     = 90

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.cloudtrail_log_retention_days)
    error_message = "cloudtrail_log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

# --- Security log bucket (CloudTrail and Config) ----------------------------------

variable "log_bucket_name" {
  description = "Name of the S3 bucket for CloudTrail and Config. Null: \"<name>-security-logs-<account>-<region>\"."
  type        = string
  default     = null

  validation {
    condition     = var.log_bucket_name == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.log_bucket_name))
    error_message = "log_bucket_name must be a valid S3 bucket name: 3-63 lower-case letters, digits, dots and hyphens."
  }
}

variable "log_archive_after_days" {
  description = "Move security logs to S3 Glacier Instant Retrieval after this many days (whole number, at least 30)."
  type        = number
  default     = 90

  validation {
    condition     = var.log_archive_after_days >= 30 && floor(var.log_archive_after_days) == var.log_archive_after_days
    error_message = "log_archive_after_days must be a whole number of at least 30 (the S3 minimum before a storage-class transition)."
  }
}

variable "log_expire_after_days" {
  description = "Delete security logs after this many days (whole number, more than log_archive_after_days + 90: Glacier Instant Retrieval's minimum storage duration)."
  type        = number
  default     = 2557

  validation {
    condition     = floor(var.log_expire_after_days) == var.log_expire_after_days && var.log_expire_after_days > var.log_archive_after_days + 90
    error_message = "log_expire_after_days must be a whole number greater than log_archive_after_days + 90."
  }
}

variable "log_bucket_access_log_bucket" {
  description = "Existing bucket that receives S3 server access logs of the security log bucket (CIS recommends access logging on the CloudTrail bucket). Null: no access logging."
  type        = string
  default     = null

  validation {
    condition     = var.log_bucket_access_log_bucket == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.log_bucket_access_log_bucket))
    error_message = "log_bucket_access_log_bucket must be a valid S3 bucket name."
  }
}

variable "kms_key_deletion_window_days" {
  description = "Waiting period, in days, before the security log KMS key is deleted after destroy: 7 to 30."
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
