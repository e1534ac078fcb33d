# modules/security planned against OpenTofu's mock provider (offline).
# Policies are built with jsonencode in the module, so the tests decode the
# planned policy documents and check statements and conditions exactly.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { region = "us-east-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
}

override_resource {
  target = aws_guardduty_detector.this
  values = { id = "detector-unit" }
}
override_resource {
  target = aws_kms_key.logs
  values = { arn = "arn:aws:kms:us-east-1:123456789012:key/security-logs", key_id = "security-logs" }
}
override_resource {
  target = aws_s3_bucket.logs
  values = { id = "unit-security-logs-123456789012-us-east-1", arn = "arn:aws:s3:::unit-security-logs-123456789012-us-east-1" }
}
override_resource {
  target = aws_cloudwatch_log_group.trail
  values = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudtrail/unit" }
}
override_resource {
  target = aws_iam_role.trail_logs
  values = { arn = "arn:aws:iam::123456789012:role/unit-cloudtrail-logs" }
}
override_resource {
  target = aws_iam_role.config
  values = { arn = "arn:aws:iam::123456789012:role/unit-config-us-east-1", id = "unit-config-us-east-1" }
}

variables {
  name = "unit"
}

run "guardduty" {
  command = plan

  assert {
    condition     = aws_guardduty_detector.this[0].enable == true && aws_guardduty_detector.this[0].finding_publishing_frequency == "FIFTEEN_MINUTES"
    error_message = "The GuardDuty detector must be enabled."
  }

  assert {
    condition = (
      aws_guardduty_detector_feature.this["EKS_AUDIT_LOGS"].status == "ENABLED" &&
      aws_guardduty_detector_feature.this["RUNTIME_MONITORING"].status == "ENABLED" &&
      aws_guardduty_detector_feature.this["EBS_MALWARE_PROTECTION"].status == "ENABLED" &&
      aws_guardduty_detector_feature.this["S3_DATA_EVENTS"].status == "ENABLED" &&
      alltrue([for f in aws_guardduty_detector_feature.this : f.detector_id == "detector-unit"]) &&
      !contains(keys(aws_guardduty_detector_feature.this), "EKS_RUNTIME_MONITORING")
    )
    error_message = "EKS audit logs, runtime monitoring, EBS malware protection and S3 protection must be enabled on the detector (and not the legacy EKS runtime feature)."
  }

  assert {
    condition = (
      { for c in aws_guardduty_detector_feature.this["RUNTIME_MONITORING"].additional_configuration : c.name => c.status } ==
      { EKS_ADDON_MANAGEMENT = "ENABLED", EC2_AGENT_MANAGEMENT = "DISABLED", ECS_FARGATE_AGENT_MANAGEMENT = "DISABLED" }
    )
    error_message = "Runtime monitoring must manage the GuardDuty agent as an EKS add-on (EC2 and Fargate off by default)."
  }
}

run "inspector" {
  command = plan

  assert {
    condition = (
      aws_inspector2_enabler.this[0].account_ids == toset(["123456789012"]) &&
      aws_inspector2_enabler.this[0].resource_types == toset(["EC2", "ECR"])
    )
    error_message = "Inspector v2 must scan EC2 and ECR of this account."
  }
}

run "security_hub" {
  command = plan

  assert {
    condition = (
      aws_securityhub_account.this[0].enable_default_standards == false &&
      aws_securityhub_account.this[0].control_finding_generator == "SECURITY_CONTROL"
    )
    error_message = "Security Hub must subscribe only the chosen standards, with consolidated control findings."
  }

  assert {
    condition = toset([for s in aws_securityhub_standards_subscription.this : s.standards_arn]) == toset([
      "arn:aws:securityhub:us-east-1::standards/nist-800-53/v/5.0.0",
      "arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/5.0.0",
    ])
    error_message = "Security Hub must subscribe NIST SP 800-53 rev. 5 and CIS AWS Foundations v5.0.0."
  }
}

