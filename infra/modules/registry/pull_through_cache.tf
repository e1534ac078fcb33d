# Pull-through cache rules: the only way third-party images reach the
# no-egress app VPCs. Nodes pull <account>.dkr.ecr.<region>.amazonaws.com/
# <prefix>/<upstream path>; on a miss ECR fetches the image from the upstream
# registry and creates <prefix>/<path> with the settings of the repository
# creation template below.

locals {
  upstreams = {
    "ecr-public" = { url = "public.ecr.aws", enabled = var.enable_ecr_public_cache }
    "k8s"        = { url = "registry.k8s.io", enabled = var.enable_k8s_cache }
    "ghcr"       = { url = "ghcr.io", enabled = var.enable_ghcr_cache }
  }
  cache_prefixes = { for p, u in local.upstreams : p => u.url if u.enabled }

  cache_rules = {
    for pair in setproduct(local.regions, keys(local.cache_prefixes)) : "${pair[0]}/${pair[1]}" => {
      region = pair[0]
      prefix = pair[1]
    }
  }

  cache_repository_arns = [
    for pair in setproduct(local.regions, keys(local.cache_prefixes)) :
    "arn:${local.partition}:ecr:${pair[0]}:${local.account_id}:repository/${pair[1]}/*"
  ]
}

resource "aws_ecr_pull_through_cache_rule" "this" {
  for_each = local.cache_rules

  region                = each.value.region
  ecr_repository_prefix = each.value.prefix
  upstream_registry_url = local.cache_prefixes[each.value.prefix]
  credential_arn        = each.value.prefix == "ghcr" ? try(var.ghcr_credential_arns[each.value.region], null) : null
}

# The settings of every repository ECR creates under a cache prefix. A KMS key
# and resource tags in a template need a role that ECR assumes to create the
# repository (ECR's service-linked role can only create plain repositories).
resource "aws_ecr_repository_creation_template" "cache" {
  for_each = local.cache_rules

  region               = each.value.region
  prefix               = each.value.prefix
  description          = "${var.name}: pull-through cache of ${local.cache_prefixes[each.value.prefix]}"
  applied_for          = ["PULL_THROUGH_CACHE"]
  image_tag_mutability = var.cache_image_tag_mutability
  custom_role_arn      = aws_iam_role.creation_template[0].arn
  lifecycle_policy     = jsonencode(local.cache_lifecycle_policy)
  repository_policy    = local.cache_repository_policy == null ? null : jsonencode(local.cache_repository_policy)
  resource_tags        = merge(local.tags, { "registry/role" = "pull-through-cache", "registry/upstream" = local.cache_prefixes[each.value.prefix] })

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = local.kms_key_arns[each.value.region]
  }

  depends_on = [aws_iam_role_policy.creation_template]
}

resource "aws_iam_role" "creation_template" {
  count = length(local.cache_prefixes) > 0 ? 1 : 0

  name        = "${var.name}-ecr-cache-templates"
  description = "Assumed by ECR to create pull-through cache repositories with KMS encryption and tags"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ecr.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })

  tags = merge(local.tags, { Name = "${var.name}-ecr-cache-templates" })
}

resource "aws_iam_role_policy" "creation_template" {
  count = length(local.cache_prefixes) > 0 ? 1 : 0

  name = "create-cache-repositories"
  role = aws_iam_role.creation_template[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "CreateCacheRepositories"
        Effect   = "Allow"
        Action   = ["ecr:CreateRepository", "ecr:TagResource"]
        Resource = local.cache_repository_arns
      },
      {
        Sid       = "GrantRegistryKeysToEcr"
        Effect    = "Allow"
        Action    = "kms:CreateGrant"
        Resource  = [for r in local.regions : local.kms_key_arns[r]]
        Condition = { Bool = { "kms:GrantIsForAWSResource" = "true" } }
      },
      {
        Sid      = "DescribeRegistryKeys"
        Effect   = "Allow"
        Action   = ["kms:DescribeKey", "kms:RetireGrant"]
        Resource = [for r in local.regions : local.kms_key_arns[r]]
      },
    ]
  })
}
