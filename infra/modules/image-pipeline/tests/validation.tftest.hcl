# Bad inputs must be rejected by the variable validations, before any plan.

mock_provider "aws" {
  mock_data "aws_ssm_parameter" {
    defaults = { insecure_value = "ami-0123456789abcdef0" }
  }
}

variables {
  name      = "unit"
  vpc_id    = "vpc-security"
  subnet_id = "subnet-0security1a"
}

run "valid_inputs_plan" {
  command = plan

  assert {
    condition     = aws_imagebuilder_image_pipeline.this.schedule[0].schedule_expression == "cron(0 3 ? * 1#1 *)"
    error_message = "The baseline inputs of this file must plan."
  }
}

run "day_of_month_schedule_is_accepted" {
  command = plan

  variables {
    schedule_expression = "cron(15 4 1 * ? *)"
  }

  assert {
    condition     = aws_imagebuilder_image_pipeline.this.schedule[0].schedule_expression == "cron(15 4 1 * ? *)"
    error_message = "A fixed day of the month is a monthly schedule."
  }
}

run "weekly_schedule_is_rejected" {
  command = plan

  variables {
    schedule_expression = "cron(0 3 ? * 1 *)"
  }

  expect_failures = [var.schedule_expression]
}

run "daily_schedule_is_rejected" {
  command = plan

  variables {
    schedule_expression = "cron(0 3 * * ? *)"
  }

  expect_failures = [var.schedule_expression]
}

run "quarterly_schedule_is_rejected" {
  command = plan

  variables {
    schedule_expression = "cron(0 3 1 1/3 ? *)"
  }

  expect_failures = [var.schedule_expression]
}

run "rate_expression_is_rejected" {
  command = plan

  variables {
    schedule_expression = "rate(30 days)"
  }

  expect_failures = [var.schedule_expression]
}

run "day_29_is_rejected" {
  command = plan

  variables {
    schedule_expression = "cron(0 3 30 * ? *)"
  }

  expect_failures = [var.schedule_expression]
}

run "unknown_start_condition_is_rejected" {
  command = plan

  variables {
    pipeline_execution_start_condition = "ALWAYS"
  }

  expect_failures = [var.pipeline_execution_start_condition]
}

run "parameter_under_aws_is_rejected" {
  command = plan

  variables {
    ami_ssm_parameter_name = "/aws/service/org-app/ami"
  }

  expect_failures = [var.ami_ssm_parameter_name]
}

run "relative_parameter_name_is_rejected" {
  command = plan

  variables {
    ami_ssm_parameter_name = "org-app/ami"
  }

  expect_failures = [var.ami_ssm_parameter_name]
}

run "plain_http_mirror_is_rejected" {
  command = plan

  variables {
    clamav_private_mirror = "http://mirror.example.com/clamav"
  }

  expect_failures = [var.clamav_private_mirror]
}

run "minor_only_kubectl_version_is_rejected" {
  command = plan

  variables {
    kubectl_version = "1.36"
  }

  expect_failures = [var.kubectl_version]
}

run "duplicate_regions_are_rejected" {
  command = plan

  variables {
    distribution_regions = ["us-east-1", "us-east-1"]
  }

  expect_failures = [var.distribution_regions]
}

run "bad_egress_cidr_is_rejected" {
  command = plan

  variables {
    https_egress_cidrs = ["10.0.0.1/8"]
  }

  expect_failures = [var.https_egress_cidrs]
}

run "non_imagebuilder_extra_component_is_rejected" {
  command = plan

  variables {
    extra_component_arns = ["arn:aws:ssm:us-east-1:123456789012:document/harden"]
  }

  expect_failures = [var.extra_component_arns]
}
