# Client VPN (operator_path "client_vpn" only; nothing in this file exists with
# "instance_connect_endpoint"): certificate (mutual TLS) and/or SAML federated
# authentication, split tunnel, connection logs, a session limit, associations in dedicated
# subnets (two AZs by default; one, or none while idle, as a cost toggle:
# docs/adr/0151-client-vpn-associations-and-idle-endpoint.md), and
# authorization for the bastion subnets only.
#
# Authentication (var.vpn_authentication_mode, docs/adr/0108-client-vpn-identity-and-revocation.md):
# - "certificate": one client certificate per operator; certificates carry no
#   groups, so each authorization rule admits every authenticated client (to
#   one bastion subnet). Revocation: a certificate revocation list, imported
#   by hand (the AWS provider has no resource for it; docs/operations.md).
# - "federated" / "certificate-and-federated": SAML (e.g. IAM Identity Center);
#   authorization rules admit only the listed identity-provider groups, so
#   disabling a person in the identity provider revokes them at the next
#   connection, and the connection log names the person.
#
# Routes: associating a subnet adds the security VPC's CIDR to the endpoint's
# route table, which covers the bastion subnets, so no aws_ec2_client_vpn_route
# is needed. Nothing else is routed: with split tunnel, clients send only that
# prefix through the VPN; authorization rules narrow it to the bastion subnets
# and the endpoint's security group to SSH to the bastions.

locals {
  vpn_certificate = var.vpn_authentication_mode != "federated"
  vpn_federated   = var.vpn_authentication_mode != "certificate"

  # One authorization rule per bastion subnet (certificate mode: for every
  # authenticated client) or per bastion subnet and group (federated modes).
  vpn_authorization_rules = local.vpn_federated ? {
    for pair in setproduct(sort(keys(var.bastion_subnets)), var.vpn_authorized_group_ids) :
    "${pair[0]}|${pair[1]}" => { az = pair[0], cidr = var.bastion_subnets[pair[0]].cidr_block, group = pair[1] } if local.client_vpn
    } : {
    for az, s in var.bastion_subnets : az => { az = az, cidr = s.cidr_block, group = null } if local.client_vpn
  }

  vpn_certificate_arns = compact([var.server_certificate_arn, var.client_root_certificate_chain_arn])
}

resource "aws_security_group" "vpn" {
  count = local.client_vpn ? 1 : 0

  name        = "${var.name}-client-vpn"
  description = "Client VPN ENIs: egress only SSH to the bastions"
  vpc_id      = var.security_vpc_id

  tags = merge(local.tags, { Name = "${var.name}-client-vpn" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_ec2_client_vpn_endpoint" "this" {
  count = local.client_vpn ? 1 : 0

  description            = "${var.name} operators: bastion access"
  server_certificate_arn = var.server_certificate_arn
  client_cidr_block      = var.client_cidr_block
  vpc_id                 = var.security_vpc_id
  security_group_ids     = [aws_security_group.vpn[0].id]

  split_tunnel                  = true
  transport_protocol            = var.vpn_transport_protocol
  vpn_port                      = var.vpn_port
  session_timeout_hours         = var.vpn_session_timeout_hours
  disconnect_on_session_timeout = true
  self_service_portal           = "disabled"
  dns_servers                   = length(var.vpn_dns_servers) > 0 ? var.vpn_dns_servers : null

  dynamic "authentication_options" {
    for_each = local.vpn_certificate ? [var.client_root_certificate_chain_arn] : []

    content {
      type                       = "certificate-authentication"
      root_certificate_chain_arn = authentication_options.value
    }
  }

  dynamic "authentication_options" {
    for_each = local.vpn_federated ? [var.vpn_saml_provider_arn] : []

    content {
      type              = "federated-authentication"
      saml_provider_arn = authentication_options.value
    }
  }

  connection_log_options {
    enabled               = true
    cloudwatch_log_group  = aws_cloudwatch_log_group.vpn[0].name
    cloudwatch_log_stream = aws_cloudwatch_log_stream.vpn[0].name
  }

  client_connect_options {
    enabled = false
  }

  client_login_banner_options {
    enabled     = var.vpn_login_banner != null
    banner_text = var.vpn_login_banner
  }

  tags = merge(local.tags, { Name = "${var.name}-operators" })

  lifecycle {
    # ACM certificates are regional and ARNs are partition-scoped: a
    # certificate of another region or partition cannot serve this endpoint.
    precondition {
      condition = alltrue([
        for a in local.vpn_certificate_arns : try(split(":", a)[1] == local.partition && split(":", a)[3] == local.region, false)
      ])
      error_message = "server_certificate_arn and client_root_certificate_chain_arn must be ACM certificates of this partition and region (${local.partition}, ${local.region})."
    }

    precondition {
      condition     = var.vpn_saml_provider_arn == null || try(split(":", var.vpn_saml_provider_arn)[1] == local.partition, false)
      error_message = "vpn_saml_provider_arn must be an IAM SAML provider of this partition (${local.partition})."
    }
  }
}

# Dedicated /27 association subnets (modules/network subnets.security_vpn):
# the endpoint's ENIs, and so the VPN clients' source addresses, never fall
# inside a bastion subnet. Each association adds the security VPC's CIDR to the
# endpoint's routes, so one association reaches the bastions of every AZ; a
# second one only keeps operators connected when an AZ fails.
resource "aws_ec2_client_vpn_network_association" "this" {
  for_each = toset(local.vpn_azs)

  client_vpn_endpoint_id = aws_ec2_client_vpn_endpoint.this[0].id
  subnet_id              = var.vpn_subnets[each.key].id
}

resource "aws_ec2_client_vpn_authorization_rule" "bastions" {
  for_each = local.vpn_authorization_rules

  client_vpn_endpoint_id = aws_ec2_client_vpn_endpoint.this[0].id
  target_network_cidr    = each.value.cidr
  authorize_all_groups   = each.value.group == null
  access_group_id        = each.value.group
  description            = each.value.group == null ? "Bastion subnet ${each.value.az}" : "Bastion subnet ${each.value.az}, group ${each.value.group}"
}
