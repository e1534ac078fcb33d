# Bad inputs must be rejected by the variable validations, before any plan.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { region = "us-east-1" }
  }
}

variables {
  name   = "unit"
  vpc_id = "vpc-lb"
  public_subnet_ids = {
    "us-east-1a" = "subnet-lba"
    "us-east-1b" = "subnet-lbb"
  }
  gateway_cidrs   = ["10.100.0.0/19", "10.100.32.0/19"]
  certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/0b6c3a52-1f1e-4c1a-9a51-6f1d2c3b4a5e"
}

run "valid_inputs_plan" {
  command = plan

  assert {
    condition     = length(aws_eip.nlb) == 2
    error_message = "The baseline inputs of this file must plan."
  }
}

run "old_tls_policy_is_rejected" {
  command = plan

  variables {
    ssl_policy = "ELBSecurityPolicy-2016-08"
  }

  expect_failures = [var.ssl_policy]
}

run "tls_1_0_policy_is_rejected" {
  command = plan

  variables {
    ssl_policy = "ELBSecurityPolicy-TLS13-1-0-2021-06"
  }

  expect_failures = [var.ssl_policy]
}

run "legacy_cipher_policy_is_rejected" {
  command = plan

  variables {
    ssl_policy = "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06"
  }

  expect_failures = [var.ssl_policy]
}

run "single_az_is_rejected" {
  command = plan

  variables {
    public_subnet_ids = { "us-east-1a" = "subnet-lba" }
  }

  expect_failures = [var.public_subnet_ids]
}

run "zone_id_key_is_rejected" {
  command = plan

  variables {
    public_subnet_ids = { "use1-az1" = "subnet-lba", "use1-az2" = "subnet-lbb" }
  }

  expect_failures = [var.public_subnet_ids]
}

run "same_subnet_twice_is_rejected" {
  command = plan

  variables {
    public_subnet_ids = { "us-east-1a" = "subnet-lba", "us-east-1b" = "subnet-lba" }
  }

  expect_failures = [var.public_subnet_ids]
}

run "public_gateway_cidr_is_rejected" {
  command = plan

  variables {
    gateway_cidrs = ["0.0.0.0/0"]
  }

  expect_failures = [var.gateway_cidrs]
}

run "non_network_gateway_cidr_is_rejected" {
  command = plan

  variables {
    gateway_cidrs = ["10.100.1.0/19"]
  }

  expect_failures = [var.gateway_cidrs]
}

run "empty_gateway_cidrs_are_rejected" {
  command = plan

  variables {
    gateway_cidrs = []
  }

  expect_failures = [var.gateway_cidrs]
}

run "gateway_port_0_is_rejected" {
  command = plan

  variables {
    gateway_port = 0
  }

  expect_failures = [var.gateway_port]
}

run "malformed_certificate_arn_is_rejected" {
  command = plan

  variables {
    certificate_arn = "arn:aws:iam::123456789012:server-certificate/unit"
  }

  expect_failures = [var.certificate_arn]
}

run "timeout_longer_than_interval_is_rejected" {
  command = plan

  variables {
    health_check_interval = 10
    health_check_timeout  = 20
  }

  expect_failures = [var.health_check_timeout]
}

run "threshold_1_is_rejected" {
  command = plan

  variables {
    unhealthy_threshold = 1
  }

  expect_failures = [var.unhealthy_threshold]
}

run "interval_4_is_rejected" {
  command = plan

  variables {
    health_check_interval = 4
    health_check_timeout  = 2
  }

  expect_failures = [var.health_check_interval]
}

run "deregistration_delay_too_long_is_rejected" {
  command = plan

  variables {
    deregistration_delay = 3601
  }

  expect_failures = [var.deregistration_delay]
}

run "awslogs_in_prefix_is_rejected" {
  command = plan

  variables {
    access_log_prefix = "logs/AWSLogs"
  }

  expect_failures = [var.access_log_prefix]
}

run "prefix_with_trailing_slash_is_rejected" {
  command = plan

  variables {
    access_log_prefix = "nlb/"
  }

  expect_failures = [var.access_log_prefix]
}

run "zero_expiration_is_rejected" {
  command = plan

  variables {
    access_log_expiration_days = 0
  }

  expect_failures = [var.access_log_expiration_days]
}

run "long_name_is_rejected" {
  command = plan

  variables {
    name = "a-name-that-is-far-too-long-for-an-nlb"
  }

  expect_failures = [var.name]
}

run "bad_vpc_id_is_rejected" {
  command = plan

  variables {
    vpc_id = "lb"
  }

  expect_failures = [var.vpc_id]
}
