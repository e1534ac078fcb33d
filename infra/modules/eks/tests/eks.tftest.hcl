# modules/eks planned against OpenTofu's mock provider (offline; the tfoffline
# stand-in only supplies the hashicorp/aws schema). Every assertion is on a
# value the module decides. IAM and KMS policies are JSON the module writes
# with jsonencode, so they are decoded and checked statement by statement.
#
# Security group rules are compared as exact sets of strings
# "<from>/<to> <protocol> <peer>", where the peer is the argument of the rule
# that holds a real value: cidr=<IPv4 CIDR>, pl=<pl-...> or sg=<sg-...>
# (arguments a rule leaves unset get random mock values, which match none).

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

run "cluster" {
  command = plan

  assert {
    condition = (
      aws_eks_cluster.this.name == "unit" &&
      aws_eks_cluster.this.version == "1.36" &&
      aws_eks_cluster.this.role_arn == "arn:aws:iam::123456789012:role/unit-cluster" &&
      aws_eks_cluster.this.bootstrap_self_managed_addons == false &&
      aws_eks_cluster.this.deletion_protection == false &&
      aws_eks_cluster.this.upgrade_policy[0].support_type == "STANDARD"
    )
    error_message = "The cluster must run Kubernetes 1.36 by default with the module's role, managed add-ons only and the standard-support upgrade policy."
  }

  assert {
    condition = (
      aws_eks_cluster.this.vpc_config[0].endpoint_private_access == true &&
      aws_eks_cluster.this.vpc_config[0].endpoint_public_access == false
    )
    error_message = "The Kubernetes API endpoint must be private only."
  }

  assert {
    condition = (
      toset(aws_eks_cluster.this.vpc_config[0].subnet_ids) == toset(["subnet-0intra1a", "subnet-0intra1b", "subnet-0intra1c"]) &&
      toset(aws_eks_cluster.this.vpc_config[0].security_group_ids) == toset(["sg-cluster"])
    )
    error_message = "The control-plane ENIs must sit in the intra subnets behind the module's cluster security group."
  }

  assert {
    condition = (
      aws_eks_cluster.this.access_config[0].authentication_mode == "API" &&
      aws_eks_cluster.this.access_config[0].bootstrap_cluster_creator_admin_permissions == false
    )
    error_message = "Authentication must be access entries only (API mode, no aws-auth ConfigMap) and the cluster creator must get no admin entry."
  }

  assert {
    condition = (
      length(aws_eks_cluster.this.encryption_config) == 1 &&
      toset(aws_eks_cluster.this.encryption_config[0].resources) == toset(["secrets"]) &&
      aws_eks_cluster.this.encryption_config[0].provider[0].key_arn == "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-1111-2222-3333-444455556666"
    )
    error_message = "Kubernetes secrets must be envelope-encrypted with the module's KMS key."
  }

  assert {
    condition = (
      aws_kms_key.this.enable_key_rotation == true &&
      aws_kms_key.this.deletion_window_in_days == 30 &&
      aws_kms_alias.this.name == "alias/eks/unit-0a1b2c3d" &&
      aws_kms_alias.this.target_key_id == "0a1b2c3d-1111-2222-3333-444455556666"
    )
    error_message = "The KMS key must rotate, and its alias must carry the key id prefix (so a re-create never collides)."
  }

  assert {
    condition = (
      toset(aws_eks_cluster.this.enabled_cluster_log_types) == toset(["api", "audit", "authenticator", "controllerManager", "scheduler"]) &&
      length(aws_eks_cluster.this.enabled_cluster_log_types) == 5
    )
    error_message = "All five control-plane log types must be enabled."
  }

  assert {
    condition = (
      aws_cloudwatch_log_group.cluster.name == "/aws/eks/unit/cluster" &&
      aws_cloudwatch_log_group.cluster.retention_in_days == 365 &&
      aws_cloudwatch_log_group.cluster.kms_key_id == "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-1111-2222-3333-444455556666" &&
      aws_cloudwatch_log_group.cluster.skip_destroy == false &&
      output.cluster_log_group_name == "/aws/eks/unit/cluster"
    )
    error_message = "The module must own the control-plane log group /aws/eks/<name>/cluster, with retention and the module's KMS key."
  }

  assert {
    condition = (
      aws_eks_cluster.this.kubernetes_network_config[0].service_ipv4_cidr == "172.20.0.0/16" &&
      aws_eks_cluster.this.kubernetes_network_config[0].ip_family == "ipv4"
    )
    error_message = "The Service CIDR must be the deterministic default 172.20.0.0/16."
  }

  assert {
    condition = (
      jsondecode(aws_iam_role.cluster.assume_role_policy).Statement[0].Principal.Service == "eks.amazonaws.com" &&
      jsondecode(aws_iam_role.cluster.assume_role_policy).Statement[0].Condition.ArnLike["aws:SourceArn"] == "arn:aws:eks:us-east-1:123456789012:cluster/unit" &&
      jsondecode(aws_iam_role.cluster.assume_role_policy).Statement[0].Condition.StringEquals["aws:SourceAccount"] == "123456789012" &&
      length(jsondecode(aws_iam_role.cluster.assume_role_policy).Statement) == 1 &&
      aws_iam_role_policy_attachment.cluster.policy_arn == "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"
    )
    error_message = "The cluster role must trust only EKS acting for this cluster in this account, with AmazonEKSClusterPolicy."
  }

  assert {
    condition = (
      length(jsondecode(aws_iam_role_policy.cluster_kms.policy).Statement) == 1 &&
      toset(jsondecode(aws_iam_role_policy.cluster_kms.policy).Statement[0].Action) == toset(["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"]) &&
      jsondecode(aws_iam_role_policy.cluster_kms.policy).Statement[0].Resource == "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-1111-2222-3333-444455556666"
    )
    error_message = "The cluster role may use only the module's key, only for envelope encryption."
  }

  assert {
    condition = (
      length(jsondecode(aws_kms_key.this.policy).Statement) == 2 &&
      jsondecode(aws_kms_key.this.policy).Statement[0].Principal.AWS == "arn:aws:iam::123456789012:root" &&
      jsondecode(aws_kms_key.this.policy).Statement[1].Principal.Service == "logs.us-east-1.amazonaws.com" &&
      toset(jsondecode(aws_kms_key.this.policy).Statement[1].Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"]) == toset([
        "arn:aws:logs:us-east-1:123456789012:log-group:/aws/eks/unit/cluster",
        "arn:aws:logs:us-east-1:123456789012:log-group:/aws/containerinsights/unit/*",
      ])
    )
    error_message = "The key policy must let CloudWatch Logs use the key only for this cluster's log groups."
  }
}

