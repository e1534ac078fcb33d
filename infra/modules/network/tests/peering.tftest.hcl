# interconnect = "peering" and nat_gateway_enabled = false (the dev cost
# variant of docs/cost.md), planned against OpenTofu's mock provider. Every
# assertion is on a value the module decides: which resources exist, the VPCs
# each peering joins, the exact VPC routes and their targets, the outputs.
#
# The role-level resources get distinct ids through override_resource (the mock
# provider would give every instance of a type the same id), so a route that
# points at the wrong route table or peering fails.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { region = "us-east-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
}

override_data {
  target = data.aws_availability_zones.available
  values = {
    names = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"]
  }
}

override_resource {
  target = aws_vpc.security
  values = { id = "vpc-security" }
}
override_resource {
  target = aws_vpc.lb
  values = { id = "vpc-lb" }
}
override_resource {
  target = aws_vpc.app
  values = { id = "vpc-app" }
}
override_resource {
  target = aws_route_table.security_private
  values = { id = "rtb-security-private" }
}
override_resource {
  target = aws_route_table.security_vpn
  values = { id = "rtb-security-vpn" }
}
override_resource {
  target = aws_route_table.security_tgw
  values = { id = "rtb-security-tgw" }
}
override_resource {
  target = aws_route_table.lb_public
  values = { id = "rtb-lb-public" }
}
override_resource {
  target = aws_route_table.lb_tgw
  values = { id = "rtb-lb-tgw" }
}
override_resource {
  target = aws_route_table.app_private
  values = { id = "rtb-app-private" }
}
override_resource {
  target = aws_route_table.app_intra
  values = { id = "rtb-app-intra" }
}
override_resource {
  target = aws_route_table.app_jump
  values = { id = "rtb-app-jump" }
}
override_resource {
  target = aws_route_table.app_tgw
  values = { id = "rtb-app-tgw" }
}
override_resource {
  target = aws_internet_gateway.lb
  values = { id = "igw-lb" }
}
override_resource {
  target = aws_eip.nat
  values = { id = "eipalloc-nat", public_ip = "192.0.2.10" }
}
override_resource {
  target = aws_nat_gateway.this
  values = { id = "nat-lb" }
}
override_resource {
  target = aws_ec2_transit_gateway.this
  values = { id = "tgw-unit" }
}
override_resource {
  target = aws_ec2_transit_gateway_vpc_attachment.security
  values = { id = "tgw-attach-security" }
}
override_resource {
  target = aws_ec2_transit_gateway_vpc_attachment.lb
  values = { id = "tgw-attach-lb" }
}
override_resource {
  target = aws_ec2_transit_gateway_vpc_attachment.app
  values = { id = "tgw-attach-app" }
}
override_resource {
  target = aws_ec2_transit_gateway_route_table.security
  values = { id = "tgw-rtb-security" }
}
override_resource {
  target = aws_ec2_transit_gateway_route_table.lb
  values = { id = "tgw-rtb-lb" }
}
override_resource {
  target = aws_ec2_transit_gateway_route_table.app
  values = { id = "tgw-rtb-app" }
}
override_resource {
  target = aws_vpc_peering_connection.lb_app
  values = { id = "pcx-lb-app" }
}
override_resource {
  target = aws_vpc_peering_connection.security_app
  values = { id = "pcx-security-app" }
}
override_resource {
  target = aws_vpc_endpoint.app_s3
  values = { id = "vpce-app-s3", prefix_list_id = "pl-s3" }
}
override_resource {
  target = aws_kms_key.flow_logs
  values = { arn = "arn:aws:kms:us-east-1:123456789012:key/flow-logs" }
}
override_resource {
  target = aws_cloudwatch_log_group.flow_logs
  values = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:flow-logs" }
}
override_resource {
  target = aws_iam_role.flow_logs
  values = { arn = "arn:aws:iam::123456789012:role/flow-logs" }
}
override_resource {
  target = aws_cloudwatch_log_group.dns_queries
  values = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/route53resolver/unit/app" }
}

