# Bad inputs must be rejected by the variable validations, before any plan.

mock_provider "aws" {}

variables {
  name                    = "unit"
  cluster_name            = "unit-cluster"
  nlb_arn_suffix          = "net/unit-nlb/0123456789abcdef"
  target_group_arn_suffix = "targetgroup/unit-tg/fedcba9876543210"
}

run "valid_inputs_plan" {
  command = plan

  assert {
    condition     = length(aws_cloudwatch_log_group.this) == 4
    error_message = "The baseline inputs of this file must plan."
  }
}

run "retention_not_a_cloudwatch_value_is_rejected" {
  command = plan

  variables {
    log_retention_days = { app = 45 }
  }

  expect_failures = [var.log_retention_days]
}

run "never_expire_retention_is_rejected" {
  command = plan

  variables {
    log_retention_days = { metrics = 0 }
  }

  expect_failures = [var.log_retention_days]
}

run "plain_http_subscription_is_rejected" {
  command = plan

  variables {
    alarm_https_endpoints = ["http://events.example.com/sns"]
  }

  expect_failures = [var.alarm_https_endpoints]
}

run "malformed_email_is_rejected" {
  command = plan

  variables {
    alarm_email_addresses = ["oncall"]
  }

  expect_failures = [var.alarm_email_addresses]
}

run "ratio_threshold_as_percent_is_rejected" {
  command = plan

  variables {
    error_5xx_ratio_threshold = 5
  }

  expect_failures = [var.error_5xx_ratio_threshold]
}

run "slo_above_100_is_rejected" {
  command = plan

  variables {
    canary_success_slo_percent = 100.1
  }

  expect_failures = [var.canary_success_slo_percent]
}

run "zero_minimum_nodes_is_rejected" {
  command = plan

  variables {
    min_ready_nodes = 0
  }

  expect_failures = [var.min_ready_nodes]
}

run "full_nlb_arn_instead_of_suffix_is_rejected" {
  command = plan

  variables {
    nlb_arn_suffix = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/unit-nlb/0123456789abcdef"
  }

  expect_failures = [var.nlb_arn_suffix]
}

run "application_target_group_suffix_is_rejected" {
  command = plan

  variables {
    target_group_arn_suffix = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/unit-tg/fedcba9876543210"
  }

  expect_failures = [var.target_group_arn_suffix]
}

run "non_nat_gateway_id_is_rejected" {
  command = plan

  variables {
    nat_gateway_ids = { "us-east-1a" = "igw-0aaaaaaaaaaaaaaaa" }
  }

  expect_failures = [var.nat_gateway_ids]
}
