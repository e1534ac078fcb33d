# One multi-region trail: management events of every region, log file
# validation, SSE-KMS with the security log key, optional CloudWatch Logs.

resource "aws_cloudwatch_log_group" "trail" {
  count = var.enable_cloudtrail && var.cloudtrail_cloudwatch_logs ? 1 : 0

  name              = local.trail_log_group_name
  retention_in_days = var.cloudtrail_log_retention_days
  kms_key_id        = aws_kms_key.logs[0].arn

  tags = merge(local.tags, { Name = "${var.name}-cloudtrail" })
}

locals {
  trail_logs_assume_policy = {
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "cloudtrail.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceArn" = local.trail_arn } }
    }]
  }

  trail_logs_write_policy = {
    Version = "2012-10-17"
    Statement = [{
      Sid      = "WriteTheTrailLogGroup"
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource = "${local.trail_log_group_arn}:log-stream:${local.account_id}_CloudTrail_*"
    }]
  }
}

resource "aws_iam_role" "trail_logs" {
  count = var.enable_cloudtrail && var.cloudtrail_cloudwatch_logs ? 1 : 0

  name               = "${var.name}-cloudtrail-logs"
  description        = "CloudTrail ${local.trail_name} delivers to ${local.trail_log_group_name}"
  assume_role_policy = jsonencode(local.trail_logs_assume_policy)

  tags = merge(local.tags, { Name = "${var.name}-cloudtrail-logs" })
}

resource "aws_iam_role_policy" "trail_logs" {
  count = var.enable_cloudtrail && var.cloudtrail_cloudwatch_logs ? 1 : 0

  name   = "write-trail-log-group"
  role   = aws_iam_role.trail_logs[0].id
  policy = jsonencode(local.trail_logs_write_policy)
}

resource "aws_cloudtrail" "this" {
  count = var.enable_cloudtrail ? 1 : 0

  name                          = local.trail_name
  s3_bucket_name                = aws_s3_bucket.logs[0].id
  s3_key_prefix                 = local.cloudtrail_prefix
  kms_key_id                    = aws_kms_key.logs[0].arn
  is_multi_region_trail         = true
  include_global_service_events = true
  enable_log_file_validation    = true
  enable_logging                = true

  cloud_watch_logs_group_arn = var.cloudtrail_cloudwatch_logs ? "${aws_cloudwatch_log_group.trail[0].arn}:*" : null
  cloud_watch_logs_role_arn  = var.cloudtrail_cloudwatch_logs ? aws_iam_role.trail_logs[0].arn : null

  event_selector {
    read_write_type           = "All"
    include_management_events = true
  }

  tags = merge(local.tags, { Name = local.trail_name })

  depends_on = [aws_s3_bucket_policy.logs, aws_iam_role_policy.trail_logs]
}
