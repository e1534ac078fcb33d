# Security VPC: the operators' entry. Private subnets hold the bastions,
# dedicated /27 subnets the Client VPN ENIs; the bastions' only ways out are
# the Transit Gateway (to the jump-host subnets, and to the internet through
# the LB VPC NAT gateways for patching, when there are NAT gateways) or, with
# interconnect = "peering", the security-app peering (jump-host subnets only),
# and an S3 gateway endpoint restricted to the package repositories. The VPN
# subnets have local routes only.

resource "aws_subnet" "security_private" {
  for_each = local.security_private_cidrs

  vpc_id                  = aws_vpc.security.id
  cidr_block              = each.value
  availability_zone       = each.key
  map_public_ip_on_launch = false

  tags = merge(local.tags, { Name = "${var.name}-security-private-${each.key}", "network/tier" = "security-private" })
}

# Client VPN association subnets: the endpoint's ENIs (and so the source
# address of every VPN client after the endpoint's source NAT) live here, apart
# from the bastions, so a rule that names a bastion subnet (the jump host's SSH
# ingress, the TGW route to the jump hosts) never also admits VPN clients.
resource "aws_subnet" "security_vpn" {
  for_each = local.security_vpn_cidrs

  vpc_id                  = aws_vpc.security.id
  cidr_block              = each.value
  availability_zone       = each.key
  map_public_ip_on_launch = false

  tags = merge(local.tags, { Name = "${var.name}-security-vpn-${each.key}", "network/tier" = "client-vpn" })
}

resource "aws_subnet" "security_tgw" {
  for_each = local.transit ? local.security_tgw_cidrs : {}

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

# Client VPN subnets: local routes only. VPN clients are authorised for the
# bastion subnets of this VPC, which the local route covers; nothing else.
resource "aws_route_table" "security_vpn" {
  vpc_id = aws_vpc.security.id

  tags = merge(local.tags, { Name = "${var.name}-security-vpn" })
}

resource "aws_route_table_association" "security_vpn" {
  for_each = aws_subnet.security_vpn

  subnet_id      = each.value.id
  route_table_id = aws_route_table.security_vpn.id
}

# TGW attachment subnets: local routes only (traffic arriving from the TGW is
# for the bastion subnets of the same VPC).
resource "aws_route_table" "security_tgw" {
  count = local.transit ? 1 : 0

  vpc_id = aws_vpc.security.id

  tags = merge(local.tags, { Name = "${var.name}-security-tgw" })
}

resource "aws_route_table_association" "security_tgw" {
  for_each = aws_subnet.security_tgw

  subnet_id      = each.value.id
  route_table_id = aws_route_table.security_tgw[0].id
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
  # The Amazon Linux 2023 repositories of a region are one S3 bucket,
  # al2023-repos-<region>-de612dc2 (what dnf resolves $mirrorlist to, and the
  # name in AWS's data-perimeter endpoint policy examples). An exact name, not
  # al2023-repos-<region>-*: anyone can create a bucket matching the wildcard.
  al2023_repository_bucket = "al2023-repos-${local.region}-de612dc2"
  security_s3_object_arns  = coalesce(var.security_s3_object_arns, ["arn:${local.partition}:s3:::${local.al2023_repository_bucket}/*"])
}

resource "aws_vpc_endpoint" "security_s3" {
  vpc_id            = aws_vpc.security.id
  service_name      = "com.amazonaws.${local.region}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.security_private.id]
  policy            = data.aws_iam_policy_document.security_s3_endpoint.json

  tags = merge(local.tags, { Name = "${var.name}-security-s3" })

  lifecycle {
    precondition {
      condition     = alltrue([for a in local.security_s3_object_arns : split(":", a)[1] == local.partition])
      error_message = "security_s3_object_arns must be ARNs of this region's partition (arn:${local.partition}:s3:::...)."
    }
  }
}
