# Example: the account's security services. The primary region owns the
# multi-region trail and records IAM in Config; a second region enables the
# regional services only.

module "security" {
  source = "../.."

  name = "org-example"

  # Regional services in this region.
  enable_guardduty   = true
  enable_inspector   = true
  enable_securityhub = true
  enable_config      = true

  # Account-wide: one trail for every region, created here only.
  enable_cloudtrail          = true
  cloudtrail_cloudwatch_logs = true

  log_archive_after_days = 90
  log_expire_after_days  = 2557

  tags = {
    Owner = "security"
  }
}

provider "aws" {
  alias  = "usw2"
  region = "us-west-2"
}

module "security_usw2" {
  source = "../.."

  providers = {
    aws = aws.usw2
  }

  name = "org-example"

  enable_cloudtrail               = false # the trail above covers every region
  config_include_global_resources = false # IAM is recorded in us-east-1
}

output "cloudtrail_arn" {
  description = "The account's trail."
  value       = module.security.cloudtrail_arn
}

output "securityhub_standards_arns" {
  description = "Standards subscribed in us-east-1."
  value       = module.security.securityhub_standards_arns
}
