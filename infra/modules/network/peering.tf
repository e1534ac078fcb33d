# VPC peering (interconnect = "peering", dev cost: docs/cost.md; nothing in this
# file exists with the default "transit_gateway"). Two same-account,
# same-region peerings, both towards the app VPC:
#
#   lb_app:       LB VPC (requester) <-> app VPC: NLB -> gateway pods and back.
#   security_app: security VPC (requester) <-> app VPC: bastion -> jump host
#                 (SSH) and back; only with security_vpc_peering (no bastions,
#                 no peering).
#
# There is no security <-> lb peering: nothing in the security VPC talks to the
# LB VPC except through NAT, and a peering has no edge-to-edge routing (a VPC
# cannot use its peer's NAT gateway, internet gateway or other peerings), so
# the bastions have no default route here and the app VPC gets no internet
# egress. The flows are held by these VPC routes (prefixes) and the security
# groups (ports); there are no TGW route tables and so no blackholes. No DNS
# resolution options across the peerings: nothing resolves another VPC's
# private names.

locals {
  # The flows of local.vpc_tgw_routes (tgw.tf) that stay meaningful without
  # transit, as routes in the VPC route tables of the source subnets, each
  # through the peering that joins the two VPCs. Only these prefixes; no
  # 0.0.0.0/0 and no route to the bastion subnets from the LB VPC (that was the
  # return path of NAT'd bastion egress).
  security_peering = local.peering && var.security_vpc_peering

  vpc_peer_routes = local.peering ? merge(
    # security -> app: the jump-host block only (SSH, port 22 by security group).
    local.security_peering ? { "security-private|${local.app_jump_block}" = { table = "security-private", cidr = local.app_jump_block, peering = "security_app" } } : {},
    # lb -> app node/pod subnets: NLB to the in-cluster gateway pods.
    { for az, c in local.app_private_cidrs : "lb-public|${c}" => { table = "lb-public", cidr = c, peering = "lb_app" } },
    # app -> NLB subnets: return path of NLB -> gateway pods.
    { for az, c in local.lb_public_cidrs : "app-private|${c}" => { table = "app-private", cidr = c, peering = "lb_app" } },
    # app jump host -> bastion subnets: return path of bastion -> jump host SSH.
    local.security_peering ? { for az, c in local.security_private_cidrs : "app-jump|${c}" => { table = "app-jump", cidr = c, peering = "security_app" } } : {},
  ) : {}

  # Empty map with the Transit Gateway.
  peering_connection_ids = {
    for k, ids in {
      lb_app       = aws_vpc_peering_connection.lb_app[*].id
      security_app = aws_vpc_peering_connection.security_app[*].id
    } : k => one(ids) if length(ids) > 0
  }
}

# Same account and region, so the requester accepts its own request
# (auto_accept; no peer_owner_id / peer_region). The provider waits until the
# connection is active, so the routes below are accepted.
resource "aws_vpc_peering_connection" "lb_app" {
  count = local.peering ? 1 : 0

  vpc_id      = aws_vpc.lb.id
  peer_vpc_id = aws_vpc.app.id
  auto_accept = true

  tags = merge(local.tags, { Name = "${var.name}-lb-app" })
}

resource "aws_vpc_peering_connection" "security_app" {
  count = local.security_peering ? 1 : 0

  vpc_id      = aws_vpc.security.id
  peer_vpc_id = aws_vpc.app.id
  auto_accept = true

  tags = merge(local.tags, { Name = "${var.name}-security-app" })
}

resource "aws_route" "to_peer" {
  for_each = local.vpc_peer_routes

  route_table_id            = local.vpc_route_table_ids[each.value.table]
  destination_cidr_block    = each.value.cidr
  vpc_peering_connection_id = local.peering_connection_ids[each.value.peering]
}