run "access_entries" {
  command = plan

  assert {
    condition = toset(keys(aws_eks_access_entry.this)) == toset([
      "arn:aws:iam::123456789012:role/platform-admin",
      "arn:aws:iam::123456789012:role/teams/app-developer",
      "arn:aws:iam::123456789012:role/github-deploy",
    ]) && length(aws_eks_access_policy_association.this) == 3
    error_message = "There must be exactly one access entry per operator role of the map plus the CI deploy role, and nothing else."
  }

  assert {
    condition = alltrue([
      for k, e in aws_eks_access_entry.this : e.principal_arn == k && e.type == "STANDARD" && e.cluster_name == "unit"
    ]) && !contains(keys(aws_eks_access_entry.this), "arn:aws:iam::123456789012:role/unit-jump-host")
    error_message = "Access entries must be STANDARD entries of the listed principals only (none for the jump host)."
  }

  assert {
    condition = (
      aws_eks_access_policy_association.this["arn:aws:iam::123456789012:role/platform-admin"].policy_arn == "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy" &&
      aws_eks_access_policy_association.this["arn:aws:iam::123456789012:role/platform-admin"].access_scope[0].type == "cluster" &&
      try(length(aws_eks_access_policy_association.this["arn:aws:iam::123456789012:role/platform-admin"].access_scope[0].namespaces), 0) == 0
    )
    error_message = "A short policy name must become its access policy ARN, at cluster scope by default."
  }

  assert {
    condition = (
      aws_eks_access_policy_association.this["arn:aws:iam::123456789012:role/teams/app-developer"].policy_arn == "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy" &&
      aws_eks_access_policy_association.this["arn:aws:iam::123456789012:role/teams/app-developer"].access_scope[0].type == "namespace" &&
      toset(aws_eks_access_policy_association.this["arn:aws:iam::123456789012:role/teams/app-developer"].access_scope[0].namespaces) == toset(["org-app", "nginx-gateway"])
    )
    error_message = "A namespace-scoped entry must keep its policy ARN and namespaces."
  }

  assert {
    condition = (
      aws_eks_access_policy_association.this["arn:aws:iam::123456789012:role/github-deploy"].policy_arn == "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy" &&
      aws_eks_access_policy_association.this["arn:aws:iam::123456789012:role/github-deploy"].access_scope[0].type == "cluster"
    )
    error_message = "The CI deploy role must get its access entry (cluster admin at cluster scope by default)."
  }
}

run "access_entries_without_ci" {
  command = plan

  variables {
    ci_deploy_role_arn = null
    access_entries = {
      "arn:aws:iam::123456789012:role/platform-view" = { policy = "AmazonEKSViewPolicy" }
    }
  }

  assert {
    condition     = toset(keys(aws_eks_access_entry.this)) == toset(["arn:aws:iam::123456789012:role/platform-view"]) && toset(output.access_entry_principal_arns) == toset(["arn:aws:iam::123456789012:role/platform-view"]) && length(aws_eks_access_policy_association.this) == 1
    error_message = "Without a CI role only the operator map's entries may exist."
  }
}

