# Transit Gateway (interconnect = "transit_gateway", the default; nothing in
# this file exists with "peering", see peering.tf): no default association or
# propagation, one route table per VPC role, static routes for the allowed
# flows only. TGW routes select by
# destination prefix, not by port: ports are enforced by security groups
# (modules/access and the EKS/edge modules). See docs/adr/0100-network-topology.md
# and, for appliance mode, docs/adr/0109-per-az-isolation-and-ordering.md.

locals {
  # Allowed flows, as routes in the TGW route table of the *source* VPC.
  # target = null is a blackhole route. Without NAT gateways the bastions'
  # default route and its return path (and the blackholes that guard the
  # default route) have nothing to lead to and are left out.
  tgw_routes = local.transit ? merge(
    # security -> app: the jump-host subnets only (SSH, port 22 by security group).
    { "security|${local.app_jump_block}" = { table = "security", cidr = local.app_jump_block, target = "app" } },
    # security -> internet through the LB VPC NAT gateways (bastion patching).
    local.nat ? { "security|0.0.0.0/0" = { table = "security", cidr = "0.0.0.0/0", target = "lb" } } : {},
    # ...but never another private network through that default route (the NAT
    # gateway would otherwise hairpin it to the LB VPC's TGW routes).
    local.nat ? { for c in local.rfc1918 : "security|${c}" => { table = "security", cidr = c, target = null } } : {},

    # lb -> app node/pod subnets: NLB to the in-cluster gateway pods, and the
    # return path of app egress through the NAT gateways.
    { for az, c in local.app_private_cidrs : "lb|${c}" => { table = "lb", cidr = c, target = "app" } },
    # lb -> bastion subnets: return path of the bastions' NAT'd egress.
    local.nat ? { for az, c in local.security_private_cidrs : "lb|${c}" => { table = "lb", cidr = c, target = "security" } } : {},

    # app -> NLB subnets: return path of NLB -> gateway pods.
    { for az, c in local.lb_public_cidrs : "app|${c}" => { table = "app", cidr = c, target = "lb" } },
    # app -> bastion subnets: return path of bastion -> jump host SSH.
    { for az, c in local.security_private_cidrs : "app|${c}" => { table = "app", cidr = c, target = "security" } },

    # app -> internet only on request, with the same private-range blackholes.
    var.app_internet_egress ? { "app|0.0.0.0/0" = { table = "app", cidr = "0.0.0.0/0", target = "lb" } } : {},
    var.app_internet_egress ? { for c in local.rfc1918 : "app|${c}" => { table = "app", cidr = c, target = null } } : {},
  ) : {}

  # The same flows as routes in the VPC route tables of the source subnets.
  vpc_tgw_routes = local.transit ? merge(
    { "security-private|${local.app_jump_block}" = { table = "security-private", cidr = local.app_jump_block } },
    local.nat ? { "security-private|0.0.0.0/0" = { table = "security-private", cidr = "0.0.0.0/0" } } : {},

    { for az, c in local.app_private_cidrs : "lb-public|${c}" => { table = "lb-public", cidr = c } },
    local.nat ? { for az, c in local.security_private_cidrs : "lb-public|${c}" => { table = "lb-public", cidr = c } } : {},

    { for az, c in local.lb_public_cidrs : "app-private|${c}" => { table = "app-private", cidr = c } },
    var.app_internet_egress ? { "app-private|0.0.0.0/0" = { table = "app-private", cidr = "0.0.0.0/0" } } : {},

    { for az, c in local.security_private_cidrs : "app-jump|${c}" => { table = "app-jump", cidr = c } },
  ) : {}

  vpc_route_table_ids = {
    "security-private" = aws_route_table.security_private.id
    "lb-public"        = aws_route_table.lb_public.id
    "app-private"      = aws_route_table.app_private.id
    "app-jump"         = aws_route_table.app_jump.id
  }
}

resource "aws_ec2_transit_gateway" "this" {
  count = local.transit ? 1 : 0

  description                        = "${var.name}: security, lb and app VPCs"
  amazon_side_asn                    = var.transit_gateway_asn
  auto_accept_shared_attachments     = "disable"
  default_route_table_association    = "disable"
  default_route_table_propagation    = "disable"
  dns_support                        = "enable"
  vpn_ecmp_support                   = "disable"
  multicast_support                  = "disable"
  security_group_referencing_support = "disable"

  tags = merge(local.tags, { Name = var.name })
}

# One attachment and one route table per VPC role, as separate resources so
# that each role's wiring is explicit (and distinguishable in tests).
resource "aws_ec2_transit_gateway_vpc_attachment" "security" {
  count = local.transit ? 1 : 0

  transit_gateway_id = aws_ec2_transit_gateway.this[0].id
  vpc_id             = aws_vpc.security.id
  subnet_ids         = [for az in local.azs : aws_subnet.security_tgw[az].id]

  transit_gateway_default_route_table_association = false
  transit_gateway_default_route_table_propagation = false
  dns_support                                     = "enable"
  ipv6_support                                    = "disable"
  security_group_referencing_support              = "disable"
  appliance_mode_support                          = "disable"

  tags = merge(local.tags, { Name = "${var.name}-security" })
}

