# The application's ECR repository in the primary region (the provider's) and
# in every replica region, with registry replication from the primary, and
# the pull-through cache rules the no-egress app VPCs pull third-party images
# through. Every regional resource names its region with the provider 6.x
# per-resource `region` argument, so one provider manages all of them.
# See README.md and ADRs 0122-0123.

data "aws_region" "current" {}

data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

locals {
  primary_region = data.aws_region.current.region
  partition      = data.aws_partition.current.partition
  account_id     = data.aws_caller_identity.current.account_id

  regions = distinct(concat([local.primary_region], var.replica_regions))

  tags = merge(var.tags, { "terraform-module" = "registry" })

  # KMS key per region: the caller's, or one made here.
  module_key_regions = [for r in local.regions : r if !contains(keys(var.kms_key_arns), r)]
  kms_key_arns       = { for r in local.regions : r => try(var.kms_key_arns[r], aws_kms_key.ecr[r].arn) }

  # Lifecycle (ADR 0404). cosign v3 stores signatures and attestations as
  # untagged OCI 1.1 referrers, and the platform manifests of a multi-arch
  # index are untagged too: an "untagged" or "any" rule would count or expire
  # them while their release is still kept, and a rollback to that release
  # would fail its signature check. So the only rule selects *tagged* images
  # by the release tag patterns: it can never match a referrer or a child
  # manifest. ECR lifecycle rules (2026: tagStatus, tagPatternList,
  # tagPrefixList, storageClass, countType incl. sinceImagePulled) have no
  # artifact-type or subject selector that could do better.
  lifecycle_policy = {
    rules = [
      {
        rulePriority = 1
        description  = "Keep the newest ${var.max_image_count} release images (tags ${join(", ", var.release_tag_patterns)}); untagged referrers and platform manifests are never selected"
        selection = {
          tagStatus      = "tagged"
          tagPatternList = var.release_tag_patterns
          countType      = "imageCountMoreThan"
          countNumber    = var.max_image_count
        }
        action = { type = "expire" }
      },
    ]
  }

  # The cache repositories hold upstream tags (and their untagged platform
  # manifests and referrers): keep the newest N tagged images of each.
  cache_lifecycle_policy = {
    rules = [
      {
        rulePriority = 1
        description  = "Keep the newest ${var.max_image_count} tagged images; untagged manifests are never selected"
        selection = {
          tagStatus      = "tagged"
          tagPatternList = ["*"]
          countType      = "imageCountMoreThan"
          countNumber    = var.max_image_count
        }
        action = { type = "expire" }
      },
    ]
  }

  pull_actions = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]

  # Cross-account promotion (ADR 0404): the next environment's CI role pulls
  # an exact digest with its referrers from here and pushes it to its own
  # registry. The principal is the other account (always valid, survives a
  # re-created role) narrowed to the exact role ARNs by aws:PrincipalArn;
  # that account's IAM must allow the pull as well.
  promotion_accounts = distinct([for a in var.promotion_pull_principal_arns : split(":", a)[4]])
  promotion_statement = length(var.promotion_pull_principal_arns) == 0 ? [] : [{
    Sid       = "AllowPromotionPullByNextEnvironment"
    Effect    = "Allow"
    Principal = { AWS = [for a in local.promotion_accounts : "arn:${local.partition}:iam::${a}:root"] }
    Action    = concat(local.pull_actions, ["ecr:BatchCheckLayerAvailability"])
    Condition = { ArnEquals = { "aws:PrincipalArn" = var.promotion_pull_principal_arns } }
  }]

  # Pulls only by the listed roles (node roles). Same-account IAM already
  # lets them pull; the Deny is what makes it "only". Service-linked roles
  # (replication, Inspector scanning) and AWS service principals are exempt,
  # and so are the promotion roles on the application repository.
  pull_statements = length(var.pull_principal_arns) == 0 ? [] : [
    {
      Sid       = "AllowPullByListedRoles"
      Effect    = "Allow"
      Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
      Action    = concat(local.pull_actions, ["ecr:BatchCheckLayerAvailability"])
      Condition = { ArnLike = { "aws:PrincipalArn" = var.pull_principal_arns } }
    },
  ]
  deny_pull_statement = {
    for k, extra in { app = var.promotion_pull_principal_arns, cache = [] } : k => length(var.pull_principal_arns) == 0 ? [] : [{
      Sid       = "DenyPullByOthers"
      Effect    = "Deny"
      Principal = "*"
      Action    = local.pull_actions
      Condition = {
        ArnNotLike   = { "aws:PrincipalArn" = concat(var.pull_principal_arns, extra, ["arn:${local.partition}:iam::${local.account_id}:role/aws-service-role/*"]) }
        BoolIfExists = { "aws:PrincipalIsAWSService" = "false" }
      }
    }]
  }

  # The application repositories' policy (pull roles, promotion roles) and
  # the cache repositories' (pull roles only): null when there is nothing to say.
  repository_policy = length(var.pull_principal_arns) + length(var.promotion_pull_principal_arns) == 0 ? null : {
    Version   = "2012-10-17"
    Statement = concat(local.pull_statements, local.promotion_statement, local.deny_pull_statement.app)
  }
  cache_repository_policy = length(var.pull_principal_arns) == 0 ? null : {
    Version   = "2012-10-17"
    Statement = concat(local.pull_statements, local.deny_pull_statement.cache)
  }
}

