output "guardduty_detector_id" {
  description = "GuardDuty detector id, or null when enable_guardduty is false."
  value       = one(aws_guardduty_detector.this[*].id)
}

output "guardduty_features" {
  description = "GuardDuty features managed by this module and their status: { <feature> = ENABLED|DISABLED }."
  value       = { for k, f in local.guardduty_features : k => f.status }
}

output "inspector_resource_types" {
  description = "Resource types Inspector scans, or [] when enable_inspector is false."
  value       = var.enable_inspector ? var.inspector_resource_types : []
}

output "securityhub_standards_arns" {
  description = "Security Hub standards subscribed: { nist_800_53_rev5, cis_aws } (empty when enable_securityhub is false)."
  value       = local.securityhub_standards
}

output "cloudtrail_arn" {
  description = "ARN of the multi-region trail, or null when enable_cloudtrail is false."
  value       = var.enable_cloudtrail ? local.trail_arn : null
}

output "cloudtrail_log_group_name" {
  description = "CloudWatch log group of the trail, or null when cloudtrail_cloudwatch_logs is off."
  value       = one(aws_cloudwatch_log_group.trail[*].name)
}

output "log_bucket_name" {
  description = "Security log bucket (CloudTrail under cloudtrail/, Config under config/), or null when neither is enabled."
  value       = local.log_bucket_enabled ? local.log_bucket_name : null
}

output "log_bucket_arn" {
  description = "ARN of the security log bucket, or null."
  value       = local.log_bucket_enabled ? local.log_bucket_arn : null
}

output "logs_kms_key_arn" {
  description = "KMS key of the security logs (readers need kms:Decrypt on it), or null."
  value       = one(aws_kms_key.logs[*].arn)
}

output "config_recorder_name" {
  description = "AWS Config recorder name, or null when enable_config is false."
  value       = one(aws_config_configuration_recorder.this[*].name)
}
