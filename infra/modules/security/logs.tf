# The security log bucket and its KMS key: CloudTrail writes under
# cloudtrail/, AWS Config under config/. Private (public access block, bucket
# owner enforced), TLS only, versioned, SSE-KMS, archived then expired.

locals {
  cloudtrail_context = "arn:${local.partition}:cloudtrail:*:${local.account_id}:trail/*"

  # Each statement with the toggle that needs it; the for/if keeps statements
  # of different shapes (a conditional would need equal types).
  kms_statements = [
    {
      on = true
      doc = {
        Sid       = "AccountAdministration"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      }
    },
    {
      # Only this account's trail, identified by its ARN, may encrypt.
      on = var.enable_cloudtrail
      doc = {
        Sid       = "CloudTrailEncryptsThisTrail"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "kms:GenerateDataKey*"
        Resource  = "*"
        Condition = {
          StringEquals = { "aws:SourceArn" = local.trail_arn }
          StringLike   = { "kms:EncryptionContext:aws:cloudtrail:arn" = local.cloudtrail_context }
        }
      }
    },
    {
      on = var.enable_cloudtrail
      doc = {
        Sid       = "CloudTrailDescribesTheKey"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "kms:DescribeKey"
        Resource  = "*"
        Condition = { StringEquals = { "aws:SourceArn" = local.trail_arn } }
      }
    },
    {
      # Readers in this account (with an IAM grant) decrypt trail logs.
      on = var.enable_cloudtrail
      doc = {
        Sid       = "AccountDecryptsTrailLogs"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = ["kms:Decrypt", "kms:ReEncryptFrom"]
        Resource  = "*"
        Condition = {
          StringEquals = { "kms:CallerAccount" = local.account_id }
          StringLike   = { "kms:EncryptionContext:aws:cloudtrail:arn" = local.cloudtrail_context }
        }
      }
    },
    {
      on = var.enable_cloudtrail && var.cloudtrail_cloudwatch_logs
      doc = {
        Sid       = "CloudWatchLogsEncryptsTheTrailLogGroup"
        Effect    = "Allow"
        Principal = { Service = "logs.${local.region}.amazonaws.com" }
        Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
        Resource  = "*"
        Condition = { ArnEquals = { "kms:EncryptionContext:aws:logs:arn" = local.trail_log_group_arn } }
      }
    },
  ]

  kms_policy = {
    Version   = "2012-10-17"
    Statement = [for st in local.kms_statements : st.doc if st.on]
  }
}

resource "aws_kms_key" "logs" {
  count = local.log_bucket_enabled ? 1 : 0

  description             = "${var.name}: CloudTrail and Config logs"
  key_usage               = "ENCRYPT_DECRYPT"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_key_deletion_window_days
  policy                  = jsonencode(local.kms_policy)

  tags = merge(local.tags, { Name = "${var.name}-security-logs" })
}

resource "aws_kms_alias" "logs" {
  count = local.log_bucket_enabled ? 1 : 0

  name          = "alias/${var.name}-security-logs"
  target_key_id = aws_kms_key.logs[0].key_id
}

resource "aws_s3_bucket" "logs" {
  count = local.log_bucket_enabled ? 1 : 0

  bucket = local.log_bucket_name

  tags = merge(local.tags, { Name = local.log_bucket_name })
}

resource "aws_s3_bucket_public_access_block" "logs" {
  count = local.log_bucket_enabled ? 1 : 0

  bucket                  = aws_s3_bucket.logs[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "logs" {
  count = local.log_bucket_enabled ? 1 : 0

  bucket = aws_s3_bucket.logs[0].id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "logs" {
  count = local.log_bucket_enabled ? 1 : 0

  bucket = aws_s3_bucket.logs[0].id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  count = local.log_bucket_enabled ? 1 : 0

  bucket = aws_s3_bucket.logs[0].id

  rule {
    bucket_key_enabled = true

    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.logs[0].arn
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  count = local.log_bucket_enabled ? 1 : 0

  bucket = aws_s3_bucket.logs[0].id

  rule {
    id     = "archive-then-expire"
    status = "Enabled"

    filter {}

    transition {
      days          = var.log_archive_after_days
      storage_class = "GLACIER_IR"
    }

    expiration {
      days = var.log_expire_after_days
    }

    noncurrent_version_expiration {
      noncurrent_days = 30
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.logs]
}

resource "aws_s3_bucket_logging" "logs" {
  count = local.log_bucket_enabled && var.log_bucket_access_log_bucket != null ? 1 : 0

  bucket        = aws_s3_bucket.logs[0].id
  target_bucket = var.log_bucket_access_log_bucket
  target_prefix = "${local.log_bucket_name}/"
}

locals {
  bucket_statements = [
    {
      on = true
      doc = {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [local.log_bucket_arn, "${local.log_bucket_arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      }
    },
    {
      on = var.enable_cloudtrail
      doc = {
        Sid       = "CloudTrailAclCheck"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "s3:GetBucketAcl"
        Resource  = local.log_bucket_arn
        Condition = { StringEquals = { "aws:SourceArn" = local.trail_arn } }
      }
    },
    {
      # The trail writes only under its own prefix for this account.
      on = var.enable_cloudtrail
      doc = {
        Sid       = "CloudTrailWrite"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "s3:PutObject"
        Resource  = "${local.log_bucket_arn}/${local.cloudtrail_prefix}/AWSLogs/${local.account_id}/*"
        Condition = {
          StringEquals = {
            "s3:x-amz-acl"  = "bucket-owner-full-control"
            "aws:SourceArn" = local.trail_arn
          }
        }
      }
    },
  ]

  bucket_policy = {
    Version   = "2012-10-17"
    Statement = [for st in local.bucket_statements : st.doc if st.on]
  }
}

resource "aws_s3_bucket_policy" "logs" {
  count = local.log_bucket_enabled ? 1 : 0

  bucket = aws_s3_bucket.logs[0].id
  policy = jsonencode(local.bucket_policy)

  depends_on = [aws_s3_bucket_public_access_block.logs]
}
