# Operator access: one jump host in the app VPC that relays SSH port forwards
# to the EKS private API endpoint, reached one of two ways (var.operator_path):
#
# - "client_vpn" (default; prod, staging): Client VPN (mutual TLS and/or SAML
#   federation) into the security VPC, one bastion per AZ there:
#     operator --VPN--> bastion (security VPC) --ssh 22--> jump host (app VPC) --443--> EKS API
# - "instance_connect_endpoint" (dev, for cost: docs/cost.md): an EC2 Instance
#   Connect Endpoint in a jump-host subnet carries the operator's SSH, authorised
#   by IAM per person and logged in CloudTrail, to the jump host's port 22; no
#   VPN and no bastions (instance_connect.tf):
#     operator --AWS API (OpenTunnel)--> EIC endpoint (app VPC) --ssh 22--> jump host --443--> EKS API
#
# Either way SSH is the only way in (ADR 0104) and kubectl runs on the
# operator's machine with their own IAM identity (ADR 0105):
#   https://127.0.0.1:8443 -> ssh -L -> endpoint:443
#
# The VPCs, subnets and routes come from modules/network; this module creates
# none. Security groups name exact peers and ports; no rule admits 0.0.0.0/0.
# No instance here has an IAM role.

data "aws_region" "current" {}

data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

locals {
  region     = data.aws_region.current.region
  partition  = data.aws_partition.current.partition
  dns_suffix = data.aws_partition.current.dns_suffix
  account_id = data.aws_caller_identity.current.account_id

  # The operator path: exactly one of the two is true.
  client_vpn = var.operator_path == "client_vpn"
  eic        = var.operator_path == "instance_connect_endpoint"

  # Client VPN associations: the first vpn_association_count AZs of the
  # dedicated VPN subnets, sorted; none while the VPN is idle (vpn_enabled =
  # false: the endpoint stays, nobody can connect, no association-hours), and
  # none without a Client VPN (operator_path "instance_connect_endpoint").
  vpn_azs = local.client_vpn && var.vpn_enabled ? slice(sort(keys(var.vpn_subnets)), 0, min(var.vpn_association_count, length(var.vpn_subnets))) : []

  # The jump host's HTTPS goes to the EKS control-plane subnets unless told
  # otherwise: the private API endpoint's ENIs are there.
  jump_host_https_egress_cidrs = coalesce(var.jump_host_https_egress_cidrs, sort([for s in values(var.eks_control_plane_subnets) : s.cidr_block]))

  log_group_prefix = "/aws/client-vpn/${var.name}"

  tags = merge(var.tags, { "terraform-module" = "access" })
}

# --- KMS key and log group for the Client VPN connection logs ---------------
# Client VPN only: none of these exist with operator_path
# "instance_connect_endpoint" (CloudTrail records the OpenTunnel calls there).

data "aws_iam_policy_document" "logs_kms" {
  count = local.client_vpn ? 1 : 0

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

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_prefix}*"]
    }
  }
}

resource "aws_kms_key" "logs" {
  count = local.client_vpn ? 1 : 0

  description             = "${var.name}: Client VPN connection logs"
  key_usage               = "ENCRYPT_DECRYPT"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_key_deletion_window_days
  policy                  = data.aws_iam_policy_document.logs_kms[0].json

  tags = merge(local.tags, { Name = "${var.name}-client-vpn-logs" })
}

resource "aws_kms_alias" "logs" {
  count = local.client_vpn ? 1 : 0

  name          = "alias/${var.name}-client-vpn-logs"
  target_key_id = aws_kms_key.logs[0].key_id
}

resource "aws_cloudwatch_log_group" "vpn" {
  count = local.client_vpn ? 1 : 0

  name              = "${local.log_group_prefix}/connections"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.logs[0].arn
  log_group_class   = "STANDARD"

  tags = merge(local.tags, { Name = "${var.name}-client-vpn" })
}