# The dev variant: peering, no NAT gateway. AZs from the data source (azs = []).
variables {
  name     = "unit"
  az_count = 3
  vpc_cidrs = {
    security = "10.10.0.0/20"
    lb       = "10.20.0.0/20"
    app      = "10.100.0.0/16"
  }
  interconnect        = "peering"
  nat_gateway_enabled = false
}

run "peering_has_no_transit_gateway" {
  command = plan

  assert {
    condition = (
      length(aws_ec2_transit_gateway.this) == 0 &&
      length(aws_ec2_transit_gateway_vpc_attachment.security) == 0 &&
      length(aws_ec2_transit_gateway_vpc_attachment.lb) == 0 &&
      length(aws_ec2_transit_gateway_vpc_attachment.app) == 0 &&
      length(aws_ec2_transit_gateway_route_table.security) == 0 &&
      length(aws_ec2_transit_gateway_route_table.lb) == 0 &&
      length(aws_ec2_transit_gateway_route_table.app) == 0 &&
      length(aws_ec2_transit_gateway_route_table_association.this) == 0 &&
      length(aws_ec2_transit_gateway_route.this) == 0 &&
      length(aws_route.to_tgw) == 0
    )
    error_message = "interconnect = \"peering\" must create no Transit Gateway, attachment, TGW route table, association, TGW route or VPC route to a TGW."
  }

  assert {
    condition = (
      length(aws_subnet.security_tgw) == 0 && length(aws_subnet.lb_tgw) == 0 && length(aws_subnet.app_tgw) == 0 &&
      length(aws_route_table.security_tgw) == 0 && length(aws_route_table.lb_tgw) == 0 && length(aws_route_table.app_tgw) == 0 &&
      length(aws_route_table_association.security_tgw) == 0 && length(aws_route_table_association.lb_tgw) == 0 && length(aws_route_table_association.app_tgw) == 0
    )
    error_message = "interconnect = \"peering\" must create no TGW attachment subnets, nor their route tables and associations."
  }

  # Everything else of the module is still there.
  assert {
    condition = alltrue([
      for tier in [aws_subnet.security_private, aws_subnet.security_vpn, aws_subnet.lb_public, aws_subnet.app_private, aws_subnet.app_intra, aws_subnet.app_jump] :
      toset([for s in tier : s.availability_zone]) == toset(["us-east-1a", "us-east-1b", "us-east-1c"])
    ])
    error_message = "The non-TGW subnet tiers must still have one subnet per AZ (AZs from the data source)."
  }

  assert {
    condition = (
      aws_internet_gateway.lb.vpc_id == "vpc-lb" &&
      aws_route.lb_public_internet.gateway_id == "igw-lb" && aws_route.lb_public_internet.route_table_id == "rtb-lb-public" &&
      length(aws_flow_log.this) == 3 && length(aws_vpc_endpoint.interface) == 12 &&
      aws_vpc_endpoint.security_s3.vpc_id == "vpc-security" && aws_vpc_endpoint.app_s3.vpc_id == "vpc-app" &&
      aws_route53_resolver_firewall_rule_group_association.app.vpc_id == "vpc-app"
    )
    error_message = "Peering mode must keep the internet gateway, the flow logs, the endpoints and the DNS Firewall."
  }
}

