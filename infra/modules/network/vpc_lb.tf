# LB VPC (public): the only VPC with an internet gateway. Public subnets hold
# the internet-facing NLB (owned by the edge module) and the NAT gateways that
# are the region's only way out (nat_gateway_enabled). With the Transit Gateway,
# traffic from other VPCs arrives through the TGW attachment subnets, whose
# default route is the NAT gateway of the same AZ; with interconnect =
# "peering" there are no TGW attachment subnets and no VPC can reach a NAT
# gateway (no edge-to-edge routing through a peering).

locals {
  # AZs that get a NAT gateway: all of them, only the first one, or none.
  nat_azs = !local.nat ? [] : var.single_nat_gateway ? [local.azs[0]] : local.azs

  # NAT gateway serving each AZ's TGW attachment subnet.
  nat_az_for = { for az in local.azs : az => var.single_nat_gateway ? local.azs[0] : az }

  # Per-AZ wiring of the LB VPC's TGW attachment subnets, by AZ key: the route
  # table each AZ's subnet is associated with, and the NAT gateway that route
  # table's default route targets. The association and route resources below
  # index their targets with exactly these keys, and the outputs
  # lb_tgw_route_table_for_az / nat_gateway_for_az (and the *_id_for_az maps)
  # are built from them, so a test can check the per-AZ wiring that the mock
  # provider cannot tell apart by id (every instance gets the same mock id).
  # Empty without a Transit Gateway or without NAT gateways: the per-AZ route
  # tables exist only to hold the default route to the NAT gateway (without
  # NAT the TGW attachment subnets keep the VPC's main route table, local
  # route only).
  lb_tgw_wired_azs = local.transit && local.nat ? local.azs : []
  lb_tgw_wiring = {
    for az in local.lb_tgw_wired_azs : az => {
      route_table = az
      nat_gateway = local.nat_az_for[az]
    }
  }
}

resource "aws_subnet" "lb_public" {
  for_each = local.lb_public_cidrs

  vpc_id            = aws_vpc.lb.id
  cidr_block        = each.value
  availability_zone = each.key
  # The NLB and NAT gateways get Elastic IPs; nothing should get a public IP implicitly.
  map_public_ip_on_launch = false

  # No kubernetes.io/role/elb tag: the NLB is owned by OpenTofu (edge module),
  # never discovered by an in-cluster controller, and the cluster's VPC is not
  # this one.
  tags = merge(local.tags, {
    Name           = "${var.name}-lb-public-${each.key}"
    "network/tier" = "lb-public"
  })
}

resource "aws_subnet" "lb_tgw" {
  for_each = local.transit ? local.lb_tgw_cidrs : {}

  vpc_id                  = aws_vpc.lb.id
  cidr_block              = each.value
  availability_zone       = each.key
  map_public_ip_on_launch = false

  tags = merge(local.tags, { Name = "${var.name}-lb-tgw-${each.key}", "network/tier" = "tgw-attachment" })
}

resource "aws_internet_gateway" "lb" {
  vpc_id = aws_vpc.lb.id

  tags = merge(local.tags, { Name = "${var.name}-lb" })
}

resource "aws_eip" "nat" {
  for_each = toset(local.nat_azs)

  domain = "vpc"

  tags = merge(local.tags, { Name = "${var.name}-nat-${each.key}" })

  depends_on = [aws_internet_gateway.lb]
}

resource "aws_nat_gateway" "this" {
  for_each = toset(local.nat_azs)

  connectivity_type = "public"
  allocation_id     = aws_eip.nat[each.key].id
  subnet_id         = aws_subnet.lb_public[each.key].id

  tags = merge(local.tags, { Name = "${var.name}-nat-${each.key}" })

  depends_on = [aws_internet_gateway.lb]
}

resource "aws_route_table" "lb_public" {
  vpc_id = aws_vpc.lb.id

  tags = merge(local.tags, { Name = "${var.name}-lb-public" })
}

resource "aws_route" "lb_public_internet" {
  route_table_id         = aws_route_table.lb_public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.lb.id
}

resource "aws_route_table_association" "lb_public" {
  for_each = aws_subnet.lb_public

  subnet_id      = each.value.id
  route_table_id = aws_route_table.lb_public.id
}

# One route table per AZ so each AZ's TGW attachment subnet leaves through the
# NAT gateway of its own AZ (no cross-AZ dependency, no cross-AZ charges).
resource "aws_route_table" "lb_tgw" {
  for_each = local.lb_tgw_wiring

  vpc_id = aws_vpc.lb.id

  tags = merge(local.tags, { Name = "${var.name}-lb-tgw-${each.key}" })
}

resource "aws_route" "lb_tgw_nat" {
  for_each = local.lb_tgw_wiring

  route_table_id         = aws_route_table.lb_tgw[each.value.route_table].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[each.value.nat_gateway].id
}

resource "aws_route_table_association" "lb_tgw" {
  for_each = local.lb_tgw_wiring

  subnet_id      = aws_subnet.lb_tgw[each.key].id
  route_table_id = aws_route_table.lb_tgw[each.value.route_table].id
}