# --- KMS -----------------------------------------------------------------------

resource "aws_kms_key" "ecr" {
  for_each = toset(local.module_key_regions)

  region                  = each.key
  description             = "${var.name}: ECR repositories (${each.key})"
  key_usage               = "ENCRYPT_DECRYPT"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_key_deletion_window_days

  # ECR uses the key through grants it creates with the caller's permissions,
  # so the account (IAM) administers and delegates it; no service principal.
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AccountAdministration"
      Effect    = "Allow"
      Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })

  tags = merge(local.tags, { Name = "${var.name}-ecr" })
}

resource "aws_kms_alias" "ecr" {
  for_each = toset(local.module_key_regions)

  region        = each.key
  name          = "alias/${var.name}-ecr"
  target_key_id = aws_kms_key.ecr[each.key].key_id
}

# --- The application repository (primary and replicas) ---------------------------

resource "aws_ecr_repository" "this" {
  for_each = toset(local.regions)

  region               = each.key
  name                 = var.repository_name
  image_tag_mutability = "IMMUTABLE"
  force_delete         = var.repository_force_delete

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = local.kms_key_arns[each.key]
  }

  tags = merge(local.tags, { Name = var.repository_name, "registry/role" = each.key == local.primary_region ? "primary" : "replica" })

  lifecycle {
    precondition {
      condition     = !contains(var.replica_regions, local.primary_region)
      error_message = "replica_regions must not contain the primary region (${local.primary_region}), the provider's region."
    }

    precondition {
      condition     = alltrue([for r in keys(var.kms_key_arns) : contains(local.regions, r)])
      error_message = "kms_key_arns may only list the primary region and the replica_regions."
    }

    precondition {
      condition     = !var.enable_ghcr_cache || alltrue([for r in local.regions : contains(keys(var.ghcr_credential_arns), r)])
      error_message = "enable_ghcr_cache needs a ghcr_credential_arns entry for every region: ${join(", ", local.regions)}."
    }

    precondition {
      condition     = alltrue([for a in var.pull_principal_arns : split(":", a)[4] == local.account_id])
      error_message = "pull_principal_arns must be roles of this account (${local.account_id})."
    }

    precondition {
      condition     = alltrue([for a in var.promotion_pull_principal_arns : split(":", a)[4] != local.account_id])
      error_message = "promotion_pull_principal_arns must be roles of other accounts (the next environment's); roles of this account (${local.account_id}) belong in pull_principal_arns."
    }
  }
}

resource "aws_ecr_lifecycle_policy" "this" {
  for_each = aws_ecr_repository.this

  region     = each.key
  repository = each.value.name
  policy     = jsonencode(local.lifecycle_policy)
}

resource "aws_ecr_repository_policy" "this" {
  for_each = local.repository_policy == null ? {} : aws_ecr_repository.this

  region     = each.key
  repository = each.value.name
  policy     = jsonencode(local.repository_policy)
}

# Registry-wide, one per account and region: this resource owns the whole
# replication configuration of the primary region's registry (another
# configuration made elsewhere would be overwritten). The replica repositories
# exist before it, so replicated images land in repositories with this
# module's settings instead of ones ECR would create with defaults.
resource "aws_ecr_replication_configuration" "this" {
  count = length(var.replica_regions) > 0 ? 1 : 0

  replication_configuration {
    rule {
      dynamic "destination" {
        for_each = var.replica_regions

        content {
          region      = destination.value
          registry_id = local.account_id
        }
      }

      repository_filter {
        filter      = var.repository_name
        filter_type = "PREFIX_MATCH"
      }
    }
  }

  depends_on = [
    aws_ecr_repository.this,
    aws_ecr_lifecycle_policy.this,
    aws_ecr_repository_policy.this,
  ]
}