run "cloudtrail" {
  command = plan

  assert {
    condition = (
      aws_cloudtrail.this[0].name == "unit-trail" &&
      aws_cloudtrail.this[0].is_multi_region_trail == true &&
      aws_cloudtrail.this[0].include_global_service_events == true &&
      aws_cloudtrail.this[0].enable_log_file_validation == true &&
      aws_cloudtrail.this[0].enable_logging == true &&
      aws_cloudtrail.this[0].kms_key_id == "arn:aws:kms:us-east-1:123456789012:key/security-logs" &&
      aws_cloudtrail.this[0].s3_bucket_name == "unit-security-logs-123456789012-us-east-1" &&
      aws_cloudtrail.this[0].s3_key_prefix == "cloudtrail"
    )
    error_message = "The trail must be multi-region with log file validation, KMS, and deliver to the security log bucket."
  }

  assert {
    condition = (
      aws_cloudtrail.this[0].event_selector[0].read_write_type == "All" &&
      aws_cloudtrail.this[0].event_selector[0].include_management_events == true &&
      length(aws_cloudwatch_log_group.trail) == 0 &&
      length(aws_iam_role.trail_logs) == 0
    )
    error_message = "The trail must record all management events; CloudWatch Logs delivery is off by default."
  }

  assert {
    condition = (
      aws_kms_key.logs[0].enable_key_rotation == true &&
      one([for s in jsondecode(aws_kms_key.logs[0].policy).Statement : s if s.Sid == "CloudTrailEncryptsThisTrail"]).Principal.Service == "cloudtrail.amazonaws.com" &&
      one([for s in jsondecode(aws_kms_key.logs[0].policy).Statement : s if s.Sid == "CloudTrailEncryptsThisTrail"]).Condition.StringEquals["aws:SourceArn"] == "arn:aws:cloudtrail:us-east-1:123456789012:trail/unit-trail" &&
      one([for s in jsondecode(aws_kms_key.logs[0].policy).Statement : s if s.Sid == "CloudTrailEncryptsThisTrail"]).Condition.StringLike["kms:EncryptionContext:aws:cloudtrail:arn"] == "arn:aws:cloudtrail:*:123456789012:trail/*" &&
      one([for s in jsondecode(aws_kms_key.logs[0].policy).Statement : s if s.Sid == "CloudTrailEncryptsThisTrail"]).Action == "kms:GenerateDataKey*" &&
      one([for s in jsondecode(aws_kms_key.logs[0].policy).Statement : s if s.Sid == "CloudTrailDescribesTheKey"]).Condition.StringEquals["aws:SourceArn"] == "arn:aws:cloudtrail:us-east-1:123456789012:trail/unit-trail" &&
      one([for s in jsondecode(aws_kms_key.logs[0].policy).Statement : s if s.Sid == "AccountDecryptsTrailLogs"]).Condition.StringEquals["kms:CallerAccount"] == "123456789012"
    )
    error_message = "The key policy must let only this trail (aws:SourceArn, encryption context) encrypt, and only this account decrypt."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_kms_key.logs[0].policy).Statement :
      s.Principal != "*" && try(s.Principal.AWS, "") != "*"
    ])
    error_message = "No key policy statement may name every principal."
  }
}

