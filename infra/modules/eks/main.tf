# A private EKS cluster in the app VPC (see README.md and ADRs 0110-0113):
# private endpoint only, API authentication with access entries (no aws-auth
# ConfigMap, no bootstrap admin), KMS envelope encryption of secrets, all five
# control-plane log types into a log group the module creates first.

data "aws_region" "current" {}

data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

locals {
  region     = data.aws_region.current.region
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id

  # Known before the cluster exists, so trust and key policies need not wait
  # for it (and can be asserted on in plan-only tests).
  cluster_arn = "arn:${local.partition}:eks:${local.region}:${local.account_id}:cluster/${var.name}"

  cluster_log_types = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
  log_group_name    = "/aws/eks/${var.name}/cluster"
  logs_arn_prefix   = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:"

  container_insights_log_prefix = "/aws/containerinsights/${var.name}"
  container_insights_log_groups = var.enable_cloudwatch_observability ? toset(["application", "dataplane", "host", "performance"]) : toset([])

  tags = merge(var.tags, { "terraform-module" = "eks" })
}

# --- KMS key: secrets envelope encryption and the module's log groups ------

locals {
  kms_key_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        # The account's IAM policies decide who may use the key (the cluster
        # role gets exactly Encrypt/Decrypt/ListGrants/DescribeKey below).
        Sid       = "AccountAdministration"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "CloudWatchLogsForThisClustersLogGroups"
        Effect    = "Allow"
        Principal = { Service = "logs.${local.region}.amazonaws.com" }
        Action = [
          "kms:Encrypt*",
          "kms:Decrypt*",
          "kms:ReEncrypt*",
          "kms:GenerateDataKey*",
          "kms:Describe*",
        ]
        Resource = "*"
        Condition = {
          ArnLike = {
            "kms:EncryptionContext:aws:logs:arn" = [
              "${local.logs_arn_prefix}${local.log_group_name}",
              "${local.logs_arn_prefix}${local.container_insights_log_prefix}/*",
            ]
          }
        }
      },
    ]
  }
}

resource "aws_kms_key" "this" {
  description             = "${var.name}: EKS secrets envelope encryption and cluster log groups"
  key_usage               = "ENCRYPT_DECRYPT"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_key_deletion_window_days
  policy                  = jsonencode(local.kms_key_policy)

  tags = merge(local.tags, { Name = "${var.name}-eks" })
}

# The alias carries the start of the key id: a re-created cluster gets a new
# key and so a new alias, and never collides with the alias of a key still in
# its deletion window (or left behind by an interrupted destroy).
resource "aws_kms_alias" "this" {
  name          = "alias/eks/${var.name}-${substr(aws_kms_key.this.key_id, 0, 8)}"
  target_key_id = aws_kms_key.this.key_id
}

# --- Control-plane log group ---------------------------------------------------
# Created before the cluster (the cluster depends on it), so EKS never creates
# it on its own without retention or KMS; destroyed after the cluster, so EKS
# cannot write it back while the cluster is being deleted. See README.md.

resource "aws_cloudwatch_log_group" "cluster" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.this.arn
  log_group_class   = "STANDARD"
  skip_destroy      = false

  tags = merge(local.tags, { Name = "${var.name}-control-plane" })
}

# --- Cluster IAM role --------------------------------------------------------

locals {
  cluster_assume_role_policy = {
    Version = "2012-10-17"
    Statement = [{
      Sid       = "EksControlPlaneOfThisCluster"
      Effect    = "Allow"
      Principal = { Service = "eks.amazonaws.com" }
      Action    = ["sts:AssumeRole", "sts:TagSession"]
      Condition = {
        ArnLike      = { "aws:SourceArn" = local.cluster_arn }
        StringEquals = { "aws:SourceAccount" = local.account_id }
      }
    }]
  }

  cluster_kms_policy = {
    Version = "2012-10-17"
    Statement = [{
      Sid      = "EnvelopeEncryptionOfSecrets"
      Effect   = "Allow"
      Action   = ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"]
      Resource = aws_kms_key.this.arn
    }]
  }
}

resource "aws_iam_role" "cluster" {
  name                  = "${var.name}-cluster"
  description           = "${var.name} EKS control plane"
  assume_role_policy    = jsonencode(local.cluster_assume_role_policy)
  force_detach_policies = true

  tags = merge(local.tags, { Name = "${var.name}-cluster" })
}

resource "aws_iam_role_policy_attachment" "cluster" {
  role       = aws_iam_role.cluster.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/AmazonEKSClusterPolicy"
}

resource "aws_iam_role_policy" "cluster_kms" {
  name   = "secrets-envelope-encryption"
  role   = aws_iam_role.cluster.id
  policy = jsonencode(local.cluster_kms_policy)
}

# --- The cluster ---------------------------------------------------------------

resource "aws_eks_cluster" "this" {
  name     = var.name
  version  = var.kubernetes_version
  role_arn = aws_iam_role.cluster.arn

  # The managed add-ons (addons.tf) install vpc-cni, kube-proxy and CoreDNS;
  # no unmanaged copies to adopt or fight with.
  bootstrap_self_managed_addons = false
  deletion_protection           = var.deletion_protection
  enabled_cluster_log_types     = local.cluster_log_types

  access_config {
    authentication_mode                         = "API"
    bootstrap_cluster_creator_admin_permissions = false
  }

  vpc_config {
    subnet_ids              = [for az in sort(keys(var.control_plane_subnet_ids)) : var.control_plane_subnet_ids[az]]
    security_group_ids      = [aws_security_group.cluster.id]
    endpoint_private_access = true
    endpoint_public_access  = false
  }

  encryption_config {
    resources = ["secrets"]

    provider {
      key_arn = aws_kms_key.this.arn
    }
  }

  kubernetes_network_config {
    ip_family         = "ipv4"
    service_ipv4_cidr = var.service_ipv4_cidr
  }

  upgrade_policy {
    support_type = var.support_type
  }

  tags = merge(local.tags, { Name = var.name })

  depends_on = [
    aws_cloudwatch_log_group.cluster,
    aws_iam_role_policy_attachment.cluster,
    aws_iam_role_policy.cluster_kms,
  ]
}

# --- Access entries ------------------------------------------------------------
# One per operator role and one for the CI deploy role. The node role's entry
# (type EC2_LINUX) is made by EKS itself for the managed node groups.

locals {
  access_entries = merge(
    var.access_entries,
    var.ci_deploy_role_arn == null ? {} : {
      (var.ci_deploy_role_arn) = { policy = var.ci_deploy_access_policy, scope = "cluster", namespaces = [] }
    },
  )

  access_policy_arns = {
    for principal, e in local.access_entries : principal => (
      startswith(e.policy, "arn:") ? e.policy : "arn:${local.partition}:eks::aws:cluster-access-policy/${e.policy}"
    )
  }
}

resource "aws_eks_access_entry" "this" {
  for_each = local.access_entries

  cluster_name  = aws_eks_cluster.this.name
  principal_arn = each.key
  type          = "STANDARD"

  tags = local.tags
}

resource "aws_eks_access_policy_association" "this" {
  for_each = local.access_entries

  cluster_name  = aws_eks_cluster.this.name
  principal_arn = aws_eks_access_entry.this[each.key].principal_arn
  policy_arn    = local.access_policy_arns[each.key]

  access_scope {
    type       = each.value.scope
    namespaces = each.value.scope == "namespace" ? each.value.namespaces : null
  }
}
