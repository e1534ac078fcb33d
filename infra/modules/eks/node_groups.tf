# Node pool (ADR 0111). node_group_layout chooses the managed node groups:
#
# - "per_az" (default): one EKS managed node group per AZ, all from one launch
#   template and one instance type list, so Cluster Autoscaler with
#   --balance-similar-node-groups keeps the zones level; at least one node per
#   AZ.
# - "spanning": one managed node group whose subnets are every AZ's node
#   subnet; its Auto Scaling group spreads nodes across the AZs as it scales,
#   and the minimum can be one node in total (dev cost, docs/cost.md).
#
# Both layouts are instances of the one aws_eks_node_group.this (keyed by AZ
# for per_az, so existing states keep their addresses; "spanning" otherwise),
# so every group shares the settings below. EKS-optimized Amazon Linux 2023
# (ami_type; EKS writes the nodeadm configuration), IMDSv2 only with hop limit
# 1 (pods cannot reach the instance role), encrypted gp3 root volume.

locals {
  # Node group names carry the AZ letter: "<name>-a-<timestamp>" etc.
  az_letters = { for az in keys(var.node_subnet_ids) : az => substr(az, length(az) - 1, 1) }

  # Key of the one node group of the "spanning" layout. Not an AZ name (the
  # node_subnet_ids validation admits AZ names only), so it never collides
  # with a per-AZ key.
  spanning_node_group_key = "spanning"

  # The node groups to create: key => name prefix, subnets, sizes, Name tag.
  node_groups = var.node_group_layout == "per_az" ? {
    for az, subnet_id in var.node_subnet_ids : az => {
      name_prefix  = "${var.name}-${local.az_letters[az]}-"
      subnet_ids   = tolist([subnet_id])
      min_size     = var.node_min_size_per_az
      desired_size = var.node_desired_size_per_az
      max_size     = var.node_max_size_per_az
      name_tag     = "${var.name}-${az}"
    }
    } : {
    (local.spanning_node_group_key) = {
      name_prefix  = "${var.name}-${local.spanning_node_group_key}-"
      subnet_ids   = tolist([for az in sort(keys(var.node_subnet_ids)) : var.node_subnet_ids[az]])
      min_size     = var.spanning_node_group_size.min_size
      desired_size = var.spanning_node_group_size.desired_size
      max_size     = var.spanning_node_group_size.max_size
      name_tag     = "${var.name}-${local.spanning_node_group_key}"
    }
  }

  # Nodes that always exist: the floor of the "ready nodes below minimum" alarm.
  node_min_size_total = var.node_group_layout == "per_az" ? var.node_min_size_per_az * length(var.node_subnet_ids) : var.spanning_node_group_size.min_size

  node_managed_policies = concat(
    ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly"],
    var.vpc_cni_pod_identity ? [] : ["AmazonEKS_CNI_Policy"],
  )

  node_assume_role_policy = {
    Version = "2012-10-17"
    Statement = [{
      # No aws:SourceAccount/SourceArn condition: EC2 does not supply them
      # when it assumes an instance-profile role.
      Sid       = "Ec2Nodes"
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  }

  node_tags = merge(local.tags, { Name = "${var.name}-node" })
}

resource "aws_iam_role" "node" {
  name                  = "${var.name}-node"
  description           = "${var.name} EKS nodes: kubelet, image pulls from ECR, Pod Identity agent"
  assume_role_policy    = jsonencode(local.node_assume_role_policy)
  force_detach_policies = true

  tags = merge(local.tags, { Name = "${var.name}-node" })
}

resource "aws_iam_role_policy_attachment" "node" {
  for_each = toset(local.node_managed_policies)

  role       = aws_iam_role.node.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/${each.key}"
}

# Pull-through cache (modules/registry, ADR 0152): a node's first pull of
# <account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<upstream path> makes ECR
# create the cache repository and import the image, both authorised as the
# node role. AmazonEC2ContainerRegistryPullOnly (above) has
# ecr:BatchImportUpstreamImage on every repository but no ecr:CreateRepository;
# this grants both on the cache prefixes of this region only. The repository's
# KMS key and tags come from the registry's creation template role, not from
# the node.
locals {
  pull_through_cache_repository_arns = [
    for p in var.pull_through_cache_prefixes : "arn:${local.partition}:ecr:${local.region}:${local.account_id}:repository/${p}/*"
  ]

  node_pull_through_cache_policy = {
    Version = "2012-10-17"
    Statement = [{
      Sid      = "FillPullThroughCache"
      Effect   = "Allow"
      Action   = ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"]
      Resource = local.pull_through_cache_repository_arns
    }]
  }
}

resource "aws_iam_role_policy" "node_pull_through_cache" {
  count = length(var.pull_through_cache_prefixes) > 0 ? 1 : 0

  name   = "pull-through-cache"
  role   = aws_iam_role.node.id
  policy = jsonencode(local.node_pull_through_cache_policy)
}

resource "aws_launch_template" "node" {
  name_prefix            = "${var.name}-node-"
  description            = "${var.name} EKS nodes (managed node groups; AMI from ami_type)"
  update_default_version = true
  vpc_security_group_ids = [aws_security_group.node.id]

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
    http_protocol_ipv6          = "disabled"
    instance_metadata_tags      = "disabled"
  }

  block_device_mappings {
    device_name = "/dev/xvda"

    ebs {
      volume_type           = "gp3"
      volume_size           = var.node_root_volume_size_gb
      encrypted             = "true"
      kms_key_id            = var.node_root_volume_kms_key_arn
      delete_on_termination = "true"
    }
  }

  monitoring {
    enabled = true
  }

  tag_specifications {
    resource_type = "instance"
    tags          = local.node_tags
  }

  tag_specifications {
    resource_type = "volume"
    tags          = local.node_tags
  }

  tag_specifications {
    resource_type = "network-interface"
    tags          = local.node_tags
  }

  tags = merge(local.tags, { Name = "${var.name}-node" })

  lifecycle {
    create_before_destroy = true
  }
}

# One instance per entry of local.node_groups: per AZ ("us-east-1a", ...) or
# the one "spanning" group. Switching node_group_layout replaces the groups
# (the new ones are created before the old ones go, create_before_destroy).
resource "aws_eks_node_group" "this" {
  for_each = local.node_groups

  cluster_name           = aws_eks_cluster.this.name
  node_group_name_prefix = each.value.name_prefix
  node_role_arn          = aws_iam_role.node.arn
  subnet_ids             = each.value.subnet_ids
  version                = aws_eks_cluster.this.version

  ami_type       = var.node_ami_type
  capacity_type  = var.node_capacity_type
  instance_types = var.node_instance_types
  labels         = var.node_labels

  launch_template {
    id      = aws_launch_template.node.id
    version = tostring(aws_launch_template.node.latest_version)
  }

  scaling_config {
    min_size     = each.value.min_size
    desired_size = each.value.desired_size
    max_size     = each.value.max_size
  }

  update_config {
    max_unavailable = var.node_max_unavailable
  }

  node_repair_config {
    enabled = var.node_auto_repair
  }

  tags = merge(local.tags, { Name = each.value.name_tag })

  lifecycle {
    create_before_destroy = true
    # Cluster Autoscaler owns the desired size once the group exists.
    ignore_changes = [scaling_config[0].desired_size]
  }

  # vpc-cni, kube-proxy and the Pod Identity agent exist before the first node
  # boots (a node is Ready only with a CNI); see addons.tf.
  depends_on = [
    aws_iam_role_policy_attachment.node,
    aws_iam_role_policy.node_pull_through_cache,
    aws_eks_addon.before_compute,
  ]
}
