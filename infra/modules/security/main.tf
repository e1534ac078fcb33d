# Account security services for one account and region. Each service is a
# toggle because each is account-wide (one GuardDuty detector, one Inspector
# enablement, one Security Hub and one Config recorder per account and region;
# one multi-region trail per account): the stack that owns a service enables
# it, every other stack leaves it off.

data "aws_region" "current" {}

data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

locals {
  region     = data.aws_region.current.region
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id

  # The security log bucket and its key exist when CloudTrail or Config needs them.
  log_bucket_enabled = var.enable_cloudtrail || var.enable_config
  log_bucket_name    = coalesce(var.log_bucket_name, "${var.name}-security-logs-${local.account_id}-${local.region}")
  log_bucket_arn     = "arn:${local.partition}:s3:::${local.log_bucket_name}"

  cloudtrail_prefix = "cloudtrail"
  config_prefix     = "config"

  # Built from known values so key and bucket policies can name the trail
  # before it exists (the trail depends on both).
  trail_name = "${var.name}-trail"
  trail_arn  = "arn:${local.partition}:cloudtrail:${local.region}:${local.account_id}:trail/${local.trail_name}"

  trail_log_group_name = "/aws/cloudtrail/${var.name}"
  trail_log_group_arn  = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.trail_log_group_name}"

  tags = merge(var.tags, { "terraform-module" = "security" })
}

# --- GuardDuty -------------------------------------------------------------------

resource "aws_guardduty_detector" "this" {
  count = var.enable_guardduty ? 1 : 0

  enable                       = true
  finding_publishing_frequency = var.guardduty_finding_publishing_frequency

  tags = merge(local.tags, { Name = "${var.name}-guardduty" })
}

locals {
  guardduty_features = var.enable_guardduty ? {
    EKS_AUDIT_LOGS = {
      status     = "ENABLED"
      additional = {}
    }
    # Runtime monitoring with the GuardDuty agent managed as an EKS add-on.
    # (The legacy EKS_RUNTIME_MONITORING feature must not be combined with it.)
    RUNTIME_MONITORING = {
      status = "ENABLED"
      additional = {
        EKS_ADDON_MANAGEMENT         = "ENABLED"
        EC2_AGENT_MANAGEMENT         = var.guardduty_ec2_runtime_monitoring ? "ENABLED" : "DISABLED"
        ECS_FARGATE_AGENT_MANAGEMENT = "DISABLED"
      }
    }
    EBS_MALWARE_PROTECTION = {
      status     = "ENABLED"
      additional = {}
    }
    S3_DATA_EVENTS = {
      status     = var.guardduty_s3_protection ? "ENABLED" : "DISABLED"
      additional = {}
    }
  } : {}
}

resource "aws_guardduty_detector_feature" "this" {
  for_each = local.guardduty_features

  detector_id = aws_guardduty_detector.this[0].id
  name        = each.key
  status      = each.value.status

  dynamic "additional_configuration" {
    for_each = each.value.additional

    content {
      name   = additional_configuration.key
      status = additional_configuration.value
    }
  }
}

# --- Inspector v2 ------------------------------------------------------------------

resource "aws_inspector2_enabler" "this" {
  count = var.enable_inspector ? 1 : 0

  account_ids    = [local.account_id]
  resource_types = var.inspector_resource_types
}

# --- Security Hub --------------------------------------------------------------------

locals {
  securityhub_standards = var.enable_securityhub ? {
    nist_800_53_rev5 = "arn:${local.partition}:securityhub:${local.region}::standards/nist-800-53/v/5.0.0"
    cis_aws          = "arn:${local.partition}:securityhub:${local.region}::standards/cis-aws-foundations-benchmark/v/${var.securityhub_cis_version}"
  } : {}
}

resource "aws_securityhub_account" "this" {
  count = var.enable_securityhub ? 1 : 0

  # Only the standards chosen here; one finding per control across standards.
  enable_default_standards  = false
  control_finding_generator = "SECURITY_CONTROL"
  auto_enable_controls      = true
}

resource "aws_securityhub_standards_subscription" "this" {
  for_each = local.securityhub_standards

  standards_arn = each.value

  depends_on = [aws_securityhub_account.this]
}