run "node_groups" {
  command = plan

  assert {
    condition = (
      toset(keys(aws_eks_node_group.this)) == toset(["us-east-1a", "us-east-1b", "us-east-1c"]) &&
      alltrue([for az, ng in aws_eks_node_group.this : toset(ng.subnet_ids) == toset([var.node_subnet_ids[az]])]) &&
      length(distinct(flatten([for ng in aws_eks_node_group.this : tolist(ng.subnet_ids)]))) == 3
    )
    error_message = "There must be exactly one node group per AZ given, each in that AZ's node subnet only."
  }

  assert {
    condition = alltrue([
      for az, ng in aws_eks_node_group.this :
      ng.scaling_config[0].min_size == 1 && ng.scaling_config[0].desired_size == 1 && ng.scaling_config[0].max_size == 3 &&
      ng.update_config[0].max_unavailable == 1 && ng.node_repair_config[0].enabled == true
    ])
    error_message = "Every node group must scale 1..3 (desired 1), update one node at a time and auto-repair."
  }

  assert {
    condition = alltrue([
      for az, ng in aws_eks_node_group.this :
      ng.ami_type == "AL2023_x86_64_STANDARD" && ng.capacity_type == "ON_DEMAND" && ng.instance_types == tolist(["m7i.large"]) &&
      ng.launch_template[0].id == "lt-node" && ng.launch_template[0].version == "4" &&
      ng.node_role_arn == "arn:aws:iam::123456789012:role/unit-node" && ng.cluster_name == "unit" && ng.version == "1.36"
    ])
    error_message = "Every node group must run AL2023 from the module's launch template (latest version) with the node role, at the cluster's version, and the same instance types (similar groups)."
  }

  assert {
    condition = (
      aws_eks_node_group.this["us-east-1a"].node_group_name_prefix == "unit-a-" &&
      aws_eks_node_group.this["us-east-1b"].node_group_name_prefix == "unit-b-" &&
      aws_eks_node_group.this["us-east-1c"].node_group_name_prefix == "unit-c-"
    )
    error_message = "Node groups must be named by cluster and AZ letter (prefix, so a replacement can be created before the old group goes)."
  }

  assert {
    condition = (
      aws_launch_template.node.metadata_options[0].http_tokens == "required" &&
      aws_launch_template.node.metadata_options[0].http_put_response_hop_limit == 1 &&
      aws_launch_template.node.metadata_options[0].http_endpoint == "enabled"
    )
    error_message = "Nodes must require IMDSv2 with hop limit 1 (pods cannot reach the instance role)."
  }

  assert {
    condition = (
      length(aws_launch_template.node.block_device_mappings) == 1 &&
      aws_launch_template.node.block_device_mappings[0].device_name == "/dev/xvda" &&
      aws_launch_template.node.block_device_mappings[0].ebs[0].volume_type == "gp3" &&
      aws_launch_template.node.block_device_mappings[0].ebs[0].encrypted == "true" &&
      aws_launch_template.node.block_device_mappings[0].ebs[0].volume_size == 50 &&
      aws_launch_template.node.block_device_mappings[0].ebs[0].delete_on_termination == "true"
    )
    error_message = "The node root volume must be an encrypted 50 GiB gp3 volume, deleted with the node."
  }

  assert {
    condition = (
      aws_launch_template.node.monitoring[0].enabled == true &&
      toset(aws_launch_template.node.vpc_security_group_ids) == toset(["sg-node"]) &&
      toset([for t in aws_launch_template.node.tag_specifications : t.resource_type]) == toset(["instance", "volume", "network-interface"]) &&
      alltrue([for t in aws_launch_template.node.tag_specifications : t.tags["Name"] == "unit-node"])
    )
    error_message = "The launch template must enable detailed monitoring, attach only the node security group and tag instances, volumes and ENIs."
  }

  assert {
    condition = toset([for a in aws_iam_role_policy_attachment.node : a.policy_arn]) == toset([
      "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
      "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
    ])
    error_message = "The node role must hold exactly the worker node and ECR pull-only policies (the CNI policy is on the aws-node Pod Identity role)."
  }

  assert {
    condition = (
      jsondecode(aws_iam_role.node.assume_role_policy).Statement[0].Principal.Service == "ec2.amazonaws.com" &&
      jsondecode(aws_iam_role.node.assume_role_policy).Statement[0].Action == "sts:AssumeRole" &&
      length(jsondecode(aws_iam_role.node.assume_role_policy).Statement) == 1
    )
    error_message = "The node role must be assumable by EC2 only."
  }
}

# The first pull of a third-party image through a pull-through cache rule
# creates the cache repository as the node role: ecr:CreateRepository (not in
# AmazonEC2ContainerRegistryPullOnly) and ecr:BatchImportUpstreamImage, on the
# cache prefixes of this region and account only.
run "node_role_fills_pull_through_cache" {
  command = plan

  assert {
    condition = (
      length(aws_iam_role_policy.node_pull_through_cache) == 1 &&
      aws_iam_role_policy.node_pull_through_cache[0].role == aws_iam_role.node.id &&
      length(jsondecode(aws_iam_role_policy.node_pull_through_cache[0].policy).Statement) == 1
    )
    error_message = "The node role must carry exactly one inline pull-through cache statement."
  }

  assert {
    condition = (
      jsondecode(aws_iam_role_policy.node_pull_through_cache[0].policy).Statement[0].Effect == "Allow" &&
      toset(jsondecode(aws_iam_role_policy.node_pull_through_cache[0].policy).Statement[0].Action) == toset(["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"]) &&
      jsondecode(aws_iam_role_policy.node_pull_through_cache[0].policy).Statement[0].Resource == [
        "arn:aws:ecr:us-east-1:123456789012:repository/ecr-public/*",
        "arn:aws:ecr:us-east-1:123456789012:repository/k8s/*",
        "arn:aws:ecr:us-east-1:123456789012:repository/ghcr/*",
      ] &&
      !contains(keys(jsondecode(aws_iam_role_policy.node_pull_through_cache[0].policy).Statement[0]), "NotResource")
    )
    error_message = "The node role may create repositories and import upstream images only under arn:aws:ecr:<region>:<account>:repository/{ecr-public,k8s,ghcr}/* of this region."
  }

  assert {
    condition = alltrue([
      for r in jsondecode(aws_iam_role_policy.node_pull_through_cache[0].policy).Statement[0].Resource :
      r != "*" && !endswith(r, ":repository/*") && startswith(r, "arn:aws:ecr:us-east-1:123456789012:repository/")
    ])
    error_message = "The pull-through grant must never cover every repository (or another region or account)."
  }
}

run "node_role_pull_through_prefixes_from_input" {
  command = plan

  variables {
    pull_through_cache_prefixes = ["ecr-public", "quay/mirror"]
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.node_pull_through_cache[0].policy).Statement[0].Resource == [
      "arn:aws:ecr:us-east-1:123456789012:repository/ecr-public/*",
      "arn:aws:ecr:us-east-1:123456789012:repository/quay/mirror/*",
    ]
    error_message = "The pull-through grant must follow pull_through_cache_prefixes."
  }
}

