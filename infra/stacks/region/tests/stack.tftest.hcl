# The regional stack's own decisions, planned against OpenTofu's mock
# provider: names, which modules exist in the primary region only, which
# certificate the NLB serves, and how outputs of one module become inputs of
# another. Whole-stack invariants (one internet-facing rule, IMDSv2
# everywhere, ...) are checked on the offline-applied live roots by
# internal/stacktest.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { region = "us-east-1", name = "us-east-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333" }
  }
  mock_data "aws_acm_certificate" {
    defaults = { arn = "arn:aws:acm:us-east-1:111122223333:certificate/3f2a1b4c-0000-4000-8000-000000000001" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
  mock_resource "aws_security_group" {
    defaults = { id = "sg-0123456789abcdef0" }
  }
  mock_resource "aws_ec2_transit_gateway" {
    defaults = { id = "tgw-0123456789abcdef0" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-4000-8000-000000000000" }
  }
  mock_resource "aws_secretsmanager_secret" {
    defaults = { arn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:org-app/devops-secret-AbCdEf" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:111122223333:log-group:/org-app/test" }
  }
  mock_resource "aws_lb" {
    defaults = { arn_suffix = "net/org-app-dev-use1-nlb/0123456789abcdef", dns_name = "org-app-dev-use1-nlb-0123.elb.us-east-1.amazonaws.com", zone_id = "Z26RNL4JYFTOTI" }
  }
  mock_resource "aws_lb_target_group" {
    defaults = { arn = "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/gw/0123456789abcdef", arn_suffix = "targetgroup/gw/0123456789abcdef" }
  }
  mock_resource "aws_eks_cluster" {
    defaults = { endpoint = "https://0123456789ABCDEF0123456789ABCDEF.gr7.us-east-1.eks.amazonaws.com" }
  }
  mock_resource "aws_acm_certificate" {
    defaults = { arn = "arn:aws:acm:us-east-1:111122223333:certificate/3f2a1b4c-0000-4000-8000-000000000002" }
  }
}

# The network module is tested on its own; here it stands in with distinct
# ids per AZ (the mock provider would give every subnet the same one).
override_module {
  target = module.network
  outputs = {
    azs       = ["us-east-1a", "us-east-1b"]
    vpc_ids   = { security = "vpc-0000000000000sec0", lb = "vpc-00000000000000lb0", app = "vpc-0000000000000app0" }
    vpc_cidrs = { security = "10.10.0.0/20", lb = "10.20.0.0/20", app = "10.100.0.0/16" }
    subnets = {
      security_private = { "us-east-1a" = { id = "subnet-0000000000sec0a", cidr_block = "10.10.0.0/24" }, "us-east-1b" = { id = "subnet-0000000000sec0b", cidr_block = "10.10.1.0/24" } }
      security_vpn     = { "us-east-1a" = { id = "subnet-0000000000vpn0a", cidr_block = "10.10.8.0/27" }, "us-east-1b" = { id = "subnet-0000000000vpn0b", cidr_block = "10.10.8.32/27" } }
      lb_public        = { "us-east-1a" = { id = "subnet-00000000000lb0a", cidr_block = "10.20.0.0/24" }, "us-east-1b" = { id = "subnet-00000000000lb0b", cidr_block = "10.20.1.0/24" } }
      app_private      = { "us-east-1a" = { id = "subnet-0000000000app0a", cidr_block = "10.100.0.0/19" }, "us-east-1b" = { id = "subnet-0000000000app0b", cidr_block = "10.100.32.0/19" } }
      app_intra        = { "us-east-1a" = { id = "subnet-000000000intr0a", cidr_block = "10.100.224.0/24" }, "us-east-1b" = { id = "subnet-000000000intr0b", cidr_block = "10.100.225.0/24" } }
      app_jump         = { "us-east-1a" = { id = "subnet-000000000jump0a", cidr_block = "10.100.254.0/28" }, "us-east-1b" = { id = "subnet-000000000jump0b", cidr_block = "10.100.254.16/28" } }
    }
    security_private_subnet_ids = { "us-east-1a" = "subnet-0000000000sec0a", "us-east-1b" = "subnet-0000000000sec0b" }
    lb_public_subnet_ids        = { "us-east-1a" = "subnet-00000000000lb0a", "us-east-1b" = "subnet-00000000000lb0b" }
    app_private_subnet_ids      = { "us-east-1a" = "subnet-0000000000app0a", "us-east-1b" = "subnet-0000000000app0b" }
    app_intra_subnet_ids        = { "us-east-1a" = "subnet-000000000intr0a", "us-east-1b" = "subnet-000000000intr0b" }
    app_jump_cidr               = "10.100.254.0/24"
    vpc_endpoint_cidrs          = ["10.100.224.0/24", "10.100.225.0/24"]
    s3_gateway_prefix_list_id   = "pl-63a5400a"
    nat_gateway_ids             = { "us-east-1a" = "nat-0000000000000000a" }
  }
}

variables {
  environment = "dev"
  azs         = ["us-east-1a", "us-east-1b"]
  regions     = ["us-east-1"]
  vpc_cidrs = {
    security = "10.10.0.0/20"
    lb       = "10.20.0.0/20"
    app      = "10.100.0.0/16"
  }
  single_nat_gateway = true
  service_fqdn       = "api.dev.example.com"
  access = {
    client_cidr_block                 = "10.200.0.0/22"
    server_certificate_arn            = "arn:aws:acm:us-east-1:111122223333:certificate/0b1e1b6e-5a8d-4c1e-9a55-0c2e1f0e7a01"
    client_root_certificate_chain_arn = "arn:aws:acm:us-east-1:111122223333:certificate/5c7a3f5e-2b4d-4e8f-8a1c-3d2e6f9b0c02"
  }
  ci = {
    github_owner      = "example-org"
    github_repository = "k8s-cluster-infra"
    state_bucket_arn  = "arn:aws:s3:::org-app-tfstate-111122223333-us-east-1"
  }
}

run "primary_region_holds_the_account_wide_pieces" {
  command = plan

  assert {
    condition     = output.name == "org-app-dev-use1"
    error_message = "the default name must be org-app-<environment>-<region code>"
  }

  assert {
    condition     = length(module.registry) == 1 && length(module.image_pipeline) == 1 && length(module.ci_identity) == 1
    error_message = "the primary region must hold the registry, the image pipeline and the CI identity"
  }

  assert {
    condition     = output.ecr_repository_url == "111122223333.dkr.ecr.us-east-1.amazonaws.com/org-app"
    error_message = "the repository URL must name this account and region"
  }

  assert {
    condition     = output.ecr_pull_through_prefixes["registry.k8s.io"] == "111122223333.dkr.ecr.us-east-1.amazonaws.com/k8s"
    error_message = "registry.k8s.io images must come through the k8s pull-through prefix"
  }
}

run "a_second_region_leaves_them_to_the_primary" {
  command = plan

  variables {
    environment = "prod"
    regions     = ["us-west-2", "us-east-1"]
  }

  assert {
    condition     = length(module.registry) == 0 && length(module.image_pipeline) == 0 && length(module.ci_identity) == 0
    error_message = "a non-primary region must not create the account-wide pieces again"
  }

  assert {
    condition     = output.name == "org-app-prod-use1"
    error_message = "the name must follow the environment"
  }
}

run "wiring_between_modules" {
  command = plan

  assert {
    condition     = module.edge.gateway_port == 80
    error_message = "the NLB must forward to the gateway port 80"
  }

  assert {
    condition     = output.vpc_endpoint_cidrs == ["10.100.224.0/24", "10.100.225.0/24"]
    error_message = "the chart's NetworkPolicy peers must be the endpoint subnets"
  }

  assert {
    condition     = output.app_vpc_id == "vpc-0000000000000app0" && output.lb_vpc_id == "vpc-00000000000000lb0"
    error_message = "the VPC ids the platform add-ons need must come from the network module"
  }

  assert {
    condition     = toset(module.access.jump_host_https_egress_cidrs) == toset(["10.100.224.0/24", "10.100.225.0/24"])
    error_message = "the jump host's HTTPS must reach exactly the EKS control-plane subnets"
  }
}

run "deploy_executor_is_on_by_default_and_deploys_to_the_cluster" {
  command = plan

  assert {
    condition = length(module.deploy_executor) == 1 && output.deploy_executor == {
      project_name   = "org-app-dev-use1-deploy"
      bucket_name    = module.deploy_executor[0].bucket_name
      bundle_prefix  = "bundles/"
      results_prefix = "results/"
      log_group_name = "/aws/codebuild/org-app-dev-use1-deploy"
    }
    error_message = "the executor must exist by default and its project, bucket and log group be outputs for the deploy job"
  }

  assert {
    condition = (
      contains(module.eks.access_entry_principal_arns, "arn:aws:iam::111122223333:role/org-app-dev-use1-deploy-executor") &&
      !contains(module.eks.access_entry_principal_arns, "arn:aws:iam::111122223333:role/org-app-dev-ci-apply")
    )
    error_message = "the executor's role, not the GitHub-hosted apply role, must hold the cluster's CI access entry"
  }

  assert {
    condition = (
      module.eks.security_group_rules["cluster-https-from-deploy-executor"].sg == "cluster" &&
      module.eks.security_group_rules["cluster-https-from-deploy-executor"].direction == "ingress" &&
      module.eks.security_group_rules["cluster-https-from-deploy-executor"].from_port == 443 &&
      module.eks.security_group_rules["cluster-https-from-deploy-executor"].peer == "sg:${module.deploy_executor[0].security_group_id}"
    )
    error_message = "the cluster security group must admit the executor's group on 443"
  }

  assert {
    condition     = length(var.eks.ci_runner_cidrs) == 0 && length([for k, r in module.eks.security_group_rules : k if startswith(k, "cluster-https-from-ci-")]) == 0
    error_message = "the executor needs no runner CIDR on the API"
  }
}

run "deploy_executor_off_leaves_the_apply_role_on_the_cluster" {
  command = plan

  variables {
    deploy_executor = { enabled = false }
  }

  assert {
    condition     = length(module.deploy_executor) == 0 && output.deploy_executor == null
    error_message = "deploy_executor.enabled = false must create no executor"
  }

  assert {
    condition     = contains(module.eks.access_entry_principal_arns, "arn:aws:iam::111122223333:role/org-app-dev-ci-apply")
    error_message = "without the executor the CI apply role keeps the cluster's CI access entry"
  }

  assert {
    condition     = !contains(keys(module.eks.security_group_rules), "cluster-https-from-deploy-executor")
    error_message = "without the executor the API admits no executor group"
  }
}

run "certificate_is_looked_up_by_name_without_stack_dns" {
  command = plan

  assert {
    condition     = length(data.aws_acm_certificate.service) == 1 && data.aws_acm_certificate.service[0].domain == "api.dev.example.com"
    error_message = "without dns or edge.certificate_arn, the certificate must be found by service_fqdn"
  }

  assert {
    condition     = length(module.dns) == 0
    error_message = "no DNS module without var.dns"
  }
}

run "an_explicit_certificate_wins" {
  command = plan

  variables {
    edge = {
      certificate_arn = "arn:aws:acm:us-east-1:111122223333:certificate/9f9f9f9f-0000-4000-8000-000000000009"
    }
  }

  assert {
    condition     = length(data.aws_acm_certificate.service) == 0
    error_message = "an explicit certificate needs no lookup"
  }
}

run "bad_inputs_are_rejected" {
  command = plan

  variables {
    environment  = "qa"
    azs          = ["us-east-1a"]
    regions      = ["eu-west-1"]
    service_fqdn = "https://api.example.com"
    name         = "Org_App"
  }

  expect_failures = [
    var.environment,
    var.azs,
    var.regions,
    var.service_fqdn,
    var.name,
  ]
}

# dev's cost profile (ADR 0142, docs/cost.md): peering, no NAT, the Instance
# Connect Endpoint and one spanning node group, wired through to the modules
# and to the outputs the reachability policy reads as facts.
run "dev_cost_profile" {
  command = plan

  variables {
    network = {
      interconnect        = "peering"
      nat_gateway_enabled = false
    }
    access = {
      operator_path = "instance_connect_endpoint"
      hardened_ami  = false
    }
    image_pipeline_enabled = false
    eks = {
      node_group_layout        = "spanning"
      spanning_node_group_size = { min_size = 1, desired_size = 1, max_size = 4 }
    }
  }

  assert {
    condition     = output.interconnect == "peering" && output.operator_path == "instance_connect_endpoint"
    error_message = "the stack must report dev's interconnect and operator path (reachability facts)"
  }

  assert {
    condition     = output.client_vpn_endpoint_id == null && output.vpn_enabled == false
    error_message = "the Instance Connect path must make no Client VPN"
  }

  assert {
    condition     = length(module.access.bastion_autoscaling_group_names) == 0
    error_message = "the Instance Connect path must make no bastions"
  }

  assert {
    condition     = module.eks.node_min_size_total == 1 && length(module.eks.node_group_names) == 1
    error_message = "dev's spanning layout must be one node group with a minimum of one node"
  }

  assert {
    condition     = length(module.image_pipeline) == 0
    error_message = "without the Transit Gateway and NAT the image pipeline must be off"
  }
}

run "prod_keeps_the_design" {
  command = plan

  variables {
    environment = "prod"
    network = {
      interconnect        = "peering"
      nat_gateway_enabled = false
    }
    access = {
      operator_path = "instance_connect_endpoint"
    }
    eks = {
      node_group_layout = "spanning"
    }
  }

  expect_failures = [
    var.network,
    var.access,
    var.eks,
  ]
}

run "image_pipeline_needs_the_transit_gateway_and_nat" {
  command = plan

  variables {
    network = {
      interconnect        = "peering"
      nat_gateway_enabled = false
    }
  }

  expect_failures = [
    var.image_pipeline_enabled,
  ]
}