run "peering_connections" {
  command = plan

  assert {
    condition = (
      length(aws_vpc_peering_connection.lb_app) == 1 &&
      aws_vpc_peering_connection.lb_app[0].vpc_id == aws_vpc.lb.id &&
      aws_vpc_peering_connection.lb_app[0].peer_vpc_id == aws_vpc.app.id &&
      aws_vpc_peering_connection.lb_app[0].vpc_id == "vpc-lb" &&
      aws_vpc_peering_connection.lb_app[0].auto_accept == true
    )
    error_message = "lb_app must peer the LB VPC (requester) with the app VPC, auto-accepted."
  }

  assert {
    condition = (
      length(aws_vpc_peering_connection.security_app) == 1 &&
      aws_vpc_peering_connection.security_app[0].vpc_id == aws_vpc.security.id &&
      aws_vpc_peering_connection.security_app[0].peer_vpc_id == aws_vpc.app.id &&
      aws_vpc_peering_connection.security_app[0].vpc_id == "vpc-security" &&
      aws_vpc_peering_connection.security_app[0].auto_accept == true
    )
    error_message = "security_app must peer the security VPC (requester) with the app VPC, auto-accepted."
  }

  # Exactly two peerings, and none joins the security and LB VPCs.
  assert {
    condition = toset([
      for p in concat(aws_vpc_peering_connection.lb_app, aws_vpc_peering_connection.security_app) : "${p.vpc_id} ${p.peer_vpc_id}"
    ]) == toset(["vpc-lb vpc-app", "vpc-security vpc-app"])
    error_message = "There must be exactly the lb-app and security-app peerings (no security-lb peering)."
  }

  assert {
    condition = alltrue([
      for p in concat(aws_vpc_peering_connection.lb_app, aws_vpc_peering_connection.security_app) :
      length(p.accepter) == 0 && length(p.requester) == 0
    ])
    error_message = "No peering option (cross-VPC private DNS resolution) may be set: nothing resolves another VPC's private names."
  }

  assert {
    condition = (
      aws_vpc_peering_connection.lb_app[0].tags["Name"] == "unit-lb-app" &&
      aws_vpc_peering_connection.security_app[0].tags["Name"] == "unit-security-app" &&
      aws_vpc_peering_connection.lb_app[0].tags["terraform-module"] == "network" &&
      aws_vpc_peering_connection.security_app[0].tags["terraform-module"] == "network"
    )
    error_message = "Peerings must be named <name>-<requester>-<accepter> and carry the module tags."
  }
}

run "peering_routes" {
  command = plan

  # Exactly these routes, read as "<route table> <prefix> <peering>".
  assert {
    condition = toset([
      for r in aws_route.to_peer : "${r.route_table_id} ${r.destination_cidr_block} ${r.vpc_peering_connection_id}"
      ]) == toset([
      "rtb-security-private 10.100.254.0/24 pcx-security-app",
      "rtb-lb-public 10.100.0.0/19 pcx-lb-app",
      "rtb-lb-public 10.100.32.0/19 pcx-lb-app",
      "rtb-lb-public 10.100.64.0/19 pcx-lb-app",
      "rtb-app-private 10.20.0.0/23 pcx-lb-app",
      "rtb-app-private 10.20.2.0/23 pcx-lb-app",
      "rtb-app-private 10.20.4.0/23 pcx-lb-app",
      "rtb-app-jump 10.10.0.0/23 pcx-security-app",
      "rtb-app-jump 10.10.2.0/23 pcx-security-app",
      "rtb-app-jump 10.10.4.0/23 pcx-security-app",
    ]) && length(aws_route.to_peer) == 10
    error_message = "The VPC routes through the peerings must be exactly: security private -> jump-host block, lb public -> node/pod subnets, app private -> lb public subnets, app jump -> bastion subnets."
  }

  assert {
    condition     = !anytrue([for r in aws_route.to_peer : r.destination_cidr_block == "0.0.0.0/0"])
    error_message = "No default route may go through a peering (no edge-to-edge routing)."
  }

  assert {
    condition = !anytrue(concat(
      [for r in aws_route.to_peer : r.route_table_id == "rtb-security-private" && r.destination_cidr_block == "0.0.0.0/0"],
      [for r in aws_route.to_tgw : r.route_table_id == "rtb-security-private"],
      [for r in aws_route.lb_tgw_nat : true],
    ))
    error_message = "The bastion subnets must have no default route in peering mode."
  }

  assert {
    condition     = !anytrue([for r in aws_route.to_peer : r.route_table_id == "rtb-lb-public" && contains(["10.10.0.0/23", "10.10.2.0/23", "10.10.4.0/23"], r.destination_cidr_block)])
    error_message = "The LB public subnets must not route the bastion subnets (that was the return path of NAT'd bastion egress)."
  }

  assert {
    condition     = !anytrue([for r in aws_route.to_peer : contains(["rtb-security-vpn", "rtb-app-intra"], r.route_table_id)])
    error_message = "The Client VPN and intra subnets must keep local routes only."
  }

  assert {
    condition = jsonencode(output.vpc_routes_to_peers) == jsonencode({
      "security-private" = ["10.100.254.0/24"]
      "lb-public"        = ["10.100.0.0/19", "10.100.32.0/19", "10.100.64.0/19"]
      "app-private"      = ["10.20.0.0/23", "10.20.2.0/23", "10.20.4.0/23"]
      "app-jump"         = ["10.10.0.0/23", "10.10.2.0/23", "10.10.4.0/23"]
    })
    error_message = "vpc_routes_to_peers output differs from the peering routes."
  }
}