run "node_role_without_pull_through_cache" {
  command = plan

  variables {
    pull_through_cache_prefixes = []
  }

  assert {
    condition     = length(aws_iam_role_policy.node_pull_through_cache) == 0
    error_message = "With no pull-through cache prefixes the node role gets no repository-creation grant."
  }
}

run "node_groups_scaling_and_cni_on_node_role" {
  command = plan

  variables {
    node_subnet_ids = {
      "us-west-2a" = "subnet-0node2a"
      "us-west-2b" = "subnet-0node2b"
    }
    node_min_size_per_az         = 2
    node_desired_size_per_az     = 3
    node_max_size_per_az         = 5
    node_root_volume_kms_key_arn = "arn:aws:kms:us-west-2:123456789012:key/ebs"
    vpc_cni_pod_identity         = false
  }

  assert {
    condition = toset(keys(aws_eks_node_group.this)) == toset(["us-west-2a", "us-west-2b"]) && alltrue([
      for ng in aws_eks_node_group.this : ng.scaling_config[0].min_size == 2 && ng.scaling_config[0].desired_size == 3 && ng.scaling_config[0].max_size == 5
    ])
    error_message = "Node groups must follow the AZs and the per-AZ sizes given."
  }

  assert {
    condition     = aws_launch_template.node.block_device_mappings[0].ebs[0].kms_key_id == "arn:aws:kms:us-west-2:123456789012:key/ebs"
    error_message = "A given KMS key must encrypt the node root volumes."
  }

  assert {
    condition = (
      contains([for a in aws_iam_role_policy_attachment.node : a.policy_arn], "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy") &&
      length(aws_iam_role_policy_attachment.node) == 3 &&
      !contains(keys(aws_iam_role.pod), "aws-node") &&
      length(aws_eks_addon.before_compute["vpc-cni"].pod_identity_association) == 0
    )
    error_message = "Without the aws-node Pod Identity role the CNI policy must move to the node role."
  }
}

run "security_groups" {
  command = plan

  assert {
    condition     = aws_security_group.cluster.vpc_id == "vpc-app" && aws_security_group.node.vpc_id == "vpc-app"
    error_message = "Both security groups belong to the app VPC."
  }

  assert {
    condition = toset([
      for r in aws_vpc_security_group_ingress_rule.this :
      "${r.from_port}/${r.to_port} ${r.ip_protocol} ${join(" ", compact([can(cidrhost(r.cidr_ipv4, 0)) ? "cidr=${r.cidr_ipv4}" : "", startswith(r.prefix_list_id, "pl-") ? "pl=${r.prefix_list_id}" : "", startswith(r.referenced_security_group_id, "sg-") ? "sg=${r.referenced_security_group_id}" : ""]))}" if r.security_group_id == "sg-cluster"
      ]) == toset([
      "443/443 tcp cidr=10.100.254.0/24",
      "443/443 tcp sg=sg-node",
    ]) && length([for r in aws_vpc_security_group_ingress_rule.this : r if r.security_group_id == "sg-cluster"]) == 2
    error_message = "The cluster security group must admit exactly 443 from the jump-host subnet and from the nodes."
  }

  assert {
    condition = toset([
      for r in aws_vpc_security_group_ingress_rule.this :
      "${r.from_port}/${r.to_port} ${r.ip_protocol} ${join(" ", compact([can(cidrhost(r.cidr_ipv4, 0)) ? "cidr=${r.cidr_ipv4}" : "", startswith(r.prefix_list_id, "pl-") ? "pl=${r.prefix_list_id}" : "", startswith(r.referenced_security_group_id, "sg-") ? "sg=${r.referenced_security_group_id}" : ""]))}" if r.security_group_id == "sg-node"
      ]) == toset([
      "443/443 tcp sg=sg-cluster",
      "9443/9443 tcp sg=sg-cluster",
      "10250/10250 tcp sg=sg-cluster",
      "10251/10251 tcp sg=sg-cluster",
      "53/53 tcp sg=sg-node",
      "53/53 udp sg=sg-node",
      "1025/65535 tcp sg=sg-node",
      "80/80 tcp sg=sg-node",
      "80/80 tcp cidr=10.20.0.0/23",
      "80/80 tcp cidr=10.20.2.0/23",
      "80/80 tcp cidr=10.20.4.0/23",
    ]) && length([for r in aws_vpc_security_group_ingress_rule.this : r if r.security_group_id == "sg-node"]) == 11
    error_message = "Node ingress must be exactly: kubelet and webhooks from the cluster SG, DNS/unprivileged/gateway ports node-to-node, and the gateway port from each NLB subnet."
  }

  assert {
    condition = toset([
      for r in aws_vpc_security_group_egress_rule.this :
      "${r.from_port}/${r.to_port} ${r.ip_protocol} ${join(" ", compact([can(cidrhost(r.cidr_ipv4, 0)) ? "cidr=${r.cidr_ipv4}" : "", startswith(r.prefix_list_id, "pl-") ? "pl=${r.prefix_list_id}" : "", startswith(r.referenced_security_group_id, "sg-") ? "sg=${r.referenced_security_group_id}" : ""]))}" if r.security_group_id == "sg-node"
      ]) == toset([
      "443/443 tcp sg=sg-cluster",
      "443/443 tcp pl=pl-s3",
      "443/443 tcp cidr=10.100.224.0/24",
      "443/443 tcp cidr=10.100.225.0/24",
      "443/443 tcp cidr=10.100.226.0/24",
      "53/53 tcp cidr=10.100.0.2/32",
      "53/53 udp cidr=10.100.0.2/32",
      "53/53 tcp sg=sg-node",
      "53/53 udp sg=sg-node",
      "1025/65535 tcp sg=sg-node",
      "80/80 tcp sg=sg-node",
    ]) && length([for r in aws_vpc_security_group_egress_rule.this : r if r.security_group_id == "sg-node"]) == 11
    error_message = "Node egress must be exactly: the API, S3 (prefix list), the endpoint subnets, the VPC resolver, and node-to-node."
  }

  assert {
    condition = toset([
      for r in aws_vpc_security_group_egress_rule.this :
      "${r.from_port}/${r.to_port} ${r.ip_protocol} ${join(" ", compact([can(cidrhost(r.cidr_ipv4, 0)) ? "cidr=${r.cidr_ipv4}" : "", startswith(r.prefix_list_id, "pl-") ? "pl=${r.prefix_list_id}" : "", startswith(r.referenced_security_group_id, "sg-") ? "sg=${r.referenced_security_group_id}" : ""]))}" if r.security_group_id == "sg-cluster"
      ]) == toset([
      "443/443 tcp sg=sg-node",
      "9443/9443 tcp sg=sg-node",
      "10250/10250 tcp sg=sg-node",
      "10251/10251 tcp sg=sg-node",
    ]) && length([for r in aws_vpc_security_group_egress_rule.this : r if r.security_group_id == "sg-cluster"]) == 4
    error_message = "Cluster egress must be exactly kubelet and webhook ports to the node security group."
  }

  assert {
    condition = alltrue([
      for r in concat(values(aws_vpc_security_group_ingress_rule.this), values(aws_vpc_security_group_egress_rule.this)) :
      r.cidr_ipv4 != "0.0.0.0/0" && r.ip_protocol != "-1" && contains(["tcp", "udp"], r.ip_protocol)
    ])
    error_message = "No rule may use 0.0.0.0/0 or all protocols."
  }

  assert {
    condition = (
      output.security_group_rules["cluster-https-from-jump-10.100.254.0/24"].peer == "10.100.254.0/24" &&
      output.security_group_rules["node-from-cluster-10250"].peer == "sg:cluster" &&
      output.security_group_rules["node-https-to-s3"].peer == "pl-s3" &&
      length(output.security_group_rules) == length(aws_vpc_security_group_ingress_rule.this) + length(aws_vpc_security_group_egress_rule.this)
    )
    error_message = "The security_group_rules output must list every rule with its peer."
  }
}

