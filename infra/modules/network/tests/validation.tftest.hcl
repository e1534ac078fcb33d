# Bad inputs must be rejected by the variable validations (or, for checks that
# need the region or partition, by a precondition at plan).

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { region = "us-east-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
}

variables {
  name = "unit"
  azs  = ["us-east-1a", "us-east-1b", "us-east-1c"]
  vpc_cidrs = {
    security = "10.10.0.0/20"
    lb       = "10.20.0.0/20"
    app      = "10.100.0.0/16"
  }
}

run "valid_inputs_plan" {
  command = plan

  assert {
    condition     = length(output.azs) == 3
    error_message = "The baseline inputs of this file must plan."
  }
}

run "az_count_1_is_rejected" {
  command = plan

  variables {
    az_count = 1
  }

  expect_failures = [var.az_count]
}

run "az_count_7_is_rejected" {
  command = plan

  variables {
    az_count = 7
    azs      = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f", "us-east-1g"]
  }

  expect_failures = [var.az_count]
}

run "fractional_az_count_is_rejected" {
  command = plan

  variables {
    az_count = 2.5
  }

  expect_failures = [var.az_count]
}

run "overlapping_vpc_cidrs_are_rejected" {
  command = plan

  variables {
    vpc_cidrs = {
      security = "10.100.16.0/20"
      lb       = "10.20.0.0/20"
      app      = "10.100.0.0/16"
    }
  }

  expect_failures = [var.vpc_cidrs]
}

run "identical_vpc_cidrs_are_rejected" {
  command = plan

  variables {
    vpc_cidrs = {
      security = "10.10.0.0/20"
      lb       = "10.10.0.0/20"
      app      = "10.100.0.0/16"
    }
  }

  expect_failures = [var.vpc_cidrs]
}

run "public_vpc_cidr_is_rejected" {
  command = plan

  variables {
    vpc_cidrs = {
      security = "10.10.0.0/20"
      lb       = "10.20.0.0/20"
      app      = "8.8.0.0/16"
    }
  }

  expect_failures = [var.vpc_cidrs]
}

run "range_next_to_rfc1918_is_rejected" {
  command = plan

  variables {
    vpc_cidrs = {
      security = "172.32.0.0/20"
      lb       = "10.20.0.0/20"
      app      = "10.100.0.0/16"
    }
  }

  expect_failures = [var.vpc_cidrs]
}

run "too_small_app_vpc_is_rejected" {
  command = plan

  variables {
    vpc_cidrs = {
      security = "10.10.0.0/20"
      lb       = "10.20.0.0/20"
      app      = "10.100.0.0/20"
    }
  }

  expect_failures = [var.vpc_cidrs]
}

run "too_small_security_vpc_is_rejected" {
  command = plan

  variables {
    vpc_cidrs = {
      security = "10.10.0.0/24"
      lb       = "10.20.0.0/20"
      app      = "10.100.0.0/16"
    }
  }

  expect_failures = [var.vpc_cidrs]
}

run "host_address_instead_of_network_is_rejected" {
  command = plan

  variables {
    vpc_cidrs = {
      security = "10.10.0.0/20"
      lb       = "10.20.0.0/20"
      app      = "10.100.1.0/16"
    }
  }

  expect_failures = [var.vpc_cidrs]
}

run "malformed_cidr_is_rejected" {
  command = plan

  variables {
    vpc_cidrs = {
      security = "10.10.0.0"
      lb       = "10.20.0.0/20"
      app      = "10.100.0.0/16"
    }
  }

  expect_failures = [var.vpc_cidrs]
}

run "fewer_azs_than_az_count_is_rejected" {
  command = plan

  variables {
    az_count = 3
    azs      = ["us-east-1a", "us-east-1b"]
  }

  expect_failures = [var.azs]
}

run "zone_ids_are_rejected" {
  command = plan

  variables {
    azs = ["use1-az1", "use1-az2", "use1-az4"]
  }

  expect_failures = [var.azs]
}

run "repeated_azs_are_rejected" {
  command = plan

  variables {
    azs = ["us-east-1a", "us-east-1a", "us-east-1b"]
  }

  expect_failures = [var.azs]
}

run "s3_interface_endpoint_is_rejected" {
  command = plan

  variables {
    interface_endpoints = ["sts", "s3"]
  }

  expect_failures = [var.interface_endpoints]
}

run "full_service_name_is_rejected" {
  command = plan

  variables {
    interface_endpoints = ["com.amazonaws.us-east-1.sts"]
  }

  expect_failures = [var.interface_endpoints]
}

run "unsupported_retention_is_rejected" {
  command = plan

  variables {
    flow_log_retention_days = 0
  }

  expect_failures = [var.flow_log_retention_days]
}

run "bad_aggregation_interval_is_rejected" {
  command = plan

  variables {
    flow_log_max_aggregation_interval = 300
  }

  expect_failures = [var.flow_log_max_aggregation_interval]
}

