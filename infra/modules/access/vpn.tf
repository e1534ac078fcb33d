# Client VPN: certificate (mutual TLS) authentication, split tunnel, connection
# logs, a session limit, associations in at least two AZs, and authorization
# for the bastion subnets only.
#
# Routes: associating a subnet adds the security VPC's CIDR to the endpoint's
# route table, which covers the bastion subnets, so no aws_ec2_client_vpn_route
# is needed. Nothing else is routed: with split tunnel, clients send only that
# prefix through the VPN; authorization rules narrow it to the bastion subnets
# and the endpoint's security group to SSH to the bastions.

resource "aws_security_group" "vpn" {
  name        = "${var.name}-client-vpn"
  description = "Client VPN ENIs: egress only SSH to the bastions"
  vpc_id      = var.security_vpc_id

  tags = merge(local.tags, { Name = "${var.name}-client-vpn" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_ec2_client_vpn_endpoint" "this" {
  description            = "${var.name} operators: bastion access"
  server_certificate_arn = var.server_certificate_arn
  client_cidr_block      = var.client_cidr_block
  vpc_id                 = var.security_vpc_id
  security_group_ids     = [aws_security_group.vpn.id]

  split_tunnel                  = true
  transport_protocol            = var.vpn_transport_protocol
  vpn_port                      = var.vpn_port
  session_timeout_hours         = var.vpn_session_timeout_hours
  disconnect_on_session_timeout = true
  self_service_portal           = "disabled"
  dns_servers                   = length(var.vpn_dns_servers) > 0 ? var.vpn_dns_servers : null

  authentication_options {
    type                       = "certificate-authentication"
    root_certificate_chain_arn = var.client_root_certificate_chain_arn
  }

  connection_log_options {
    enabled               = true
    cloudwatch_log_group  = aws_cloudwatch_log_group.vpn.name
    cloudwatch_log_stream = aws_cloudwatch_log_stream.vpn.name
  }

  client_connect_options {
    enabled = false
  }

  client_login_banner_options {
    enabled     = var.vpn_login_banner != null
    banner_text = var.vpn_login_banner
  }

  tags = merge(local.tags, { Name = "${var.name}-operators" })
}

resource "aws_ec2_client_vpn_network_association" "this" {
  for_each = toset(local.vpn_azs)

  client_vpn_endpoint_id = aws_ec2_client_vpn_endpoint.this.id
  subnet_id              = var.bastion_subnets[each.key].id
}

# Certificate authentication carries no groups, so each rule admits every
# authenticated client, but only to one bastion subnet.
resource "aws_ec2_client_vpn_authorization_rule" "bastions" {
  for_each = var.bastion_subnets

  client_vpn_endpoint_id = aws_ec2_client_vpn_endpoint.this.id
  target_network_cidr    = each.value.cidr_block
  authorize_all_groups   = true
  description            = "Bastion subnet ${each.key}"
}
