# GitHub Actions → AWS without stored keys: the account's OIDC provider and
# three roles, each trusting exact subjects of one repository:
#   plan  — ReadOnlyAccess + state read and lock write (pull requests' plans run
#           from a trusted branch or environment, never from a fork);
#   apply — ReadOnlyAccess + a write policy scoped by region, by the project's
#           name prefixes and by the services it uses (ADR 0134);
#   build — push to the org-app ECR repository only.

data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id

  oidc_host         = "token.actions.githubusercontent.com"
  oidc_audience     = "sts.amazonaws.com"
  oidc_provider_arn = var.create_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : var.oidc_provider_arn

  repo = "repo:${var.github_owner}/${var.github_repository}"

  subjects = {
    plan  = concat([for b in var.plan_branches : "${local.repo}:ref:refs/heads/${b}"], [for e in var.plan_environments : "${local.repo}:environment:${e}"])
    apply = concat([for b in var.apply_branches : "${local.repo}:ref:refs/heads/${b}"], [for e in var.apply_environments : "${local.repo}:environment:${e}"])
    build = concat([for b in var.build_branches : "${local.repo}:ref:refs/heads/${b}"], [for e in var.build_environments : "${local.repo}:environment:${e}"])
  }

  roles = merge(
    {
      plan  = "Plans ${var.github_owner}/${var.github_repository} (read-only, state lock)"
      apply = "Applies ${var.github_owner}/${var.github_repository} (scoped write)"
    },
    var.ecr_repository_arn == null ? {} : {
      build = "Pushes ${var.github_owner}/${var.github_repository} images to ECR"
    },
  )

  role_arns = { for k in keys(local.roles) : k => "arn:${local.partition}:iam::${local.account_id}:role/${var.name}-ci-${k}" }

  tags = merge(var.tags, { "terraform-module" = "ci-identity" })
}

resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 1 : 0

  url             = "https://${local.oidc_host}"
  client_id_list  = [local.oidc_audience]
  thumbprint_list = length(var.oidc_thumbprints) > 0 ? var.oidc_thumbprints : null

  tags = merge(local.tags, { Name = "github-actions" })
}

# --- Trust: exact audience and exact subjects -------------------------------------
# StringEquals (not StringLike): a subject matches only character for character,
# so no input can widen it into a pattern.

locals {
  trust_policies = {
    for k in keys(local.roles) : k => {
      Version = "2012-10-17"
      Statement = [{
        Sid       = "GitHubActions${title(k)}"
        Effect    = "Allow"
        Principal = { Federated = local.oidc_provider_arn }
        Action    = "sts:AssumeRoleWithWebIdentity"
        Condition = {
          StringEquals = {
            "${local.oidc_host}:aud" = local.oidc_audience
            "${local.oidc_host}:sub" = local.subjects[k]
          }
        }
      }]
    }
  }
}

resource "aws_iam_role" "ci" {
  for_each = local.roles

  name                 = "${var.name}-ci-${each.key}"
  description          = each.value
  assume_role_policy   = jsonencode(local.trust_policies[each.key])
  max_session_duration = var.max_session_duration_seconds
  permissions_boundary = var.permissions_boundary_arn

  tags = merge(local.tags, { Name = "${var.name}-ci-${each.key}" })
}

resource "aws_iam_role_policy_attachment" "read_only" {
  for_each = toset(["plan", "apply"])

  role       = aws_iam_role.ci[each.key].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/ReadOnlyAccess"
}

# --- State: read, and the native lock file --------------------------------------------

locals {
  state_bucket     = var.state_bucket_arn
  state_objects    = "${var.state_bucket_arn}/${var.state_key_prefix}*"
  state_lock_files = "${var.state_bucket_arn}/${var.state_key_prefix}*.tflock"

  state_statements = {
    plan = [
      {
        Sid       = "ListState"
        Effect    = "Allow"
        Action    = "s3:ListBucket"
        Resource  = local.state_bucket
        Condition = var.state_key_prefix == "" ? null : { StringLike = { "s3:prefix" = ["${var.state_key_prefix}*"] } }
      },
      {
        Sid      = "ReadState"
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = local.state_objects
      },
      {
        # S3 native locking (use_lockfile): a <key>.tflock object per state.
        Sid      = "LockState"
        Effect   = "Allow"
        Action   = ["s3:PutObject", "s3:DeleteObject"]
        Resource = local.state_lock_files
      },
    ]
    apply = [
      {
        Sid       = "ListState"
        Effect    = "Allow"
        Action    = "s3:ListBucket"
        Resource  = local.state_bucket
        Condition = var.state_key_prefix == "" ? null : { StringLike = { "s3:prefix" = ["${var.state_key_prefix}*"] } }
      },
      {
        Sid      = "ReadWriteState"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject"]
        Resource = local.state_objects
      },
      {
        Sid      = "LockState"
        Effect   = "Allow"
        Action   = ["s3:DeleteObject"]
        Resource = local.state_lock_files
      },
    ]
  }

  state_kms_statement = var.state_kms_key_arn == null ? [] : [{
    Sid      = "StateKey"
    Effect   = "Allow"
    Action   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
    Resource = var.state_kms_key_arn
  }]

  # null conditions are dropped so the documents stay valid IAM JSON.
  state_policies = {
    for k, sts in local.state_statements : k => {
      Version   = "2012-10-17"
      Statement = concat([for s in sts : { for a, v in s : a => v if v != null }], local.state_kms_statement)
    }
  }
}

resource "aws_iam_role_policy" "state" {
  for_each = local.state_policies

  name   = "opentofu-state"
  role   = aws_iam_role.ci[each.key].id
  policy = jsonencode(each.value)
}

# --- Build: push to the one repository --------------------------------------------------

locals {
  build_policy = var.ecr_repository_arn == null ? null : {
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "EcrLogin"
        Effect   = "Allow"
        Action   = "ecr:GetAuthorizationToken"
        Resource = "*"
      },
      {
        Sid    = "PushOrgAppImages"
        Effect = "Allow"
        Action = [
          "ecr:BatchCheckLayerAvailability",
          "ecr:InitiateLayerUpload",
          "ecr:UploadLayerPart",
          "ecr:CompleteLayerUpload",
          "ecr:PutImage",
          "ecr:BatchGetImage",
          "ecr:GetDownloadUrlForLayer",
          "ecr:DescribeImages",
        ]
        Resource = var.ecr_repository_arn
      },
    ]
  }
}

resource "aws_iam_role_policy" "build" {
  count = var.ecr_repository_arn == null ? 0 : 1

  name   = "ecr-push-org-app"
  role   = aws_iam_role.ci["build"].id
  policy = jsonencode(local.build_policy)
}