run "security_groups_ci_runners_and_custom_port" {
  command = plan

  variables {
    ci_runner_cidrs   = ["10.100.253.0/24"]
    gateway_port      = 8080
    s3_prefix_list_id = "pl-0given"
  }

  assert {
    condition = toset([
      for r in aws_vpc_security_group_ingress_rule.this : "${r.from_port} ${r.cidr_ipv4}" if r.security_group_id == "sg-cluster" && can(cidrhost(r.cidr_ipv4, 0))
    ]) == toset(["443 10.100.254.0/24", "443 10.100.253.0/24"])
    error_message = "CI runner CIDRs must be admitted on 443 next to the jump host."
  }

  assert {
    condition = toset([
      for r in aws_vpc_security_group_ingress_rule.this : r.cidr_ipv4 if r.security_group_id == "sg-node" && r.from_port == 8080 && r.to_port == 8080 && can(cidrhost(r.cidr_ipv4, 0))
    ]) == toset(["10.20.0.0/23", "10.20.2.0/23", "10.20.4.0/23"]) && !contains(keys(aws_vpc_security_group_ingress_rule.this), "node-from-nodes-gateway")
    error_message = "The gateway port follows the input; a port above 1024 needs no extra node-to-node rule."
  }

  assert {
    condition     = aws_vpc_security_group_egress_rule.this["node-https-to-s3"].prefix_list_id == "pl-0given" && length(data.aws_ec2_managed_prefix_list.s3) == 0
    error_message = "A given S3 prefix list must be used instead of the lookup."
  }
}

run "security_groups_api_client_groups" {
  command = plan

  variables {
    api_client_security_group_ids = { deploy-executor = "sg-executor" }
  }

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.this["cluster-https-from-deploy-executor"].security_group_id == "sg-cluster" &&
      aws_vpc_security_group_ingress_rule.this["cluster-https-from-deploy-executor"].referenced_security_group_id == "sg-executor" &&
      aws_vpc_security_group_ingress_rule.this["cluster-https-from-deploy-executor"].from_port == 443 &&
      aws_vpc_security_group_ingress_rule.this["cluster-https-from-deploy-executor"].to_port == 443 &&
      aws_vpc_security_group_ingress_rule.this["cluster-https-from-deploy-executor"].ip_protocol == "tcp"
    )
    error_message = "An API client group must be admitted to the cluster group on 443, by group."
  }

  assert {
    condition     = length([for k, r in aws_vpc_security_group_ingress_rule.this : k if r.referenced_security_group_id == "sg-executor"]) == 1
    error_message = "An API client group gets the API and nothing else (no node port)."
  }
}