run "bad_name_is_rejected" {
  command = plan

  variables {
    name = "Prod_US"
  }

  expect_failures = [var.name]
}

run "public_asn_is_rejected" {
  command = plan

  variables {
    transit_gateway_asn = 16509
  }

  expect_failures = [var.transit_gateway_asn]
}

run "any_bucket_s3_policy_is_rejected" {
  command = plan

  variables {
    security_s3_object_arns = ["arn:aws:s3:::*/*"]
  }

  expect_failures = [var.security_s3_object_arns]
}

run "wildcard_bucket_in_s3_policy_is_rejected" {
  command = plan

  variables {
    security_s3_object_arns = ["arn:aws:s3:::al2023-repos-us-east-1-*/*"]
  }

  expect_failures = [var.security_s3_object_arns]
}

run "any_bucket_of_another_partition_is_rejected" {
  command = plan

  variables {
    security_s3_object_arns = ["arn:aws-us-gov:s3:::*/*"]
  }

  expect_failures = [var.security_s3_object_arns]
}

run "s3_arn_of_another_partition_is_rejected_at_plan" {
  command = plan

  variables {
    security_s3_object_arns = ["arn:aws-cn:s3:::al2023-repos-cn-north-1-de612dc2/*"]
  }

  expect_failures = [aws_vpc_endpoint.security_s3]
}

run "security_22_holds_four_azs" {
  command = plan

  variables {
    az_count = 4
    azs      = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"]
    vpc_cidrs = {
      security = "10.10.0.0/22"
      lb       = "10.20.0.0/22"
      app      = "10.100.0.0/16"
    }
  }

  assert {
    condition     = length(aws_subnet.security_vpn) == 4 && aws_subnet.security_vpn["us-east-1d"].cidr_block == "10.10.3.96/27"
    error_message = "A /22 security VPC must hold a /27 Client VPN subnet for each of four AZs."
  }
}

run "security_22_with_five_azs_is_rejected" {
  command = plan

  variables {
    az_count = 5
    azs      = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e"]
    vpc_cidrs = {
      security = "10.10.0.0/22"
      lb       = "10.20.0.0/22"
      app      = "10.100.0.0/16"
    }
  }

  expect_failures = [aws_vpc.security]
}

run "bad_organization_id_is_rejected" {
  command = plan

  variables {
    endpoint_organization_id = "r-abc123"
  }

  expect_failures = [var.endpoint_organization_id]
}

run "bad_account_id_is_rejected" {
  command = plan

  variables {
    endpoint_account_ids = ["12345"]
  }

  expect_failures = [var.endpoint_account_ids]
}

run "organization_and_accounts_together_are_rejected" {
  command = plan

  variables {
    endpoint_organization_id = "o-a1b2c3d4e5"
    endpoint_account_ids     = ["210987654321"]
  }

  expect_failures = [var.endpoint_account_ids]
}

run "wildcard_bucket_name_is_rejected" {
  command = plan

  variables {
    app_s3_bucket_names = ["org-*"]
  }

  expect_failures = [var.app_s3_bucket_names]
}

run "bucket_arn_instead_of_name_is_rejected" {
  command = plan

  variables {
    app_s3_bucket_names = ["arn:aws:s3:::org-artifacts"]
  }

  expect_failures = [var.app_s3_bucket_names]
}

run "allow_everything_domain_is_rejected" {
  command = plan

  variables {
    dns_firewall_allowed_domains = ["*"]
  }

  expect_failures = [var.dns_firewall_allowed_domains]
}

run "top_level_domain_wildcard_is_rejected" {
  command = plan

  variables {
    dns_firewall_allowed_domains = ["*.com"]
  }

  expect_failures = [var.dns_firewall_allowed_domains]
}

run "mid_label_wildcard_is_rejected" {
  command = plan

  variables {
    dns_firewall_allowed_domains = ["api.*.example.com"]
  }

  expect_failures = [var.dns_firewall_allowed_domains]
}

run "bad_dns_log_retention_is_rejected" {
  command = plan

  variables {
    dns_query_log_retention_days = 0
  }

  expect_failures = [var.dns_query_log_retention_days]
}

run "interface_endpoint_az_count_0_is_rejected" {
  command = plan

  variables {
    interface_endpoint_az_count = 0
  }

  expect_failures = [var.interface_endpoint_az_count]
}

run "interface_endpoint_az_count_above_az_count_is_rejected" {
  command = plan

  variables {
    az_count                    = 2
    interface_endpoint_az_count = 3
  }

  expect_failures = [var.interface_endpoint_az_count]
}

run "fractional_interface_endpoint_az_count_is_rejected" {
  command = plan

  variables {
    interface_endpoint_az_count = 1.5
  }

  expect_failures = [var.interface_endpoint_az_count]
}
