# VPC flow logs (ALL traffic) of the three VPCs to CloudWatch Logs, encrypted
# with a customer-managed KMS key, delivered by a role that can write only to
# these log groups. The same key encrypts the app VPC's DNS query log group
# (dns_firewall.tf).

locals {
  flow_log_group_prefix = "/aws/vpc-flow-logs/${var.name}"

  # Version 5 fields: besides the defaults, the fields that explain a path
  # through the TGW and the NAT gateways (pkt-src/dst, flow-direction, traffic-path).
  flow_log_format = join(" ", [
    "$${version}", "$${account-id}", "$${vpc-id}", "$${subnet-id}", "$${interface-id}", "$${az-id}",
    "$${srcaddr}", "$${dstaddr}", "$${srcport}", "$${dstport}", "$${protocol}", "$${tcp-flags}",
    "$${pkt-srcaddr}", "$${pkt-dstaddr}", "$${packets}", "$${bytes}", "$${start}", "$${end}",
    "$${action}", "$${log-status}", "$${flow-direction}", "$${traffic-path}",
  ])
}

data "aws_iam_policy_document" "flow_logs_kms" {
  statement {
    sid       = "AccountAdministration"
    effect    = "Allow"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid    = "CloudWatchLogsOfThisRegion"
    effect = "Allow"
    actions = [
      "kms:Encrypt*",
      "kms:Decrypt*",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:Describe*",
    ]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.${local.dns_suffix}"]
    }

    # Only for the log groups of this module: CloudWatch Logs puts the log
    # group ARN in the encryption context of every request it makes.
    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values = [
        "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.flow_log_group_prefix}/*",
        "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.dns_query_log_group_prefix}/*",
      ]
    }
  }
}

resource "aws_kms_key" "flow_logs" {
  description             = "${var.name}: VPC flow logs and DNS query logs"
  key_usage               = "ENCRYPT_DECRYPT"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_key_deletion_window_days
  policy                  = data.aws_iam_policy_document.flow_logs_kms.json

  tags = merge(local.tags, { Name = "${var.name}-flow-logs" })
}

resource "aws_kms_alias" "flow_logs" {
  name          = "alias/${var.name}-vpc-flow-logs"
  target_key_id = aws_kms_key.flow_logs.key_id
}

resource "aws_cloudwatch_log_group" "flow_logs" {
  for_each = toset(local.vpc_roles)

  name              = "${local.flow_log_group_prefix}/${each.key}"
  retention_in_days = var.flow_log_retention_days
  kms_key_id        = aws_kms_key.flow_logs.arn
  log_group_class   = "STANDARD"

  tags = merge(local.tags, { Name = "${var.name}-${each.key}-flow-logs" })
}

data "aws_iam_policy_document" "flow_logs_assume" {
  statement {
    sid     = "VpcFlowLogsOfThisAccount"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["vpc-flow-logs.${local.dns_suffix}"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:ec2:${local.region}:${local.account_id}:vpc-flow-log/*"]
    }
  }
}

data "aws_iam_policy_document" "flow_logs_write" {
  statement {
    sid       = "WriteToTheseLogGroups"
    effect    = "Allow"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    resources = flatten([for g in aws_cloudwatch_log_group.flow_logs : [g.arn, "${g.arn}:*"]])
  }

  statement {
    sid       = "DescribeLogGroups"
    effect    = "Allow"
    actions   = ["logs:DescribeLogGroups"]
    resources = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"]
  }
}

# IAM is global: the name carries the region so that the same var.name in a
# second region of the account does not collide.
resource "aws_iam_role" "flow_logs" {
  name                 = "${var.name}-${local.region}-vpc-flow-logs"
  description          = "Delivers the ${var.name} VPC flow logs to CloudWatch Logs"
  assume_role_policy   = data.aws_iam_policy_document.flow_logs_assume.json
  max_session_duration = 3600

  tags = merge(local.tags, { Name = "${var.name}-vpc-flow-logs" })
}

resource "aws_iam_role_policy" "flow_logs" {
  name   = "write-flow-logs"
  role   = aws_iam_role.flow_logs.id
  policy = data.aws_iam_policy_document.flow_logs_write.json
}

resource "aws_flow_log" "this" {
  for_each = toset(local.vpc_roles)

  vpc_id                   = local.vpc_ids[each.key]
  traffic_type             = "ALL"
  log_destination_type     = "cloud-watch-logs"
  log_destination          = aws_cloudwatch_log_group.flow_logs[each.key].arn
  iam_role_arn             = aws_iam_role.flow_logs.arn
  max_aggregation_interval = var.flow_log_max_aggregation_interval
  log_format               = local.flow_log_format

  tags = merge(local.tags, { Name = "${var.name}-${each.key}" })

  depends_on = [aws_iam_role_policy.flow_logs]
}