run "addons" {
  command = plan

  assert {
    condition = (
      toset(keys(aws_eks_addon.before_compute)) == toset(["vpc-cni", "kube-proxy", "eks-pod-identity-agent"]) &&
      toset(keys(aws_eks_addon.after_compute)) == toset(["coredns", "metrics-server", "amazon-cloudwatch-observability"])
    )
    error_message = "vpc-cni, kube-proxy and the Pod Identity agent must be created before the node groups; coredns, metrics-server and CloudWatch after them (the two resources' depends_on)."
  }

  assert {
    condition     = jsondecode(aws_eks_addon.before_compute["vpc-cni"].configuration_values).enableNetworkPolicy == "true"
    error_message = "The VPC CNI must enforce Kubernetes NetworkPolicy (enableNetworkPolicy)."
  }

  assert {
    condition = alltrue([
      for a in concat(values(aws_eks_addon.before_compute), values(aws_eks_addon.after_compute)) :
      a.cluster_name == "unit" && a.resolve_conflicts_on_create == "OVERWRITE" && a.resolve_conflicts_on_update == "OVERWRITE" && a.addon_version == "v9.9.9-eksbuild.1"
    ]) && length(data.aws_eks_addon_version.this) == 6
    error_message = "Every add-on must take its default version for the cluster version when none is given, and resolve conflicts explicitly."
  }

  assert {
    condition = (
      one(aws_eks_addon.before_compute["vpc-cni"].pod_identity_association).service_account == "aws-node" &&
      one(aws_eks_addon.before_compute["vpc-cni"].pod_identity_association).role_arn == aws_iam_role.pod["aws-node"].arn &&
      one(aws_eks_addon.after_compute["amazon-cloudwatch-observability"].pod_identity_association).service_account == "cloudwatch-agent" &&
      one(aws_eks_addon.after_compute["amazon-cloudwatch-observability"].pod_identity_association).role_arn == aws_iam_role.pod["cloudwatch-agent"].arn &&
      length(aws_eks_addon.after_compute["coredns"].pod_identity_association) == 0
    )
    error_message = "The VPC CNI and the CloudWatch agent must get their roles through the add-ons' Pod Identity associations."
  }

  assert {
    condition = toset([for g in aws_cloudwatch_log_group.container_insights : g.name]) == toset([
      "/aws/containerinsights/unit/application",
      "/aws/containerinsights/unit/dataplane",
      "/aws/containerinsights/unit/host",
      "/aws/containerinsights/unit/performance",
      ]) && alltrue([
      for g in aws_cloudwatch_log_group.container_insights :
      g.retention_in_days == 30 && g.kms_key_id == "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-1111-2222-3333-444455556666"
    ])
    error_message = "The Container Insights log groups must exist up front with retention and the module's KMS key."
  }
}

run "addons_pinned_versions_and_no_cloudwatch" {
  command = plan

  variables {
    addon_versions = {
      vpc_cni = "v1.20.4-eksbuild.2"
      coredns = "v1.12.4-eksbuild.1"
    }
    enable_cloudwatch_observability = false
  }

  assert {
    condition = (
      aws_eks_addon.before_compute["vpc-cni"].addon_version == "v1.20.4-eksbuild.2" &&
      aws_eks_addon.after_compute["coredns"].addon_version == "v1.12.4-eksbuild.1" &&
      aws_eks_addon.before_compute["kube-proxy"].addon_version == "v9.9.9-eksbuild.1" &&
      toset(keys(data.aws_eks_addon_version.this)) == toset(["kube-proxy", "eks-pod-identity-agent", "metrics-server"])
    )
    error_message = "Pinned add-on versions must be used as given; only the others look up the default."
  }

  assert {
    condition = (
      !contains(keys(aws_eks_addon.after_compute), "amazon-cloudwatch-observability") &&
      !contains(keys(aws_iam_role.pod), "cloudwatch-agent") &&
      length(aws_cloudwatch_log_group.container_insights) == 0 &&
      !contains(keys(output.pod_identity_role_arns), "amazon-cloudwatch/cloudwatch-agent")
    )
    error_message = "With the toggle off there must be no CloudWatch add-on, role or log groups."
  }
}

