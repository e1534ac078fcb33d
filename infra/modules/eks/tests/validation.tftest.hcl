# Bad inputs must be rejected by the variable validations, before any plan,
# each with its own message. The first run proves the baseline inputs plan.

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
  name     = "unit"
  vpc_id   = "vpc-app"
  vpc_cidr = "10.100.0.0/16"
  node_subnet_ids = {
    "us-east-1a" = "subnet-0node1a"
    "us-east-1b" = "subnet-0node1b"
    "us-east-1c" = "subnet-0node1c"
  }
  control_plane_subnet_ids = {
    "us-east-1a" = "subnet-0intra1a"
    "us-east-1b" = "subnet-0intra1b"
    "us-east-1c" = "subnet-0intra1c"
  }
  jump_host_cidrs        = ["10.100.254.0/24"]
  lb_public_subnet_cidrs = ["10.20.0.0/23", "10.20.2.0/23", "10.20.4.0/23"]
  vpc_endpoint_cidrs     = ["10.100.224.0/24", "10.100.225.0/24", "10.100.226.0/24"]

  access_entries = {
    "arn:aws:iam::123456789012:role/platform-admin"      = { policy = "AmazonEKSClusterAdminPolicy" }
    "arn:aws:iam::123456789012:role/teams/app-developer" = { policy = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy", scope = "namespace", namespaces = ["org-app", "nginx-gateway"] }
  }
  ci_deploy_role_arn = "arn:aws:iam::123456789012:role/github-deploy"

  app_secret_arn        = "arn:aws:secretsmanager:us-east-1:123456789012:secret:org-app/unit/devops-AbCdEf"
  app_log_group_arn     = "arn:aws:logs:us-east-1:123456789012:log-group:/org-app/unit/app"
  metrics_log_group_arn = "arn:aws:logs:us-east-1:123456789012:log-group:/org-app/unit/metrics:*"
  canary_log_group_arn  = "arn:aws:logs:us-east-1:123456789012:log-group:/org-app/unit/canary"
  target_group_arns     = ["arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/unit-gateway/0123456789abcdef"]
}

run "valid_inputs_plan" {
  command = plan

  assert {
    condition     = length(aws_eks_node_group.this) == 3
    error_message = "The baseline inputs of this file must plan."
  }
}

run "name_with_capitals_is_rejected" {
  command = plan

  variables {
    name = "Org_App"
  }

  expect_failures = [var.name]
}

run "kubernetes_version_out_of_support_is_rejected" {
  command = plan

  variables {
    kubernetes_version = "1.29"
  }

  expect_failures = [var.kubernetes_version]
}

run "kubernetes_patch_version_is_rejected" {
  command = plan

  variables {
    kubernetes_version = "1.36.2"
  }

  expect_failures = [var.kubernetes_version]
}

run "single_az_node_subnets_are_rejected" {
  command = plan

  variables {
    node_subnet_ids = { "us-east-1a" = "subnet-0node1a" }
  }

  expect_failures = [var.node_subnet_ids]
}

run "zone_ids_as_node_subnet_keys_are_rejected" {
  command = plan

  variables {
    node_subnet_ids = { "use1-az1" = "subnet-0node1a", "use1-az2" = "subnet-0node1b" }
  }

  expect_failures = [var.node_subnet_ids]
}

run "node_subnets_of_two_regions_are_rejected" {
  command = plan

  variables {
    node_subnet_ids = { "us-east-1a" = "subnet-0node1a", "us-west-2b" = "subnet-0node2b" }
  }

  expect_failures = [var.node_subnet_ids]
}

run "single_control_plane_subnet_is_rejected" {
  command = plan

  variables {
    control_plane_subnet_ids = { "us-east-1a" = "subnet-0intra1a" }
  }

  expect_failures = [var.control_plane_subnet_ids]
}

run "jump_host_cidr_open_to_the_world_is_rejected" {
  command = plan

  variables {
    jump_host_cidrs = ["0.0.0.0/0"]
  }

  expect_failures = [var.jump_host_cidrs]
}

run "no_jump_host_cidr_is_rejected" {
  command = plan

  variables {
    jump_host_cidrs = []
  }

  expect_failures = [var.jump_host_cidrs]
}

run "ci_runner_cidr_open_to_the_world_is_rejected" {
  command = plan

  variables {
    ci_runner_cidrs = ["0.0.0.0/0"]
  }

  expect_failures = [var.ci_runner_cidrs]
}

run "api_client_group_not_a_group_id" {
  command = plan

  variables {
    api_client_security_group_ids = { deploy-executor = "10.100.0.0/16" }
  }

  expect_failures = [var.api_client_security_group_ids]
}

run "public_ci_runner_cidr_is_rejected" {
  command = plan

  variables {
    ci_runner_cidrs = ["203.0.113.0/24"]
  }

  expect_failures = [var.ci_runner_cidrs]
}

