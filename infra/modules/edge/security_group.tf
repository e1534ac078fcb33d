# The NLB's security group: the only rule in the repository that admits
# 0.0.0.0/0 (TCP 443), and egress only to the gateway subnets on the gateway
# port (forwarded connections and the target health checks both use it).

resource "aws_security_group" "nlb" {
  name_prefix = "${var.name}-nlb-"
  description = "Public NLB: TLS 443 from the internet; gateway port to the app VPC gateway subnets only"
  vpc_id      = var.vpc_id

  tags = merge(local.tags, { Name = "${var.name}-nlb" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "https_from_internet" {
  security_group_id = aws_security_group.nlb.id
  description       = "TLS from the internet (clients and Route 53 health checkers)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"

  tags = merge(local.tags, { Name = "${var.name}-nlb-https-from-internet" })
}

resource "aws_vpc_security_group_egress_rule" "to_gateway" {
  for_each = toset(var.gateway_cidrs)

  security_group_id = aws_security_group.nlb.id
  description       = "Gateway pods (traffic and health checks) in ${each.key}"
  ip_protocol       = "tcp"
  from_port         = var.gateway_port
  to_port           = var.gateway_port
  cidr_ipv4         = each.key

  tags = merge(local.tags, { Name = "${var.name}-nlb-to-gateway-${replace(each.key, "/", "-")}" })
}
