# Observability for one regional stack: the log groups the pods' sidecars write
# to, the access-log metric filters, the alarms and the alarm topic, and one
# dashboard. Every metric name and namespace comes from metrics.json, the one
# contract shared with org-app, the canary and the Helm chart.

data "aws_region" "current" {}

data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

locals {
  region     = data.aws_region.current.region
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id

  # The metric-name contract (see metrics.json and README).
  metrics    = jsondecode(file("${path.module}/metrics.json"))
  app        = local.metrics.app
  access_log = local.metrics.access_log
  canary     = local.metrics.canary
  aws        = local.metrics.aws

  log_group_prefix = "/org-app/${var.name}"
  log_kinds        = toset(["app", "metrics", "canary", "platform"])

  tags = merge(var.tags, { "terraform-module" = "observability" })
}

# --- KMS key: log groups and the alarm topic ---------------------------------

locals {
  kms_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministration"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        # CloudWatch Logs encrypts this stack's log groups only.
        Sid       = "CloudWatchLogsOfThisStack"
        Effect    = "Allow"
        Principal = { Service = "logs.${local.region}.amazonaws.com" }
        Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
        Resource  = "*"
        Condition = {
          ArnLike = {
            "kms:EncryptionContext:aws:logs:arn" = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_prefix}/*"
          }
        }
      },
      {
        # CloudWatch alarms publish to the encrypted topic: SNS needs the
        # publisher (the CloudWatch service) to be able to use the key.
        Sid       = "CloudWatchAlarmsPublishToTheTopic"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
        Resource  = "*"
      },
    ]
  }
}

resource "aws_kms_key" "this" {
  description             = "${var.name}: observability log groups and alarm topic"
  key_usage               = "ENCRYPT_DECRYPT"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_key_deletion_window_days
  policy                  = jsonencode(local.kms_policy)

  tags = merge(local.tags, { Name = "${var.name}-observability" })
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}-observability"
  target_key_id = aws_kms_key.this.key_id
}

# --- Log groups ----------------------------------------------------------------
# app: org-app JSON logs (Fluent Bit sidecar); metrics: ADOT awsemf output;
# canary: canary EMF lines (Fluent Bit); platform: cluster add-ons.

resource "aws_cloudwatch_log_group" "this" {
  for_each = local.log_kinds

  name              = "${local.log_group_prefix}/${each.key}"
  retention_in_days = var.log_retention_days[each.key]
  kms_key_id        = aws_kms_key.this.arn
  # Metric filters (and EMF extraction) need the STANDARD class.
  log_group_class = "STANDARD"

  tags = merge(local.tags, { Name = "${var.name}-${each.key}" })
}

# --- Alarm topic ----------------------------------------------------------------

resource "aws_sns_topic" "alarms" {
  name              = "${var.name}-alarms"
  display_name      = "${var.name} alarms"
  kms_master_key_id = aws_kms_key.this.arn

  tags = merge(local.tags, { Name = "${var.name}-alarms" })
}

locals {
  topic_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountManagesTheTopic"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action = [
          "sns:GetTopicAttributes",
          "sns:SetTopicAttributes",
          "sns:AddPermission",
          "sns:RemovePermission",
          "sns:DeleteTopic",
          "sns:Subscribe",
          "sns:ListSubscriptionsByTopic",
          "sns:Publish",
        ]
        Resource = aws_sns_topic.alarms.arn
      },
      {
        Sid       = "CloudWatchAlarmsOfThisAccount"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.alarms.arn
        Condition = {
          ArnLike      = { "aws:SourceArn" = "arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:*" }
          StringEquals = { "aws:SourceAccount" = local.account_id }
        }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.alarms.arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  }
}

resource "aws_sns_topic_policy" "alarms" {
  arn    = aws_sns_topic.alarms.arn
  policy = jsonencode(local.topic_policy)
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.alarm_email_addresses)

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.value
}

resource "aws_sns_topic_subscription" "https" {
  for_each = toset(var.alarm_https_endpoints)

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "https"
  endpoint  = each.value
}
