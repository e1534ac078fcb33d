# App VPC (private): EKS nodes and pods, the EKS control-plane ENIs, the VPC
# endpoints and the jump host. No internet gateway, ever; a default route to
# the LB VPC NAT gateways exists only with var.app_internet_egress (Transit
# Gateway and NAT gateways only).

resource "aws_subnet" "app_private" {
  for_each = local.app_private_cidrs

  vpc_id                  = aws_vpc.app.id
  cidr_block              = each.value
  availability_zone       = each.key
  map_public_ip_on_launch = false

  tags = merge(local.tags, var.app_private_subnet_tags, {
    Name                                          = "${var.name}-app-private-${each.key}"
    "network/tier"                                = "app-private"
    "kubernetes.io/role/internal-elb"             = "1"
    "kubernetes.io/cluster/${local.cluster_name}" = "shared"
  })
}

resource "aws_subnet" "app_intra" {
  for_each = local.app_intra_cidrs

  vpc_id                  = aws_vpc.app.id
  cidr_block              = each.value
  availability_zone       = each.key
  map_public_ip_on_launch = false

  tags = merge(local.tags, { Name = "${var.name}-app-intra-${each.key}", "network/tier" = "app-intra" })
}

resource "aws_subnet" "app_jump" {
  for_each = local.app_jump_cidrs

  vpc_id                  = aws_vpc.app.id
  cidr_block              = each.value
  availability_zone       = each.key
  map_public_ip_on_launch = false

  tags = merge(local.tags, { Name = "${var.name}-app-jump-${each.key}", "network/tier" = "app-jump-host" })
}

resource "aws_subnet" "app_tgw" {
  for_each = local.transit ? local.app_tgw_cidrs : {}

  vpc_id                  = aws_vpc.app.id
  cidr_block              = each.value
  availability_zone       = each.key
  map_public_ip_on_launch = false

  tags = merge(local.tags, { Name = "${var.name}-app-tgw-${each.key}", "network/tier" = "tgw-attachment" })
}

# Node/pod subnets: routes to the NLB subnets (return path of NLB -> gateway
# pods) and, only with app_internet_egress, 0.0.0.0/0 (see tgw.tf and
# peering.tf).
resource "aws_route_table" "app_private" {
  vpc_id = aws_vpc.app.id

  tags = merge(local.tags, { Name = "${var.name}-app-private" })
}

resource "aws_route_table_association" "app_private" {
  for_each = aws_subnet.app_private

  subnet_id      = each.value.id
  route_table_id = aws_route_table.app_private.id
}

# Intra subnets: local routes (and the S3 gateway endpoint) only.
resource "aws_route_table" "app_intra" {
  vpc_id = aws_vpc.app.id

  tags = merge(local.tags, { Name = "${var.name}-app-intra" })
}

resource "aws_route_table_association" "app_intra" {
  for_each = aws_subnet.app_intra

  subnet_id      = each.value.id
  route_table_id = aws_route_table.app_intra.id
}

# Jump-host subnets: a route back to the bastion subnets only.
resource "aws_route_table" "app_jump" {
  vpc_id = aws_vpc.app.id

  tags = merge(local.tags, { Name = "${var.name}-app-jump" })
}

resource "aws_route_table_association" "app_jump" {
  for_each = aws_subnet.app_jump

  subnet_id      = each.value.id
  route_table_id = aws_route_table.app_jump.id
}

# TGW attachment subnets: local routes only.
resource "aws_route_table" "app_tgw" {
  count = local.transit ? 1 : 0

  vpc_id = aws_vpc.app.id

  tags = merge(local.tags, { Name = "${var.name}-app-tgw" })
}

resource "aws_route_table_association" "app_tgw" {
  for_each = aws_subnet.app_tgw

  subnet_id      = each.value.id
  route_table_id = aws_route_table.app_tgw[0].id
}