run "no_security_peering_without_bastions" {
  command = plan

  variables {
    security_vpc_peering = false
  }

  assert {
    condition     = length(aws_vpc_peering_connection.security_app) == 0 && length(aws_vpc_peering_connection.lb_app) == 1
    error_message = "Without bastions only the lb <-> app peering may exist."
  }

  assert {
    condition = toset([
      for r in aws_route.to_peer : "${r.route_table_id} ${r.destination_cidr_block} ${r.vpc_peering_connection_id}"
      ]) == toset([
      "rtb-lb-public 10.100.0.0/19 pcx-lb-app",
      "rtb-lb-public 10.100.32.0/19 pcx-lb-app",
      "rtb-lb-public 10.100.64.0/19 pcx-lb-app",
      "rtb-app-private 10.20.0.0/23 pcx-lb-app",
      "rtb-app-private 10.20.2.0/23 pcx-lb-app",
      "rtb-app-private 10.20.4.0/23 pcx-lb-app",
    ])
    error_message = "Without bastions no route may join the security and app VPCs."
  }

  assert {
    condition     = output.peering_connection_ids == { lb_app = "pcx-lb-app" }
    error_message = "peering_connection_ids must name only the lb <-> app peering."
  }
}

run "no_nat_gateway" {
  command = plan

  assert {
    condition     = length(aws_nat_gateway.this) == 0 && length(aws_eip.nat) == 0 && length(aws_route.lb_tgw_nat) == 0
    error_message = "nat_gateway_enabled = false must create no NAT gateway, no NAT EIP and no route to a NAT gateway."
  }

  assert {
    condition = (
      output.nat_gateway_ids == {} && output.nat_public_ips == {} &&
      output.nat_gateway_for_az == {} && output.nat_gateway_id_for_az == {} &&
      output.lb_tgw_route_table_for_az == {} && output.lb_tgw_route_table_id_for_az == {}
    )
    error_message = "The NAT outputs must be empty maps without NAT gateways."
  }
}

