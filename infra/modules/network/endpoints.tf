# VPC endpoints of the app VPC: nodes and pods reach AWS APIs without any route
# to the internet. Interface endpoints sit in the intra subnets (one ENI per AZ)
# with private DNS, behind a security group that admits HTTPS from the app VPC
# only and has no egress rule (endpoint ENIs never initiate connections).

resource "aws_vpc_endpoint" "app_s3" {
  vpc_id            = aws_vpc.app.id
  service_name      = "com.amazonaws.${local.region}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids = [
    aws_route_table.app_private.id,
    aws_route_table.app_intra.id,
    aws_route_table.app_jump.id,
  ]

  tags = merge(local.tags, { Name = "${var.name}-app-s3" })
}

resource "aws_security_group" "endpoints" {
  name        = "${var.name}-app-endpoints"
  description = "Interface VPC endpoints: HTTPS from the app VPC only"
  vpc_id      = aws_vpc.app.id

  tags = merge(local.tags, { Name = "${var.name}-app-endpoints" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_https" {
  security_group_id = aws_security_group.endpoints.id
  description       = "HTTPS from the app VPC"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = var.vpc_cidrs.app

  tags = merge(local.tags, { Name = "${var.name}-app-endpoints-https" })
}

resource "aws_vpc_endpoint" "interface" {
  for_each = var.interface_endpoints

  vpc_id              = aws_vpc.app.id
  service_name        = "com.amazonaws.${local.region}.${each.key}"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  ip_address_type     = "ipv4"
  subnet_ids          = [for az in local.azs : aws_subnet.app_intra[az].id]
  security_group_ids  = [aws_security_group.endpoints.id]

  tags = merge(local.tags, { Name = "${var.name}-app-${each.key}" })
}
