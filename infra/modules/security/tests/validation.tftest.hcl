# Bad inputs must be rejected by the variable validations, before any plan.

mock_provider "aws" {}

variables {
  name = "unit"
}

run "valid_inputs_plan" {
  command = plan

  assert {
    condition     = length(aws_cloudtrail.this) == 1
    error_message = "The baseline inputs of this file must plan."
  }
}

run "cis_1_2_is_rejected" {
  command = plan

  variables {
    securityhub_cis_version = "1.2.0"
  }

  expect_failures = [var.securityhub_cis_version]
}

run "inspector_without_ecr_is_rejected" {
  command = plan

  variables {
    inspector_resource_types = ["EC2"]
  }

  expect_failures = [var.inspector_resource_types]
}

run "unknown_inspector_type_is_rejected" {
  command = plan

  variables {
    inspector_resource_types = ["EC2", "ECR", "RDS"]
  }

  expect_failures = [var.inspector_resource_types]
}

run "expiry_before_archive_minimum_is_rejected" {
  command = plan

  variables {
    log_archive_after_days = 90
    log_expire_after_days  = 120
  }

  expect_failures = [var.log_expire_after_days]
}

run "archive_before_30_days_is_rejected" {
  command = plan

  variables {
    log_archive_after_days = 7
  }

  expect_failures = [var.log_archive_after_days]
}

run "bad_bucket_name_is_rejected" {
  command = plan

  variables {
    log_bucket_name = "Security_Logs"
  }

  expect_failures = [var.log_bucket_name]
}

run "bad_publishing_frequency_is_rejected" {
  command = plan

  variables {
    guardduty_finding_publishing_frequency = "ONE_DAY"
  }

  expect_failures = [var.guardduty_finding_publishing_frequency]
}

run "config_hourly_is_rejected" {
  command = plan

  variables {
    config_recording_frequency = "HOURLY"
  }

  expect_failures = [var.config_recording_frequency]
}

run "retention_not_a_cloudwatch_value_is_rejected" {
  command = plan

  variables {
    cloudtrail_log_retention_days = 100
  }

  expect_failures = [var.cloudtrail_log_retention_days]
}
