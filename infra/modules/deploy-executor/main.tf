# The deploy executor (ADR 0407): a CodeBuild project whose builds run in the
# app VPC's private subnets with no internet route, started by the
# GitHub-hosted deploy job. The job uploads a bundle (chart, values, scripts,
# tools, stack outputs, deploy/buildspec.yml) under bundles/ of this module's
# bucket and starts a build with that object as its source; the build reaches
# the private EKS API, S3 (gateway endpoint) and CloudWatch Logs and ECR
# (interface endpoints), nothing else, and writes its results (two
# 15-minute canary tokens) under results/, which the job reads and deletes.
#
#   security group: no ingress; egress TCP 443 to the interface-endpoint
#                   subnets, the cluster security group and the S3 prefix
#                   list, DNS to the VPC resolver.
#   role:           its log group, GetObject on bundles/, PutObject on
#                   results/, the network-interface calls of VPC builds,
#                   ECR reads of this region's repositories, its KMS key.
#                   No Secrets Manager, no EKS API (the kubeconfig comes from
#                   the stack outputs; the cluster's access entry authorises).

data "aws_region" "current" {}
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  region     = data.aws_region.current.region
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  tags       = merge(var.tags, { Module = "deploy-executor" })

  project_name   = "${var.name}-deploy"
  role_name      = "${var.name}-deploy-executor"
  bucket_name    = "${var.name}-deploy-${local.account_id}"
  log_group_name = "/aws/codebuild/${local.project_name}"
  bundle_prefix  = "bundles/"
  results_prefix = "results/"

  project_arn   = "arn:${local.partition}:codebuild:${local.region}:${local.account_id}:project/${local.project_name}"
  log_group_arn = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"
  role_arn      = "arn:${local.partition}:iam::${local.account_id}:role/${local.role_name}"
  subnet_arns   = [for s in var.subnet_ids : "arn:${local.partition}:ec2:${local.region}:${local.account_id}:subnet/${s}"]
  resolver_cidr = "${cidrhost(var.vpc_cidr, 2)}/32"
  ecr_arn       = "arn:${local.partition}:ecr:${local.region}:${local.account_id}:repository"
}

# --- KMS: the bucket's objects and the build log group --------------------------

resource "aws_kms_key" "this" {
  description             = "${var.name}: deploy executor bundles, results and build logs"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministersTheKeyThroughIam"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "CloudWatchLogsForTheBuildLogGroup"
        Effect    = "Allow"
        Principal = { Service = "logs.${local.region}.amazonaws.com" }
        Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
        Resource  = "*"
        Condition = { ArnEquals = { "kms:EncryptionContext:aws:logs:arn" = local.log_group_arn } }
      },
    ]
  })

  tags = merge(local.tags, { Name = "${var.name}-deploy-executor" })
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}-deploy-executor"
  target_key_id = aws_kms_key.this.key_id
}

# --- Build logs -------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.this.arn

  tags = local.tags
}

# --- Bundle bucket ----------------------------------------------------------------

resource "aws_s3_bucket" "this" {
  bucket        = local.bucket_name
  force_destroy = var.force_destroy

  tags = merge(local.tags, { Name = local.bucket_name })
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket = aws_s3_bucket.this.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.this.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_versioning" "this" {
  count  = var.bucket_versioning ? 1 : 0
  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    id     = "expire-everything"
    status = "Enabled"

    filter {}

    expiration {
      days = var.object_expiration_days
    }

    noncurrent_version_expiration {
      noncurrent_days = var.object_expiration_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        Sid       = "DenyObjectsNotEncryptedWithTheKey"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:PutObject"
        Resource  = "${aws_s3_bucket.this.arn}/*"
        Condition = { StringNotEqualsIfExists = { "s3:x-amz-server-side-encryption-aws-kms-key-id" = aws_kms_key.this.arn } }
      },
    ]
  })

  depends_on = [aws_s3_bucket_public_access_block.this]
}

# --- Security group: no ingress; HTTPS to the API, the endpoints and S3; DNS -----

resource "aws_security_group" "this" {
  name_prefix = "${var.name}-deploy-executor-"
  description = "Deploy executor builds: no ingress; HTTPS to the EKS API, VPC endpoints and S3; DNS to the VPC resolver"
  vpc_id      = var.vpc_id

  tags = merge(local.tags, { Name = "${var.name}-deploy-executor" })

  lifecycle {
    create_before_destroy = true
  }
}

locals {
  egress_rules = merge(
    {
      for c in var.vpc_endpoint_cidrs : "https-to-endpoints-${c}" => {
        protocol    = "tcp", port = 443, cidr = c, prefix_list = null, peer_sg = null
        description = "Interface VPC endpoints (CloudWatch Logs, ECR, ...)"
      }
    },
    {
      "https-to-cluster" = {
        protocol    = "tcp", port = 443, cidr = null, prefix_list = null, peer_sg = var.cluster_security_group_id
        description = "Private EKS API"
      }
      "https-to-s3" = {
        protocol    = "tcp", port = 443, cidr = null, prefix_list = var.s3_prefix_list_id, peer_sg = null
        description = "S3 gateway endpoint (bundle and results)"
      }
      "dns-udp-to-resolver" = {
        protocol    = "udp", port = 53, cidr = local.resolver_cidr, prefix_list = null, peer_sg = null
        description = "DNS (UDP) to the VPC resolver"
      }
      "dns-tcp-to-resolver" = {
        protocol    = "tcp", port = 53, cidr = local.resolver_cidr, prefix_list = null, peer_sg = null
        description = "DNS (TCP) to the VPC resolver"
      }
    },
  )
}

