# modules/eks with node_group_layout = "spanning", planned against OpenTofu's
# mock provider (offline). Same inputs and overrides as eks.tftest.hcl.

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
  target = aws_security_group.cluster
  values = { id = "sg-cluster" }
}
override_resource {
  target = aws_security_group.node
  values = { id = "sg-node" }
}
override_resource {
  target = aws_kms_key.this
  values = {
    arn    = "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-1111-2222-3333-444455556666"
    key_id = "0a1b2c3d-1111-2222-3333-444455556666"
  }
}
override_resource {
  target = aws_launch_template.node
  values = { id = "lt-node", latest_version = 4 }
}
override_resource {
  target = aws_iam_role.node
  values = { arn = "arn:aws:iam::123456789012:role/unit-node" }
}
override_resource {
  target = aws_iam_role.cluster
  values = { arn = "arn:aws:iam::123456789012:role/unit-cluster" }
}
override_data {
  target = data.aws_ec2_managed_prefix_list.s3
  values = { id = "pl-s3" }
}
override_data {
  target = data.aws_eks_addon_version.this
  values = { version = "v9.9.9-eksbuild.1" }
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

# The "spanning" node group layout (dev cost, docs/cost.md): one managed node
# group over every AZ's node subnet, sized by spanning_node_group_size, and no
# per-AZ groups; the "per_az" default is covered by eks.tftest.hcl. Bad layout
# names and sizes are rejected by the variable validations.

run "spanning_one_group_over_every_az" {
  command = plan

  variables {
    node_group_layout = "spanning"
    # Set to values the spanning group must not take.
    node_min_size_per_az     = 2
    node_desired_size_per_az = 2
    node_max_size_per_az     = 5
  }

  assert {
    condition     = length(aws_eks_node_group.this) == 1 && toset(keys(aws_eks_node_group.this)) == toset(["spanning"])
    error_message = "The spanning layout must create exactly one node group (key \"spanning\") and no per-AZ groups."
  }

  assert {
    condition = (
      toset(aws_eks_node_group.this["spanning"].subnet_ids) == toset(["subnet-0node1a", "subnet-0node1b", "subnet-0node1c"]) &&
      length(aws_eks_node_group.this["spanning"].subnet_ids) == 3
    )
    error_message = "The spanning node group must take every AZ's node subnet."
  }

  assert {
    condition = (
      aws_eks_node_group.this["spanning"].scaling_config[0].min_size == 1 &&
      aws_eks_node_group.this["spanning"].scaling_config[0].desired_size == 1 &&
      aws_eks_node_group.this["spanning"].scaling_config[0].max_size == 4
    )
    error_message = "The spanning node group must scale 1..4 (desired 1) by default, from spanning_node_group_size, not from the per-AZ sizes."
  }

  assert {
    condition     = output.node_min_size_total == 1
    error_message = "node_min_size_total must be spanning_node_group_size.min_size in the spanning layout."
  }

  assert {
    condition = (
      aws_eks_node_group.this["spanning"].node_group_name_prefix == "unit-spanning-" &&
      aws_eks_node_group.this["spanning"].tags["Name"] == "unit-spanning"
    )
    error_message = "The spanning node group must be named <name>-spanning- (prefix) and tagged Name = <name>-spanning."
  }

  assert {
    condition = (
      aws_eks_node_group.this["spanning"].ami_type == "AL2023_x86_64_STANDARD" &&
      aws_eks_node_group.this["spanning"].capacity_type == "ON_DEMAND" &&
      aws_eks_node_group.this["spanning"].instance_types == tolist(["m7i.large"]) &&
      aws_eks_node_group.this["spanning"].launch_template[0].id == "lt-node" &&
      aws_eks_node_group.this["spanning"].launch_template[0].version == "4" &&
      aws_eks_node_group.this["spanning"].node_role_arn == "arn:aws:iam::123456789012:role/unit-node" &&
      aws_eks_node_group.this["spanning"].cluster_name == "unit" &&
      aws_eks_node_group.this["spanning"].version == "1.36" &&
      aws_eks_node_group.this["spanning"].update_config[0].max_unavailable == 1 &&
      aws_eks_node_group.this["spanning"].node_repair_config[0].enabled == true
    )
    error_message = "The spanning node group must share the per-AZ groups' settings: AL2023, on-demand, the instance types, the module's launch template (latest version), the node role, the cluster version, one node at a time in updates, auto repair."
  }

  assert {
    condition = (
      toset(keys(aws_eks_addon.after_compute)) == toset(["coredns", "metrics-server", "amazon-cloudwatch-observability"]) &&
      toset(keys(aws_eks_addon.before_compute)) == toset(["vpc-cni", "kube-proxy", "eks-pod-identity-agent"])
    )
    error_message = "The add-ons must keep their order around the node group in the spanning layout."
  }
}

run "spanning_sizes_and_shared_settings_from_inputs" {
  command = plan

  variables {
    node_group_layout        = "spanning"
    spanning_node_group_size = { min_size = 2, desired_size = 3, max_size = 6 }
    node_subnet_ids = {
      "us-west-2a" = "subnet-0node2a"
      "us-west-2b" = "subnet-0node2b"
    }
    node_capacity_type   = "SPOT"
    node_instance_types  = ["t4g.medium", "t4g.large"]
    node_ami_type        = "AL2023_ARM_64_STANDARD"
    node_labels          = { pool = "general" }
    node_max_unavailable = 2
    node_auto_repair     = false
  }

  assert {
    condition = (
      toset(keys(aws_eks_node_group.this)) == toset(["spanning"]) &&
      toset(aws_eks_node_group.this["spanning"].subnet_ids) == toset(["subnet-0node2a", "subnet-0node2b"])
    )
    error_message = "The spanning node group must follow the node subnets given."
  }

  assert {
    condition = (
      aws_eks_node_group.this["spanning"].scaling_config[0].min_size == 2 &&
      aws_eks_node_group.this["spanning"].scaling_config[0].desired_size == 3 &&
      aws_eks_node_group.this["spanning"].scaling_config[0].max_size == 6 &&
      output.node_min_size_total == 2
    )
    error_message = "The spanning node group must take min, desired and max from spanning_node_group_size, and node_min_size_total its min_size."
  }

  assert {
    condition = (
      aws_eks_node_group.this["spanning"].capacity_type == "SPOT" &&
      aws_eks_node_group.this["spanning"].instance_types == tolist(["t4g.medium", "t4g.large"]) &&
      aws_eks_node_group.this["spanning"].ami_type == "AL2023_ARM_64_STANDARD" &&
      aws_eks_node_group.this["spanning"].labels == tomap({ pool = "general" }) &&
      aws_eks_node_group.this["spanning"].update_config[0].max_unavailable == 2 &&
      aws_eks_node_group.this["spanning"].node_repair_config[0].enabled == false
    )
    error_message = "The spanning node group must take the shared node settings (capacity, instance and AMI types, labels, update and repair) from the node_* inputs."
  }
}

run "per_az_node_min_size_total" {
  command = plan

  variables {
    node_min_size_per_az     = 2
    node_desired_size_per_az = 2
    # Set to values the per-AZ groups must not take.
    spanning_node_group_size = { min_size = 5, desired_size = 5, max_size = 9 }
  }

  assert {
    condition = (
      toset(keys(aws_eks_node_group.this)) == toset(["us-east-1a", "us-east-1b", "us-east-1c"]) &&
      alltrue([for ng in aws_eks_node_group.this : ng.scaling_config[0].min_size == 2 && ng.scaling_config[0].max_size == 3])
    )
    error_message = "The default layout must stay one node group per AZ sized by the *_per_az inputs, whatever spanning_node_group_size says."
  }

  assert {
    condition     = output.node_min_size_total == 6
    error_message = "node_min_size_total must be node_min_size_per_az times the number of node subnets in the per_az layout (2 x 3 = 6)."
  }
}

run "unknown_layout_is_rejected" {
  command = plan

  variables {
    node_group_layout = "single"
  }

  expect_failures = [var.node_group_layout]
}

run "spanning_min_size_zero_is_rejected" {
  command = plan

  variables {
    node_group_layout        = "spanning"
    spanning_node_group_size = { min_size = 0, desired_size = 1, max_size = 4 }
  }

  expect_failures = [var.spanning_node_group_size]
}

run "spanning_desired_size_above_max_is_rejected" {
  command = plan

  variables {
    node_group_layout        = "spanning"
    spanning_node_group_size = { min_size = 1, desired_size = 5, max_size = 4 }
  }

  expect_failures = [var.spanning_node_group_size]
}

run "spanning_desired_size_below_min_is_rejected" {
  command = plan

  variables {
    node_group_layout        = "spanning"
    spanning_node_group_size = { min_size = 2, desired_size = 1, max_size = 4 }
  }

  expect_failures = [var.spanning_node_group_size]
}

run "spanning_fractional_size_is_rejected" {
  command = plan

  variables {
    node_group_layout        = "spanning"
    spanning_node_group_size = { min_size = 1, desired_size = 1.5, max_size = 4 }
  }

  expect_failures = [var.spanning_node_group_size]
}

run "spanning_max_size_above_100_is_rejected" {
  command = plan

  variables {
    node_group_layout        = "spanning"
    spanning_node_group_size = { min_size = 1, desired_size = 1, max_size = 101 }
  }

  expect_failures = [var.spanning_node_group_size]
}

run "spanning_null_size_is_rejected" {
  command = plan

  variables {
    node_group_layout        = "spanning"
    spanning_node_group_size = { min_size = 1, desired_size = null, max_size = 4 }
  }

  expect_failures = [var.spanning_node_group_size]
}