run "pod_identity" {
  command = plan

  assert {
    condition = toset([
      for a in aws_eks_pod_identity_association.this : "${a.namespace}/${a.service_account}"
      ]) == toset([
      "org-app/org-app",
      "org-app/org-app-canary",
      "kube-system/aws-load-balancer-controller",
      "kube-system/cluster-autoscaler",
      ]) && alltrue([
      for k, a in aws_eks_pod_identity_association.this : a.cluster_name == "unit" && a.disable_session_tags == false
    ])
    error_message = "Pod Identity associations must exist for exactly the four ServiceAccounts of the contract, with session tags on."
  }

  assert {
    condition     = aws_eks_pod_identity_association.this["org-app"].role_arn == aws_iam_role.pod["org-app"].arn && aws_iam_role.pod["org-app"].name == "unit-org-app"
    error_message = "org-app/org-app must be associated with its own role."
  }

  assert {
    condition = toset(keys(output.pod_identity_role_arns)) == toset([
      "org-app/org-app",
      "org-app/org-app-canary",
      "kube-system/aws-load-balancer-controller",
      "kube-system/cluster-autoscaler",
      "kube-system/aws-node",
      "amazon-cloudwatch/cloudwatch-agent",
    ])
    error_message = "pod_identity_role_arns must list every Pod Identity role by namespace/ServiceAccount."
  }

  assert {
    condition = alltrue([
      for k, r in aws_iam_role.pod :
      length(jsondecode(r.assume_role_policy).Statement) == 1 &&
      jsondecode(r.assume_role_policy).Statement[0].Effect == "Allow" &&
      jsondecode(r.assume_role_policy).Statement[0].Principal.Service == "pods.eks.amazonaws.com" &&
      toset(jsondecode(r.assume_role_policy).Statement[0].Action) == toset(["sts:AssumeRole", "sts:TagSession"]) &&
      jsondecode(r.assume_role_policy).Statement[0].Condition.StringEquals["aws:SourceAccount"] == "123456789012" &&
      jsondecode(r.assume_role_policy).Statement[0].Condition.StringEquals["aws:RequestTag/eks-cluster-arn"] == "arn:aws:eks:us-east-1:123456789012:cluster/unit" &&
      contains(jsondecode(r.assume_role_policy).Statement[0].Condition.ArnLikeIfExists["aws:SourceArn"], "arn:aws:eks:us-east-1:123456789012:cluster/unit")
    ])
    error_message = "Every Pod Identity role must trust only pods.eks.amazonaws.com (AssumeRole + TagSession) for this account and this cluster."
  }

  assert {
    condition = alltrue([
      for k, id in {
        "org-app"                      = ["org-app", "org-app"]
        "org-app-canary"               = ["org-app", "org-app-canary"]
        "aws-load-balancer-controller" = ["kube-system", "aws-load-balancer-controller"]
        "cluster-autoscaler"           = ["kube-system", "cluster-autoscaler"]
        "aws-node"                     = ["kube-system", "aws-node"]
        "cloudwatch-agent"             = ["amazon-cloudwatch", "cloudwatch-agent"]
      } :
      jsondecode(aws_iam_role.pod[k].assume_role_policy).Statement[0].Condition.StringEquals["aws:RequestTag/kubernetes-namespace"] == id[0] &&
      jsondecode(aws_iam_role.pod[k].assume_role_policy).Statement[0].Condition.StringEquals["aws:RequestTag/kubernetes-service-account"] == id[1]
    ]) && length(aws_iam_role.pod) == 6
    error_message = "Each Pod Identity role must be bound to its one namespace and ServiceAccount."
  }
}