run "log_bucket_locked_down" {
  command = plan

  assert {
    condition = (
      aws_s3_bucket.logs[0].bucket == "unit-security-logs-123456789012-us-east-1" &&
      aws_s3_bucket_public_access_block.logs[0].block_public_acls == true &&
      aws_s3_bucket_public_access_block.logs[0].block_public_policy == true &&
      aws_s3_bucket_public_access_block.logs[0].ignore_public_acls == true &&
      aws_s3_bucket_public_access_block.logs[0].restrict_public_buckets == true &&
      aws_s3_bucket_ownership_controls.logs[0].rule[0].object_ownership == "BucketOwnerEnforced" &&
      aws_s3_bucket_versioning.logs[0].versioning_configuration[0].status == "Enabled"
    )
    error_message = "The log bucket must block all public access, disable ACLs (bucket owner enforced) and be versioned."
  }

  assert {
    condition = (
      one(aws_s3_bucket_server_side_encryption_configuration.logs[0].rule).apply_server_side_encryption_by_default[0].sse_algorithm == "aws:kms" &&
      one(aws_s3_bucket_server_side_encryption_configuration.logs[0].rule).apply_server_side_encryption_by_default[0].kms_master_key_id == "arn:aws:kms:us-east-1:123456789012:key/security-logs" &&
      one(aws_s3_bucket_server_side_encryption_configuration.logs[0].rule).bucket_key_enabled == true
    )
    error_message = "The log bucket must default to SSE-KMS with the security log key."
  }

  assert {
    condition = (
      one([for s in jsondecode(aws_s3_bucket_policy.logs[0].policy).Statement : s if s.Sid == "DenyInsecureTransport"]).Effect == "Deny" &&
      one([for s in jsondecode(aws_s3_bucket_policy.logs[0].policy).Statement : s if s.Sid == "DenyInsecureTransport"]).Action == "s3:*" &&
      one([for s in jsondecode(aws_s3_bucket_policy.logs[0].policy).Statement : s if s.Sid == "DenyInsecureTransport"]).Condition.Bool["aws:SecureTransport"] == "false" &&
      toset(one([for s in jsondecode(aws_s3_bucket_policy.logs[0].policy).Statement : s if s.Sid == "DenyInsecureTransport"]).Resource) == toset(["arn:aws:s3:::unit-security-logs-123456789012-us-east-1", "arn:aws:s3:::unit-security-logs-123456789012-us-east-1/*"])
    )
    error_message = "The bucket policy must deny every request that is not over TLS, on the bucket and its objects."
  }

  assert {
    condition = (
      one([for s in jsondecode(aws_s3_bucket_policy.logs[0].policy).Statement : s if s.Sid == "CloudTrailWrite"]).Principal.Service == "cloudtrail.amazonaws.com" &&
      one([for s in jsondecode(aws_s3_bucket_policy.logs[0].policy).Statement : s if s.Sid == "CloudTrailWrite"]).Resource == "arn:aws:s3:::unit-security-logs-123456789012-us-east-1/cloudtrail/AWSLogs/123456789012/*" &&
      one([for s in jsondecode(aws_s3_bucket_policy.logs[0].policy).Statement : s if s.Sid == "CloudTrailWrite"]).Condition.StringEquals == { "s3:x-amz-acl" = "bucket-owner-full-control", "aws:SourceArn" = "arn:aws:cloudtrail:us-east-1:123456789012:trail/unit-trail" } &&
      one([for s in jsondecode(aws_s3_bucket_policy.logs[0].policy).Statement : s if s.Sid == "CloudTrailAclCheck"]).Condition.StringEquals["aws:SourceArn"] == "arn:aws:cloudtrail:us-east-1:123456789012:trail/unit-trail" &&
      length(jsondecode(aws_s3_bucket_policy.logs[0].policy).Statement) == 3
    )
    error_message = "The only grants must be CloudTrail's ACL check and write under cloudtrail/AWSLogs/<account>/, both pinned to this trail's ARN."
  }

  assert {
    condition = (
      aws_s3_bucket_lifecycle_configuration.logs[0].rule[0].status == "Enabled" &&
      one(aws_s3_bucket_lifecycle_configuration.logs[0].rule[0].transition).days == 90 &&
      one(aws_s3_bucket_lifecycle_configuration.logs[0].rule[0].transition).storage_class == "GLACIER_IR" &&
      aws_s3_bucket_lifecycle_configuration.logs[0].rule[0].expiration[0].days == 2557 &&
      aws_s3_bucket_lifecycle_configuration.logs[0].rule[0].noncurrent_version_expiration[0].noncurrent_days == 30
    )
    error_message = "Security logs must move to Glacier IR after 90 days and expire after 7 years."
  }
}

run "config_recorder" {
  command = plan

  assert {
    condition = (
      aws_config_configuration_recorder.this[0].recording_group[0].all_supported == true &&
      aws_config_configuration_recorder.this[0].recording_group[0].include_global_resource_types == true &&
      aws_config_configuration_recorder.this[0].recording_mode[0].recording_frequency == "CONTINUOUS" &&
      aws_config_configuration_recorder_status.this[0].is_enabled == true &&
      aws_config_delivery_channel.this[0].s3_key_prefix == "config" &&
      aws_config_delivery_channel.this[0].s3_kms_key_arn == "arn:aws:kms:us-east-1:123456789012:key/security-logs"
    )
    error_message = "AWS Config must record every supported resource continuously and deliver encrypted under config/."
  }

  assert {
    condition = (
      jsondecode(aws_iam_role.config[0].assume_role_policy).Statement[0].Principal.Service == "config.amazonaws.com" &&
      jsondecode(aws_iam_role.config[0].assume_role_policy).Statement[0].Condition.StringEquals["aws:SourceAccount"] == "123456789012" &&
      one([for s in jsondecode(aws_iam_role_policy.config_delivery[0].policy).Statement : s if s.Sid == "DeliverUnderConfigPrefix"]).Resource == "arn:aws:s3:::unit-security-logs-123456789012-us-east-1/config/AWSLogs/123456789012/*"
    )
    error_message = "The Config role must be assumable by Config for this account only and write only under config/AWSLogs/<account>/."
  }
}