run "peering_outputs" {
  command = plan

  assert {
    condition     = output.interconnect == "peering"
    error_message = "interconnect output must be the mode."
  }

  assert {
    condition     = output.peering_connection_ids == { lb_app = "pcx-lb-app", security_app = "pcx-security-app" }
    error_message = "peering_connection_ids must map lb_app and security_app to their peering ids."
  }

  assert {
    condition = (
      output.transit_gateway_id == null &&
      output.transit_gateway_attachment_ids == {} &&
      output.transit_gateway_route_table_ids == {} &&
      output.transit_gateway_routes == {} &&
      output.vpc_routes_to_tgw == {}
    )
    error_message = "The Transit Gateway outputs must be null or empty in peering mode."
  }

  assert {
    condition = (
      output.subnets.security_tgw == {} && output.subnets.lb_tgw == {} && output.subnets.app_tgw == {} &&
      length(output.subnets.app_private) == 3 && length(output.subnets.lb_public) == 3 &&
      output.route_table_ids.security_tgw == null && output.route_table_ids.app_tgw == null && output.route_table_ids.lb_tgw == {} &&
      output.route_table_ids.security_private == "rtb-security-private" && output.route_table_ids.app_jump == "rtb-app-jump"
    )
    error_message = "subnets and route_table_ids must keep their keys, with the TGW tiers empty/null in peering mode."
  }

  assert {
    condition = (
      output.internet_gateway_id == "igw-lb" &&
      output.app_jump_cidr == "10.100.254.0/24" &&
      output.vpc_ids == { security = "vpc-security", lb = "vpc-lb", app = "vpc-app" }
    )
    error_message = "The mode-independent outputs must be unchanged in peering mode."
  }
}

# Peering with NAT gateways left on: they are created (the input asks for
# them), but nothing routes to them: a peering has no edge-to-edge routing.
run "peering_with_nat_gateways" {
  command = plan

  variables {
    nat_gateway_enabled = true
    single_nat_gateway  = true
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 1 && length(aws_eip.nat) == 1 && keys(output.nat_gateway_ids) == ["us-east-1a"]
    error_message = "With NAT enabled (single) peering mode must still create the one NAT gateway asked for."
  }

  assert {
    condition = (
      length(aws_route.lb_tgw_nat) == 0 && length(aws_route.to_tgw) == 0 && length(aws_route.to_peer) == 10 &&
      !anytrue([for r in aws_route.to_peer : r.destination_cidr_block == "0.0.0.0/0"]) &&
      output.nat_gateway_for_az == {} && output.nat_gateway_id_for_az == {}
    )
    error_message = "In peering mode no route may lead to a NAT gateway, and the peering routes must not change with NAT on."
  }
}

run "peering_two_azs_other_ranges" {
  command = plan

  variables {
    az_count = 2
    vpc_cidrs = {
      security = "172.16.0.0/21"
      lb       = "172.16.8.0/22"
      app      = "192.168.0.0/18"
    }
  }

  assert {
    condition = toset([
      for r in aws_route.to_peer : "${r.route_table_id} ${r.destination_cidr_block} ${r.vpc_peering_connection_id}"
      ]) == toset([
      "rtb-security-private 192.168.62.0/24 pcx-security-app",
      "rtb-lb-public 192.168.0.0/21 pcx-lb-app",
      "rtb-lb-public 192.168.8.0/21 pcx-lb-app",
      "rtb-app-private 172.16.8.0/25 pcx-lb-app",
      "rtb-app-private 172.16.8.128/25 pcx-lb-app",
      "rtb-app-jump 172.16.0.0/24 pcx-security-app",
      "rtb-app-jump 172.16.1.0/24 pcx-security-app",
    ]) && length(aws_route.to_peer) == 7
    error_message = "The peering routes must follow the AZ count and the CIDR layout."
  }
}

# The default interconnect has no peering at all.
run "transit_gateway_has_no_peering" {
  command = plan

  variables {
    interconnect        = "transit_gateway"
    nat_gateway_enabled = true
  }

  assert {
    condition = (
      length(aws_vpc_peering_connection.lb_app) == 0 && length(aws_vpc_peering_connection.security_app) == 0 &&
      length(aws_route.to_peer) == 0 && length(aws_ec2_transit_gateway.this) == 1 && length(aws_route.to_tgw) == 14
    )
    error_message = "interconnect = \"transit_gateway\" must create the TGW and no peering or peering route."
  }

  assert {
    condition     = output.interconnect == "transit_gateway" && output.peering_connection_ids == {} && output.vpc_routes_to_peers == {} && output.transit_gateway_id == "tgw-unit"
    error_message = "With the Transit Gateway the peering outputs must be empty and transit_gateway_id set."
  }
}