run "pod_identity_policies" {
  command = plan

  # org-app: its one secret, its decrypt through Secrets Manager, its two log groups.
  assert {
    condition = (
      length(jsondecode(aws_iam_role_policy.pod["org-app"].policy).Statement) == 3 &&
      toset(jsondecode(aws_iam_role_policy.pod["org-app"].policy).Statement[0].Action) == toset(["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]) &&
      jsondecode(aws_iam_role_policy.pod["org-app"].policy).Statement[0].Resource == "arn:aws:secretsmanager:us-east-1:123456789012:secret:org-app/unit/devops-AbCdEf"
    )
    error_message = "org-app may read exactly the app secret."
  }

  assert {
    condition = (
      jsondecode(aws_iam_role_policy.pod["org-app"].policy).Statement[1].Action == "kms:Decrypt" &&
      jsondecode(aws_iam_role_policy.pod["org-app"].policy).Statement[1].Resource == "arn:aws:kms:us-east-1:123456789012:key/*" &&
      jsondecode(aws_iam_role_policy.pod["org-app"].policy).Statement[1].Condition.StringEquals["kms:ViaService"] == "secretsmanager.us-east-1.amazonaws.com" &&
      jsondecode(aws_iam_role_policy.pod["org-app"].policy).Statement[1].Condition.StringEquals["kms:EncryptionContext:SecretARN"] == "arn:aws:secretsmanager:us-east-1:123456789012:secret:org-app/unit/devops-AbCdEf"
    )
    error_message = "org-app may decrypt only through Secrets Manager and only for the app secret."
  }

  assert {
    condition = (
      toset(jsondecode(aws_iam_role_policy.pod["org-app"].policy).Statement[2].Action) == toset(["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]) &&
      toset(jsondecode(aws_iam_role_policy.pod["org-app"].policy).Statement[2].Resource) == toset([
        "arn:aws:logs:us-east-1:123456789012:log-group:/org-app/unit/app",
        "arn:aws:logs:us-east-1:123456789012:log-group:/org-app/unit/app:log-stream:*",
        "arn:aws:logs:us-east-1:123456789012:log-group:/org-app/unit/metrics",
        "arn:aws:logs:us-east-1:123456789012:log-group:/org-app/unit/metrics:log-stream:*",
      ])
    )
    error_message = "org-app and its sidecars may write only the app and metrics log groups (no CreateLogGroup)."
  }

  assert {
    condition = (
      length(jsondecode(aws_iam_role_policy.pod["org-app-canary"].policy).Statement) == 3 &&
      jsondecode(aws_iam_role_policy.pod["org-app-canary"].policy).Statement[0] == jsondecode(aws_iam_role_policy.pod["org-app"].policy).Statement[0] &&
      jsondecode(aws_iam_role_policy.pod["org-app-canary"].policy).Statement[1] == jsondecode(aws_iam_role_policy.pod["org-app"].policy).Statement[1] &&
      toset(jsondecode(aws_iam_role_policy.pod["org-app-canary"].policy).Statement[2].Action) == toset(["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]) &&
      toset(jsondecode(aws_iam_role_policy.pod["org-app-canary"].policy).Statement[2].Resource) == toset([
        "arn:aws:logs:us-east-1:123456789012:log-group:/org-app/unit/canary",
        "arn:aws:logs:us-east-1:123456789012:log-group:/org-app/unit/canary:log-stream:*",
      ])
    )
    error_message = "The canary may read the app secret exactly as org-app does (it mints test tokens) and write only the canary log group."
  }

  assert {
    condition = (
      length(jsondecode(aws_iam_role_policy.pod["aws-load-balancer-controller"].policy).Statement) == 3 &&
      jsondecode(aws_iam_role_policy.pod["aws-load-balancer-controller"].policy).Statement[0].Action == ["elasticloadbalancing:Describe*"] &&
      alltrue([for a in jsondecode(aws_iam_role_policy.pod["aws-load-balancer-controller"].policy).Statement[1].Action : startswith(a, "ec2:Describe")]) &&
      toset(jsondecode(aws_iam_role_policy.pod["aws-load-balancer-controller"].policy).Statement[2].Action) == toset(["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"]) &&
      jsondecode(aws_iam_role_policy.pod["aws-load-balancer-controller"].policy).Statement[2].Resource == ["arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/unit-gateway/0123456789abcdef"]
    )
    error_message = "AWS Load Balancer Controller may only describe and (de)register targets in the given target group."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_role_policy.pod["aws-load-balancer-controller"].policy).Statement : alltrue([
        for a in flatten([s.Action]) : !can(regex("(Create|Delete|Modify|Authorize|Revoke|Set|Add|Remove)", a))
      ])
    ])
    error_message = "AWS Load Balancer Controller must not be able to create, modify or delete load balancers, target groups or security group rules."
  }

  assert {
    condition = (
      jsondecode(aws_iam_role_policy.pod["cluster-autoscaler"].policy).Statement[0].Resource == "*" &&
      alltrue([for a in jsondecode(aws_iam_role_policy.pod["cluster-autoscaler"].policy).Statement[0].Action : can(regex("^(autoscaling|ec2):(Describe|Get)", a))]) &&
      jsondecode(aws_iam_role_policy.pod["cluster-autoscaler"].policy).Statement[1].Action == "eks:DescribeNodegroup" &&
      jsondecode(aws_iam_role_policy.pod["cluster-autoscaler"].policy).Statement[1].Resource == "arn:aws:eks:us-east-1:123456789012:nodegroup/unit/*/*"
    )
    error_message = "Cluster Autoscaler may describe freely but only read this cluster's node groups."
  }

  assert {
    condition = (
      toset(jsondecode(aws_iam_role_policy.pod["cluster-autoscaler"].policy).Statement[2].Action) == toset(["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"]) &&
      jsondecode(aws_iam_role_policy.pod["cluster-autoscaler"].policy).Statement[2].Resource == "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:*:autoScalingGroupName/eks-unit-*" &&
      jsondecode(aws_iam_role_policy.pod["cluster-autoscaler"].policy).Statement[2].Condition.StringEquals["aws:ResourceTag/k8s.io/cluster-autoscaler/unit"] == "owned" &&
      jsondecode(aws_iam_role_policy.pod["cluster-autoscaler"].policy).Statement[2].Condition.StringEquals["aws:ResourceTag/k8s.io/cluster-autoscaler/enabled"] == "true" &&
      length(jsondecode(aws_iam_role_policy.pod["cluster-autoscaler"].policy).Statement) == 3
    )
    error_message = "Cluster Autoscaler may scale and terminate only ASGs tagged k8s.io/cluster-autoscaler/<cluster> = owned."
  }

  assert {
    condition = (
      toset(jsondecode(aws_iam_role_policy.pod["cloudwatch-agent"].policy).Statement[0].Resource) == toset([
        "arn:aws:logs:us-east-1:123456789012:log-group:/aws/containerinsights/unit/*",
        "arn:aws:logs:us-east-1:123456789012:log-group:/aws/containerinsights/unit/*:log-stream:*",
      ]) &&
      jsondecode(aws_iam_role_policy.pod["cloudwatch-agent"].policy).Statement[2].Action == "cloudwatch:PutMetricData" &&
      contains(jsondecode(aws_iam_role_policy.pod["cloudwatch-agent"].policy).Statement[2].Condition.StringEquals["cloudwatch:namespace"], "ContainerInsights") &&
      !anytrue([for s in jsondecode(aws_iam_role_policy.pod["cloudwatch-agent"].policy).Statement : anytrue([for a in flatten([s.Action]) : startswith(a, "ssm:") || a == "logs:PutRetentionPolicy"])])
    )
    error_message = "The CloudWatch agent may write only this cluster's Container Insights log groups and metric namespaces; no SSM or retention changes."
  }

  assert {
    condition = (
      aws_iam_role_policy_attachment.pod_managed["aws-node"].policy_arn == "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy" &&
      length(aws_iam_role_policy_attachment.pod_managed) == 1 &&
      !contains(keys(aws_iam_role_policy.pod), "aws-node")
    )
    error_message = "The aws-node role must hold exactly AmazonEKS_CNI_Policy."
  }

  assert {
    condition = alltrue(flatten([
      for k, p in aws_iam_role_policy.pod : [
        for s in jsondecode(p.policy).Statement : s.Effect == "Allow" && !contains(flatten([s.Action]), "*") && !anytrue([for a in flatten([s.Action]) : endswith(a, ":*")])
      ]
    ]))
    error_message = "No Pod Identity policy may grant a service-wide wildcard action."
  }
}

run "org_app_secret_key_given" {
  command = plan

  variables {
    app_secret_kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/99999999-8888-7777-6666-555555555555"
  }

  assert {
    condition     = jsondecode(aws_iam_role_policy.pod["org-app"].policy).Statement[1].Resource == "arn:aws:kms:us-east-1:123456789012:key/99999999-8888-7777-6666-555555555555"
    error_message = "A given secret key must narrow org-app's kms:Decrypt to that key."
  }
}


# The "spanning" node group layout (dev cost, docs/cost.md): one managed node
# group over every AZ's node subnet, sized by spanning_node_group_size, and no
# per-AZ groups; the "per_az" default is covered by the runs above. Bad layout
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
