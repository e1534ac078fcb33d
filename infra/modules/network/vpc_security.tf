# Security VPC: the operators' entry. Private subnets hold the bastions and the
# Client VPN ENIs; its only ways out are the Transit Gateway (to the jump-host
# subnets, and to the internet through the LB VPC NAT gateways for patching)
# and an S3 gateway endpoint restricted to the package repositories.

resource "aws_subnet" "security_private" {
  for_each = local.security_private_cidrs

  vpc_id                  = aws_vpc.security.id
  cidr_block              = each.value
  availability_zone       = each.key
  map_public_ip_on_launch = false

  tags = merge(local.tags, { Name = "${var.name}-security-private-${each.key}", "network/tier" = "security-private" })
}

resource "aws_subnet" "security_tgw" {
  for_each = local.security_tgw_cidrs

  vpc_id                  = aws_vpc.security.id
  cidr_block              = each.value
  availability_zone       = each.key
  map_public_ip_on_launch = false

  tags = merge(local.tags, { Name = "${var.name}-security-tgw-${each.key}", "network/tier" = "tgw-attachment" })
}

resource "aws_route_table" "security_private" {
  vpc_id = aws_vpc.security.id

  tags = merge(local.tags, { Name = "${var.name}-security-private" })
}

resource "aws_route_table_association" "security_private" {
  for_each = aws_subnet.security_private

  subnet_id      = each.value.id
  route_table_id = aws_route_table.security_private.id
}

# TGW attachment subnets: local routes only (traffic arriving from the TGW is
# for the bastion subnets of the same VPC).
resource "aws_route_table" "security_tgw" {
  vpc_id = aws_vpc.security.id

  tags = merge(local.tags, { Name = "${var.name}-security-tgw" })
}

resource "aws_route_table_association" "security_tgw" {
  for_each = aws_subnet.security_tgw

  subnet_id      = each.value.id
  route_table_id = aws_route_table.security_tgw.id
}

# Bastions patch from the Amazon Linux repositories, which live in S3: a
# gateway endpoint keeps that traffic off the NAT gateways, and its policy
# allows only reading the repository objects (no exfiltration to any bucket).
data "aws_iam_policy_document" "security_s3_endpoint" {
  statement {
    sid       = "ReadPackageRepositories"
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = local.security_s3_object_arns

    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}

locals {
  security_s3_object_arns = coalesce(var.security_s3_object_arns, ["arn:${local.partition}:s3:::al2023-repos-${local.region}-*/*"])
}

resource "aws_vpc_endpoint" "security_s3" {
  vpc_id            = aws_vpc.security.id
  service_name      = "com.amazonaws.${local.region}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.security_private.id]
  policy            = data.aws_iam_policy_document.security_s3_endpoint.json

  tags = merge(local.tags, { Name = "${var.name}-security-s3" })
}
