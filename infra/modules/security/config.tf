# AWS Config recorder: Security Hub's NIST and CIS controls are evaluated as
# Config rules, so without a recorder they report no data. Delivery to the
# security log bucket under config/, through a role this module owns.

locals {
  config_assume_policy = {
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "config.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  }

  config_delivery_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "CheckTheBucket"
        Effect   = "Allow"
        Action   = ["s3:GetBucketAcl", "s3:ListBucket"]
        Resource = local.log_bucket_arn
      },
      {
        Sid      = "DeliverUnderConfigPrefix"
        Effect   = "Allow"
        Action   = "s3:PutObject"
        Resource = "${local.log_bucket_arn}/${local.config_prefix}/AWSLogs/${local.account_id}/*"
      },
      {
        Sid      = "EncryptWithTheLogKey"
        Effect   = "Allow"
        Action   = ["kms:GenerateDataKey", "kms:Decrypt"]
        Resource = try(aws_kms_key.logs[0].arn, "")
      },
    ]
  }
}

resource "aws_iam_role" "config" {
  count = var.enable_config ? 1 : 0

  name               = "${var.name}-config-${local.region}"
  description        = "AWS Config recorder in ${local.region}"
  assume_role_policy = jsonencode(local.config_assume_policy)

  tags = merge(local.tags, { Name = "${var.name}-config-${local.region}" })
}

resource "aws_iam_role_policy_attachment" "config" {
  count = var.enable_config ? 1 : 0

  role       = aws_iam_role.config[0].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AWS_ConfigRole"
}

resource "aws_iam_role_policy" "config_delivery" {
  count = var.enable_config ? 1 : 0

  name   = "deliver-to-security-log-bucket"
  role   = aws_iam_role.config[0].id
  policy = jsonencode(local.config_delivery_policy)
}

resource "aws_config_configuration_recorder" "this" {
  count = var.enable_config ? 1 : 0

  name     = "${var.name}-recorder"
  role_arn = aws_iam_role.config[0].arn

  recording_group {
    all_supported                 = true
    include_global_resource_types = var.config_include_global_resources
  }

  recording_mode {
    recording_frequency = var.config_recording_frequency
  }
}

resource "aws_config_delivery_channel" "this" {
  count = var.enable_config ? 1 : 0

  name           = "${var.name}-delivery"
  s3_bucket_name = aws_s3_bucket.logs[0].id
  s3_key_prefix  = local.config_prefix
  s3_kms_key_arn = aws_kms_key.logs[0].arn

  snapshot_delivery_properties {
    delivery_frequency = "TwentyFour_Hours"
  }

  depends_on = [aws_config_configuration_recorder.this, aws_iam_role_policy.config_delivery]
}

resource "aws_config_configuration_recorder_status" "this" {
  count = var.enable_config ? 1 : 0

  name       = aws_config_configuration_recorder.this[0].name
  is_enabled = true

  depends_on = [aws_config_delivery_channel.this]
}
