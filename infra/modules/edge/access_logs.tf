# The bucket for the NLB access logs (TLS connections on the 443 listener).
#
# Encryption is SSE-S3 (AES256). NLB log delivery also accepts SSE-KMS with a
# customer-managed key whose policy lets delivery.logs.amazonaws.com use it;
# SSE-S3 keeps a service principal out of any key policy and needs no key
# per region (ADR 0121). The name is a prefix plus an S3-generated suffix, so
# a re-created stack never collides with a bucket kept from an earlier one.

resource "aws_s3_bucket" "access_logs" {
  bucket_prefix = "${var.name}-nlb-logs-"
  force_destroy = var.access_log_force_destroy

  tags = merge(local.tags, { Name = "${var.name}-nlb-access-logs" })
}

resource "aws_s3_bucket_public_access_block" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# ACLs off: every object belongs to the bucket owner, whatever ACL the writer
# sends (ELB sends bucket-owner-full-control, which this setting accepts).
resource "aws_s3_bucket_ownership_controls" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_versioning" "access_logs" {
  count = var.access_log_versioning ? 1 : 0

  bucket = aws_s3_bucket.access_logs.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    id     = "expire-access-logs"
    status = "Enabled"

    filter {}

    expiration {
      days = var.access_log_expiration_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }

    dynamic "noncurrent_version_expiration" {
      for_each = var.access_log_versioning ? [1] : []

      content {
        noncurrent_days = var.access_log_noncurrent_expiration_days
      }
    }
  }

  dynamic "rule" {
    for_each = var.access_log_versioning ? [1] : []

    content {
      id     = "remove-expired-delete-markers"
      status = "Enabled"

      filter {}

      expiration {
        expired_object_delete_marker = true
      }
    }
  }

  depends_on = [aws_s3_bucket_versioning.access_logs]
}

locals {
  access_log_bucket_arn = aws_s3_bucket.access_logs.arn
  log_delivery_source = {
    StringEquals = { "aws:SourceAccount" = local.account_id }
    ArnLike      = { "aws:SourceArn" = "arn:${local.partition}:logs:${local.region}:${local.account_id}:*" }
  }

  # The Elastic Load Balancing policy for NLB access logs (log delivery
  # service principal, scoped to this account and region), plus TLS only.
  access_log_bucket_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [local.access_log_bucket_arn, "${local.access_log_bucket_arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        Sid       = "AWSLogDeliveryAclCheck"
        Effect    = "Allow"
        Principal = { Service = "delivery.logs.amazonaws.com" }
        Action    = "s3:GetBucketAcl"
        Resource  = local.access_log_bucket_arn
        Condition = local.log_delivery_source
      },
      {
        Sid       = "AWSLogDeliveryWrite"
        Effect    = "Allow"
        Principal = { Service = "delivery.logs.amazonaws.com" }
        Action    = "s3:PutObject"
        Resource  = "${local.access_log_bucket_arn}/${var.access_log_prefix}/AWSLogs/${local.account_id}/*"
        Condition = {
          StringEquals = {
            "s3:x-amz-acl"      = "bucket-owner-full-control"
            "aws:SourceAccount" = local.account_id
          }
          ArnLike = local.log_delivery_source.ArnLike
        }
      },
    ]
  }
}

resource "aws_s3_bucket_policy" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id
  policy = jsonencode(local.access_log_bucket_policy)

  # A public access block must be in place before any policy is written.
  depends_on = [aws_s3_bucket_public_access_block.access_logs]
}