resource "aws_vpc_security_group_egress_rule" "this" {
  for_each = local.egress_rules

  security_group_id            = aws_security_group.this.id
  description                  = each.value.description
  ip_protocol                  = each.value.protocol
  from_port                    = each.value.port
  to_port                      = each.value.port
  cidr_ipv4                    = each.value.cidr
  prefix_list_id               = each.value.prefix_list
  referenced_security_group_id = each.value.peer_sg

  tags = merge(local.tags, { Name = "${var.name}-deploy-executor-${each.key}" })
}

# --- Service role -------------------------------------------------------------------

resource "aws_iam_role" "this" {
  name        = local.role_name
  description = "CodeBuild service role of ${local.project_name}: the in-VPC deploy executor"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "codebuild.amazonaws.com" }
      Action    = "sts:AssumeRole"
      # Confused deputy: only this account's project of this name.
      Condition = {
        StringEquals = { "aws:SourceAccount" = local.account_id }
        ArnLike      = { "aws:SourceArn" = local.project_arn }
      }
    }]
  })

  tags = local.tags
}

locals {
  ecr_read_arns = concat(
    [for r in var.ecr_repository_names : "${local.ecr_arn}/${r}"],
    [for p in var.ecr_pull_through_prefixes : "${local.ecr_arn}/${p}/*"],
  )

  role_statements = concat(
    [
      {
        Sid      = "BuildLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = [local.log_group_arn, "${local.log_group_arn}:*"]
      },
      {
        Sid      = "ReadBundles"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:GetObjectVersion"]
        Resource = "${aws_s3_bucket.this.arn}/${local.bundle_prefix}*"
      },
      {
        Sid      = "WriteResults"
        Effect   = "Allow"
        Action   = "s3:PutObject"
        Resource = "${aws_s3_bucket.this.arn}/${local.results_prefix}*"
      },
      {
        Sid      = "BucketLocation"
        Effect   = "Allow"
        Action   = ["s3:GetBucketLocation", "s3:GetBucketAcl"]
        Resource = aws_s3_bucket.this.arn
      },
      {
        Sid      = "TheExecutorKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = aws_kms_key.this.arn
      },
      {
        # VPC builds: CodeBuild creates and deletes the build's network
        # interface with the service role (AWS: "Allow CodeBuild access to
        # AWS services required to create a VPC network interface").
        Sid    = "VpcBuildNetworkInterfaces"
        Effect = "Allow"
        Action = [
          "ec2:CreateNetworkInterface", "ec2:DescribeDhcpOptions", "ec2:DescribeNetworkInterfaces",
          "ec2:DeleteNetworkInterface", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeVpcs",
        ]
        Resource = "*"
      },
      {
        Sid      = "VpcBuildNetworkInterfacePermission"
        Effect   = "Allow"
        Action   = "ec2:CreateNetworkInterfacePermission"
        Resource = "arn:${local.partition}:ec2:${local.region}:${local.account_id}:network-interface/*"
        Condition = {
          StringEquals = {
            "ec2:Subnet"            = local.subnet_arns
            "ec2:AuthorizedService" = "codebuild.amazonaws.com"
          }
        }
      },
    ],
    [for s in [
      {
        Sid      = "EcrAuthorizationToken"
        Effect   = "Allow"
        Action   = "ecr:GetAuthorizationToken"
        Resource = "*"
      },
      {
        Sid      = "EcrReadRegionRepositories"
        Effect   = "Allow"
        Action   = ["ecr:BatchGetImage", "ecr:DescribeImages"]
        Resource = local.ecr_read_arns
      },
    ] : s if length(local.ecr_read_arns) > 0],
    [for s in [
      {
        # A pull-through cache fills a repository on first use: resolving an
        # upstream image's digest may create <prefix>/<image> and import it.
        Sid      = "EcrPullThroughCacheFill"
        Effect   = "Allow"
        Action   = ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"]
        Resource = [for p in var.ecr_pull_through_prefixes : "${local.ecr_arn}/${p}/*"]
      },
    ] : s if length(var.ecr_pull_through_prefixes) > 0],
  )
}

resource "aws_iam_role_policy" "this" {
  name   = "deploy-executor"
  role   = aws_iam_role.this.id
  policy = jsonencode({ Version = "2012-10-17", Statement = local.role_statements })
}

# --- The project ---------------------------------------------------------------------

resource "aws_codebuild_project" "this" {
  name                   = local.project_name
  description            = "In-VPC deploy executor of ${var.name}: platform add-ons, helm upgrade --install, helm test, canary tokens, rollback (ADR 0407)"
  service_role           = aws_iam_role.this.arn
  build_timeout          = var.build_timeout_minutes
  queued_timeout         = var.queued_timeout_minutes
  concurrent_build_limit = 1
  encryption_key         = aws_kms_key.this.arn

  artifacts {
    type = "NO_ARTIFACTS"
  }

  environment {
    type                        = "LINUX_CONTAINER"
    compute_type                = var.compute_type
    image                       = var.image
    image_pull_credentials_type = "CODEBUILD"
    privileged_mode             = false
  }

  # Every build names its own bundle (start-build --source-location-override
  # <bucket>/bundles/<run>.zip); the buildspec comes from the bundle.
  source {
    type      = "S3"
    location  = "${aws_s3_bucket.this.id}/${local.bundle_prefix}bundle.zip"
    buildspec = "deploy/buildspec.yml"
  }

  vpc_config {
    vpc_id             = var.vpc_id
    subnets            = var.subnet_ids
    security_group_ids = [aws_security_group.this.id]
  }

  logs_config {
    cloudwatch_logs {
      status     = "ENABLED"
      group_name = aws_cloudwatch_log_group.this.name
    }
    s3_logs {
      status = "DISABLED"
    }
  }

  tags = local.tags

  # CodeBuild checks the role's VPC permissions when the project is saved.
  depends_on = [aws_iam_role_policy.this]
}