resource "aws_cloudwatch_log_stream" "vpn" {
  count = local.client_vpn ? 1 : 0

  name           = "connections"
  log_group_name = aws_cloudwatch_log_group.vpn[0].name
}

# --- SSH key (public key only) ----------------------------------------------
# With no key, operators use EC2 Instance Connect: short-lived keys pushed per
# connection, authorised by IAM. No private key ever passes through state.
# Both operator paths use it the same way.

resource "aws_key_pair" "operators" {
  count = var.ssh_public_key == null ? 0 : 1

  key_name   = "${var.name}-operators"
  public_key = chomp(var.ssh_public_key)

  tags = merge(local.tags, { Name = "${var.name}-operators" })
}

locals {
  key_name = var.ssh_public_key == null ? null : aws_key_pair.operators[0].key_name
}

# --- Security group rules -----------------------------------------------------
# One resource per rule, from these maps, so every rule of the module can be
# listed and checked. Each rule names its peer: a security group, a prefix
# list, or a subnet/VPC CIDR. The Client VPN and bastion rules exist only with
# operator_path "client_vpn", the EC2 Instance Connect Endpoint ones only with
# "instance_connect_endpoint" (the `if` filters); the rule names do not depend
# on the path, so switching it never renames a rule that stays.

locals {
  ingress_rules = merge(
    # Bastions: SSH from the Client VPN ENIs only. The Client VPN source-NATs
    # client traffic to its ENI addresses in the associated subnets, so the VPN
    # endpoint's security group, not the client CIDR, identifies VPN clients.
    {
      for k, r in {
        "bastion-ssh-from-vpn" = {
          sg          = "bastion"
          port        = 22
          cidr        = null
          prefix_list = null
          source_sg   = "vpn"
          description = "SSH from Client VPN clients (source-NATed to the VPN ENIs)"
        }
      } : k => r if local.client_vpn
    },
    # Jump host: SSH from the bastion subnets only (cross-VPC over the TGW)...
    {
      for az, s in var.bastion_subnets : "jump-ssh-from-bastions-${az}" => {
        sg          = "jump"
        port        = 22
        cidr        = s.cidr_block
        prefix_list = null
        source_sg   = null
        description = "SSH from the bastion subnet in ${az}"
      } if local.client_vpn
    },
    # ...or, without bastions, from the EC2 Instance Connect Endpoint only: its
    # security group, not a subnet CIDR (preserve_client_ip is off, so tunnelled
    # connections come from the endpoint's ENI).
    {
      for k, r in {
        "jump-ssh-from-eic" = {
          sg          = "jump"
          port        = 22
          cidr        = null
          prefix_list = null
          source_sg   = "eic"
          description = "SSH from the EC2 Instance Connect Endpoint (operators' IAM-authorised tunnels)"
        }
      } : k => r if local.eic
    },
  )

  egress_rules = merge(
    # Client VPN ENIs: only SSH to the bastions.
    {
      for k, r in {
        "vpn-ssh-to-bastions" = {
          sg          = "vpn"
          port        = 22
          cidr        = null
          prefix_list = null
          source_sg   = "bastion"
          description = "SSH to the bastions"
        }
      } : k => r if local.client_vpn
    },
    # Bastions: SSH to the jump-host subnets...
    {
      for az, s in var.jump_host_subnets : "bastion-ssh-to-jump-${az}" => {
        sg          = "bastion"
        port        = 22
        cidr        = s.cidr_block
        prefix_list = null
        source_sg   = null
        description = "SSH to the jump-host subnet in ${az}"
      } if local.client_vpn
    },
    # ...and HTTPS to the package repositories only.
    {
      for i, pl in local.bastion_patch_prefix_list_ids : "bastion-https-patch-pl-${i}" => {
        sg          = "bastion"
        port        = 443
        cidr        = null
        prefix_list = pl
        source_sg   = null
        description = "HTTPS to the package repositories (prefix list)"
      } if local.client_vpn
    },
    {
      for c in var.bastion_patch_cidrs : "bastion-https-patch-${c}" => {
        sg          = "bastion"
        port        = 443
        cidr        = c
        prefix_list = null
        source_sg   = null
        description = "HTTPS to a patch source"
      } if local.client_vpn
    },
    # EC2 Instance Connect Endpoint: only SSH to the jump host (its security
    # group). The endpoint needs no ingress rule: tunnels reach it through the
    # AWS API, not through the VPC.
    {
      for k, r in {
        "eic-ssh-to-jump" = {
          sg          = "eic"
          port        = 22
          cidr        = null
          prefix_list = null
          source_sg   = "jump"
          description = "SSH to the jump host"
        }
      } : k => r if local.eic
    },
    # Jump host: HTTPS to the EKS control-plane subnets only (the operators'
    # port forwards to the private API endpoint).
    {
      for c in local.jump_host_https_egress_cidrs : "jump-https-app-${c}" => {
        sg          = "jump"
        port        = 443
        cidr        = c
        prefix_list = null
        source_sg   = null
        description = "HTTPS to the EKS private API endpoint (port forwards)"
      }
    },
  )

  # Keys by operator path (known at plan time); the ids themselves may not be.
  security_group_ids = merge(
    { jump = aws_security_group.jump_host.id },
    { for k, id in { vpn = one(aws_security_group.vpn[*].id), bastion = one(aws_security_group.bastion[*].id) } : k => id if local.client_vpn },
    { for k, id in { eic = one(aws_security_group.instance_connect_endpoint[*].id) } : k => id if local.eic },
  )
}