run "lb_subnet_cidr_open_to_the_world_is_rejected" {
  command = plan

  variables {
    lb_public_subnet_cidrs = ["0.0.0.0/0"]
  }

  expect_failures = [var.lb_public_subnet_cidrs]
}

run "endpoint_cidr_outside_the_vpc_is_rejected" {
  command = plan

  variables {
    vpc_endpoint_cidrs = ["10.200.0.0/24"]
  }

  expect_failures = [var.vpc_endpoint_cidrs]
}

run "gateway_port_zero_is_rejected" {
  command = plan

  variables {
    gateway_port = 0
  }

  expect_failures = [var.gateway_port]
}

run "cluster_to_node_ports_without_kubelet_are_rejected" {
  command = plan

  variables {
    cluster_to_node_ports = [443, 9443]
  }

  expect_failures = [var.cluster_to_node_ports]
}

run "service_cidr_overlapping_the_vpc_is_rejected" {
  command = plan

  variables {
    service_ipv4_cidr = "10.100.0.0/16"
  }

  expect_failures = [var.service_ipv4_cidr]
}

run "access_entry_for_an_iam_user_is_rejected" {
  command = plan

  variables {
    access_entries = { "arn:aws:iam::123456789012:user/alice" = { policy = "AmazonEKSViewPolicy" } }
  }

  expect_failures = [var.access_entries]
}

run "access_entry_with_unknown_policy_is_rejected" {
  command = plan

  variables {
    access_entries = { "arn:aws:iam::123456789012:role/ops" = { policy = "cluster-admin" } }
  }

  expect_failures = [var.access_entries]
}

run "namespace_scope_without_namespaces_is_rejected" {
  command = plan

  variables {
    access_entries = { "arn:aws:iam::123456789012:role/ops" = { policy = "AmazonEKSEditPolicy", scope = "namespace" } }
  }

  expect_failures = [var.access_entries]
}

run "cluster_scope_with_namespaces_is_rejected" {
  command = plan

  variables {
    access_entries = { "arn:aws:iam::123456789012:role/ops" = { policy = "AmazonEKSEditPolicy", namespaces = ["org-app"] } }
  }

  expect_failures = [var.access_entries]
}

run "ci_role_also_in_access_entries_is_rejected" {
  command = plan

  variables {
    ci_deploy_role_arn = "arn:aws:iam::123456789012:role/platform-admin"
  }

  expect_failures = [var.ci_deploy_role_arn]
}

run "min_size_zero_is_rejected" {
  command = plan

  variables {
    node_min_size_per_az     = 0
    node_desired_size_per_az = 0
  }

  expect_failures = [var.node_min_size_per_az]
}

run "max_size_below_min_is_rejected" {
  command = plan

  variables {
    node_min_size_per_az     = 3
    node_desired_size_per_az = 3
    node_max_size_per_az     = 2
  }

  expect_failures = [var.node_max_size_per_az]
}

run "desired_size_above_max_is_rejected" {
  command = plan

  variables {
    node_desired_size_per_az = 4
  }

  expect_failures = [var.node_desired_size_per_az]
}

run "desired_size_below_min_is_rejected" {
  command = plan

  variables {
    node_min_size_per_az = 2
  }

  expect_failures = [var.node_desired_size_per_az]
}

run "amazon_linux_2_is_rejected" {
  command = plan

  variables {
    node_ami_type = "AL2_x86_64"
  }

  expect_failures = [var.node_ami_type]
}

run "malformed_addon_version_is_rejected" {
  command = plan

  variables {
    addon_versions = { coredns = "1.12" }
  }

  expect_failures = [var.addon_versions]
}

run "malformed_secret_arn_is_rejected" {
  command = plan

  variables {
    app_secret_arn = "org-app/devops"
  }

  expect_failures = [var.app_secret_arn]
}

run "malformed_log_group_arn_is_rejected" {
  command = plan

  variables {
    canary_log_group_arn = "/org-app/unit/canary"
  }

  expect_failures = [var.canary_log_group_arn]
}

run "no_target_group_is_rejected" {
  command = plan

  variables {
    target_group_arns = []
  }

  expect_failures = [var.target_group_arns]
}

run "unsupported_log_retention_is_rejected" {
  command = plan

  variables {
    log_retention_days = 10
  }

  expect_failures = [var.log_retention_days]
}

run "wildcard_pull_through_prefix_is_rejected" {
  command = plan

  variables {
    pull_through_cache_prefixes = ["*"]
  }

  expect_failures = [var.pull_through_cache_prefixes]
}

run "pull_through_prefix_with_trailing_slash_is_rejected" {
  command = plan

  variables {
    pull_through_cache_prefixes = ["ecr-public/"]
  }

  expect_failures = [var.pull_through_cache_prefixes]
}

run "repeated_pull_through_prefix_is_rejected" {
  command = plan

  variables {
    pull_through_cache_prefixes = ["k8s", "k8s"]
  }

  expect_failures = [var.pull_through_cache_prefixes]
}