# Transit Gateway without NAT gateways: the bastions' default route, its
# blackholes and its return path have nothing to lead to and are left out; the
# LB TGW attachment subnets keep the main route table (local route only).
run "transit_gateway_without_nat" {
  command = plan

  variables {
    interconnect        = "transit_gateway"
    nat_gateway_enabled = false
    single_nat_gateway  = true
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 0 && length(aws_eip.nat) == 0 && length(aws_route.lb_tgw_nat) == 0 && length(aws_route_table.lb_tgw) == 0 && length(aws_route_table_association.lb_tgw) == 0
    error_message = "Without NAT gateways there must be no NAT gateway, EIP, NAT route or LB TGW route table (single_nat_gateway ignored)."
  }

  assert {
    condition     = length(aws_subnet.lb_tgw) == 3 && length(aws_ec2_transit_gateway_vpc_attachment.lb) == 1 && length(aws_vpc_peering_connection.lb_app) == 0
    error_message = "The TGW and its attachment subnets must stay without NAT gateways."
  }

  assert {
    condition = output.transit_gateway_routes == {
      security = { "10.100.254.0/24" = "app" }
      lb       = { "10.100.0.0/19" = "app", "10.100.32.0/19" = "app", "10.100.64.0/19" = "app" }
      app      = { "10.20.0.0/23" = "lb", "10.20.2.0/23" = "lb", "10.20.4.0/23" = "lb", "10.10.0.0/23" = "security", "10.10.2.0/23" = "security", "10.10.4.0/23" = "security" }
    } && length(aws_ec2_transit_gateway_route.this) == 10
    error_message = "Without NAT the TGW must drop security 0.0.0.0/0, its blackholes and lb -> bastion routes, and keep the other flows."
  }

  assert {
    condition = jsonencode(output.vpc_routes_to_tgw) == jsonencode({
      "security-private" = ["10.100.254.0/24"]
      "lb-public"        = ["10.100.0.0/19", "10.100.32.0/19", "10.100.64.0/19"]
      "app-private"      = ["10.20.0.0/23", "10.20.2.0/23", "10.20.4.0/23"]
      "app-jump"         = ["10.10.0.0/23", "10.10.2.0/23", "10.10.4.0/23"]
    }) && length(aws_route.to_tgw) == 10
    error_message = "Without NAT the VPC routes to the TGW must drop the bastion default route and the lb -> bastion return routes."
  }

  assert {
    condition     = output.nat_gateway_ids == {} && output.nat_public_ips == {} && output.lb_tgw_route_table_id_for_az == {}
    error_message = "The NAT outputs must be empty without NAT gateways."
  }
}

run "unknown_interconnect_is_rejected" {
  command = plan

  variables {
    interconnect = "vpn"
  }

  expect_failures = [var.interconnect]
}

run "interconnect_is_case_sensitive" {
  command = plan

  variables {
    interconnect = "Transit_Gateway"
  }

  expect_failures = [var.interconnect]
}

run "app_internet_egress_with_peering_is_rejected" {
  command = plan

  variables {
    interconnect        = "peering"
    nat_gateway_enabled = true
    app_internet_egress = true
  }

  expect_failures = [var.app_internet_egress]
}

run "app_internet_egress_without_nat_is_rejected" {
  command = plan

  variables {
    interconnect        = "transit_gateway"
    nat_gateway_enabled = false
    app_internet_egress = true
  }

  expect_failures = [var.app_internet_egress]
}

run "app_internet_egress_with_peering_and_no_nat_is_rejected" {
  command = plan

  variables {
    app_internet_egress = true
  }

  expect_failures = [var.app_internet_egress]
}