resource "aws_vpc_security_group_ingress_rule" "this" {
  for_each = local.ingress_rules

  security_group_id            = local.security_group_ids[each.value.sg]
  description                  = each.value.description
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
  cidr_ipv4                    = each.value.cidr
  prefix_list_id               = each.value.prefix_list
  referenced_security_group_id = each.value.source_sg == null ? null : local.security_group_ids[each.value.source_sg]

  tags = merge(local.tags, { Name = "${var.name}-${each.key}" })
}

resource "aws_vpc_security_group_egress_rule" "this" {
  for_each = local.egress_rules

  security_group_id            = local.security_group_ids[each.value.sg]
  description                  = each.value.description
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
  cidr_ipv4                    = each.value.cidr
  prefix_list_id               = each.value.prefix_list
  referenced_security_group_id = each.value.source_sg == null ? null : local.security_group_ids[each.value.source_sg]

  tags = merge(local.tags, { Name = "${var.name}-${each.key}" })
}

# --- Customer-managed EBS key ---------------------------------------------------
# The bastions and the jump host are launched by Auto Scaling, whose
# service-linked role has no access to customer-managed keys unless the key
# policy grants it. This module creates no EBS key; these are the statements the
# owner of var.ebs_kms_key_arn (or of the account's default EBS CMK) must add,
# published as output ebs_kms_key_policy_json.

locals {
  autoscaling_service_linked_role_arn = "arn:${local.partition}:iam::${local.account_id}:role/aws-service-role/autoscaling.${local.dns_suffix}/AWSServiceRoleForAutoScaling"

  ebs_kms_key_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AutoScalingServiceLinkedRoleUseOfTheKey"
        Effect    = "Allow"
        Principal = { AWS = [local.autoscaling_service_linked_role_arn] }
        Action    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
        Resource  = ["*"]
      },
      {
        Sid       = "AutoScalingServiceLinkedRoleGrantsForAwsResources"
        Effect    = "Allow"
        Principal = { AWS = [local.autoscaling_service_linked_role_arn] }
        Action    = ["kms:CreateGrant"]
        Resource  = ["*"]
        Condition = { Bool = { "kms:GrantIsForAWSResource" = ["true"] } }
      },
    ]
  }
}
