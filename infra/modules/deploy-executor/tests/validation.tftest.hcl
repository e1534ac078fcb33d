# Bad inputs fail at plan with the variable's message.

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

variables {
  name                      = "org-app-dev-use1"
  vpc_id                    = "vpc-0123456789abcdef0"
  vpc_cidr                  = "10.100.0.0/16"
  subnet_ids                = ["subnet-0aaa1"]
  vpc_endpoint_cidrs        = ["10.100.96.0/24"]
  s3_prefix_list_id         = "pl-63a5400a"
  cluster_security_group_id = "sg-0cluster1"
}

run "name_too_long" {
  command = plan
  variables {
    name = "org-app-staging-us-east-1-deploy-executor"
  }
  expect_failures = [var.name]
}

run "no_subnets" {
  command = plan
  variables {
    subnet_ids = []
  }
  expect_failures = [var.subnet_ids]
}

run "endpoint_cidrs_open_to_the_internet" {
  command = plan
  variables {
    vpc_endpoint_cidrs = ["0.0.0.0/0"]
  }
  expect_failures = [var.vpc_endpoint_cidrs]
}

run "custom_image" {
  command = plan
  variables {
    image = "docker.io/library/alpine:3"
  }
  expect_failures = [var.image]
}

run "large_compute" {
  command = plan
  variables {
    compute_type = "BUILD_GENERAL1_2XLARGE"
  }
  expect_failures = [var.compute_type]
}

run "unbounded_timeout" {
  command = plan
  variables {
    build_timeout_minutes = 480
  }
  expect_failures = [var.build_timeout_minutes]
}

run "retention_not_a_cloudwatch_value" {
  command = plan
  variables {
    log_retention_days = 2
  }
  expect_failures = [var.log_retention_days]
}

run "objects_kept_too_long" {
  command = plan
  variables {
    object_expiration_days = 30
  }
  expect_failures = [var.object_expiration_days]
}

run "wildcard_repository" {
  command = plan
  variables {
    ecr_repository_names = ["*"]
  }
  expect_failures = [var.ecr_repository_names]
}

run "prefix_with_slash" {
  command = plan
  variables {
    ecr_pull_through_prefixes = ["k8s/*"]
  }
  expect_failures = [var.ecr_pull_through_prefixes]
}

run "not_a_security_group" {
  command = plan
  variables {
    cluster_security_group_id = "cluster"
  }
  expect_failures = [var.cluster_security_group_id]
}