resource "aws_ec2_transit_gateway_vpc_attachment" "lb" {
  count = local.transit ? 1 : 0

  transit_gateway_id = aws_ec2_transit_gateway.this[0].id
  vpc_id             = aws_vpc.lb.id
  subnet_ids         = [for az in local.azs : aws_subnet.lb_tgw[az].id]

  transit_gateway_default_route_table_association = false
  transit_gateway_default_route_table_propagation = false
  dns_support                                     = "enable"
  ipv6_support                                    = "disable"
  security_group_referencing_support              = "disable"
  # Appliance mode off: NAT gateways need none. Without it the TGW keeps a
  # flow in the AZ it came from (source AZ attachment ENI -> same-AZ LB TGW
  # subnet -> that AZ's NAT, and the reply back the same way), so each AZ's
  # egress depends on that AZ only. Appliance mode would hash flows across the
  # LB attachment's AZs, i.e. across NAT gateways of other AZs. It belongs on
  # an attachment only when a stateful inspection appliance sits behind it
  # (none here); see docs/adr/0109-per-az-isolation-and-ordering.md.
  appliance_mode_support = "disable"

  tags = merge(local.tags, { Name = "${var.name}-lb" })
}

resource "aws_ec2_transit_gateway_vpc_attachment" "app" {
  count = local.transit ? 1 : 0

  transit_gateway_id = aws_ec2_transit_gateway.this[0].id
  vpc_id             = aws_vpc.app.id
  subnet_ids         = [for az in local.azs : aws_subnet.app_tgw[az].id]

  transit_gateway_default_route_table_association = false
  transit_gateway_default_route_table_propagation = false
  dns_support                                     = "enable"
  ipv6_support                                    = "disable"
  security_group_referencing_support              = "disable"
  appliance_mode_support                          = "disable"

  tags = merge(local.tags, { Name = "${var.name}-app" })
}

resource "aws_ec2_transit_gateway_route_table" "security" {
  count = local.transit ? 1 : 0

  transit_gateway_id = aws_ec2_transit_gateway.this[0].id

  tags = merge(local.tags, { Name = "${var.name}-security" })
}

resource "aws_ec2_transit_gateway_route_table" "lb" {
  count = local.transit ? 1 : 0

  transit_gateway_id = aws_ec2_transit_gateway.this[0].id

  tags = merge(local.tags, { Name = "${var.name}-lb" })
}

resource "aws_ec2_transit_gateway_route_table" "app" {
  count = local.transit ? 1 : 0

  transit_gateway_id = aws_ec2_transit_gateway.this[0].id

  tags = merge(local.tags, { Name = "${var.name}-app" })
}

locals {
  # Empty with interconnect = "peering".
  tgw_roles = local.transit ? local.vpc_roles : []
  tgw_attachment_ids = {
    for role, ids in {
      security = aws_ec2_transit_gateway_vpc_attachment.security[*].id
      lb       = aws_ec2_transit_gateway_vpc_attachment.lb[*].id
      app      = aws_ec2_transit_gateway_vpc_attachment.app[*].id
    } : role => one(ids) if local.transit
  }
  tgw_route_table_ids = {
    for role, ids in {
      security = aws_ec2_transit_gateway_route_table.security[*].id
      lb       = aws_ec2_transit_gateway_route_table.lb[*].id
      app      = aws_ec2_transit_gateway_route_table.app[*].id
    } : role => one(ids) if local.transit
  }
}

# Each attachment is associated with its own role's route table only; nothing
# is propagated.
resource "aws_ec2_transit_gateway_route_table_association" "this" {
  for_each = toset(local.tgw_roles)

  transit_gateway_attachment_id  = local.tgw_attachment_ids[each.key]
  transit_gateway_route_table_id = local.tgw_route_table_ids[each.key]
}

resource "aws_ec2_transit_gateway_route" "this" {
  for_each = local.tgw_routes

  transit_gateway_route_table_id = local.tgw_route_table_ids[each.value.table]
  destination_cidr_block         = each.value.cidr
  blackhole                      = each.value.target == null
  transit_gateway_attachment_id  = each.value.target == null ? null : local.tgw_attachment_ids[each.value.target]
}

resource "aws_route" "to_tgw" {
  for_each = local.vpc_tgw_routes

  route_table_id         = local.vpc_route_table_ids[each.value.table]
  destination_cidr_block = each.value.cidr
  transit_gateway_id     = one(aws_ec2_transit_gateway.this[*].id)

  # A VPC route to a TGW is accepted only once the VPC is attached.
  depends_on = [
    aws_ec2_transit_gateway_vpc_attachment.security,
    aws_ec2_transit_gateway_vpc_attachment.lb,
    aws_ec2_transit_gateway_vpc_attachment.app,
  ]
}