run "cloudwatch_logs_delivery" {
  command = plan

  variables {
    cloudtrail_cloudwatch_logs    = true
    cloudtrail_log_retention_days = 365
  }

  assert {
    condition = (
      aws_cloudwatch_log_group.trail[0].name == "/aws/cloudtrail/unit" &&
      aws_cloudwatch_log_group.trail[0].retention_in_days == 365 &&
      aws_cloudwatch_log_group.trail[0].kms_key_id == "arn:aws:kms:us-east-1:123456789012:key/security-logs" &&
      aws_cloudtrail.this[0].cloud_watch_logs_group_arn == "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudtrail/unit:*" &&
      aws_cloudtrail.this[0].cloud_watch_logs_role_arn == "arn:aws:iam::123456789012:role/unit-cloudtrail-logs"
    )
    error_message = "With CloudWatch Logs delivery the trail must write to a KMS-encrypted log group with retention."
  }

  assert {
    condition = (
      jsondecode(aws_iam_role.trail_logs[0].assume_role_policy).Statement[0].Condition.StringEquals["aws:SourceArn"] == "arn:aws:cloudtrail:us-east-1:123456789012:trail/unit-trail" &&
      toset(jsondecode(aws_iam_role_policy.trail_logs[0].policy).Statement[0].Action) == toset(["logs:CreateLogStream", "logs:PutLogEvents"]) &&
      jsondecode(aws_iam_role_policy.trail_logs[0].policy).Statement[0].Resource == "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudtrail/unit:log-stream:123456789012_CloudTrail_*" &&
      one([for s in jsondecode(aws_kms_key.logs[0].policy).Statement : s if s.Sid == "CloudWatchLogsEncryptsTheTrailLogGroup"]).Condition.ArnEquals["kms:EncryptionContext:aws:logs:arn"] == "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudtrail/unit"
    )
    error_message = "The delivery role must be assumable only for this trail and write only the trail's log streams; Logs may use the key only for that log group."
  }
}

run "everything_off" {
  command = plan

  variables {
    enable_guardduty   = false
    enable_inspector   = false
    enable_securityhub = false
    enable_config      = false
    enable_cloudtrail  = false
  }

  assert {
    condition = (
      length(aws_guardduty_detector.this) == 0 && length(aws_guardduty_detector_feature.this) == 0 &&
      length(aws_inspector2_enabler.this) == 0 &&
      length(aws_securityhub_account.this) == 0 && length(aws_securityhub_standards_subscription.this) == 0 &&
      length(aws_config_configuration_recorder.this) == 0 &&
      length(aws_cloudtrail.this) == 0 && length(aws_s3_bucket.logs) == 0 && length(aws_kms_key.logs) == 0
    )
    error_message = "Every service must be switchable off (they are account-wide; another stack may own them)."
  }
}

run "regional_stack_without_trail" {
  command = plan

  variables {
    enable_cloudtrail                = false
    config_include_global_resources  = false
    securityhub_cis_version          = "3.0.0"
    guardduty_ec2_runtime_monitoring = true
  }

  assert {
    condition = (
      length(aws_cloudtrail.this) == 0 &&
      length(aws_s3_bucket.logs) == 1 &&
      length(jsondecode(aws_s3_bucket_policy.logs[0].policy).Statement) == 1 &&
      length(jsondecode(aws_kms_key.logs[0].policy).Statement) == 1 &&
      aws_config_configuration_recorder.this[0].recording_group[0].include_global_resource_types == false
    )
    error_message = "Without the trail, the bucket and key must hold no CloudTrail grant; global resources recorded once per account."
  }

  assert {
    condition = (
      contains([for s in aws_securityhub_standards_subscription.this : s.standards_arn], "arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/3.0.0") &&
      { for c in aws_guardduty_detector_feature.this["RUNTIME_MONITORING"].additional_configuration : c.name => c.status }["EC2_AGENT_MANAGEMENT"] == "ENABLED"
    )
    error_message = "The CIS version and EC2 runtime monitoring toggles must take effect."
  }
}
