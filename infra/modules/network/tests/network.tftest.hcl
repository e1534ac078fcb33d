# modules/network planned against OpenTofu's mock provider (offline; the
# tfoffline stand-in only supplies the hashicorp/aws schema). Every assertion
# is on a value the module decides: counts per AZ, CIDRs, routes and their
# targets, security group rules, policies (statements, condition keys and
# values), DNS Firewall rules and their order, flags.
#
# The mock provider gives every instance of a resource type the same generated
# id, so the role-level resources get distinct ids through override_resource:
# a route that points at the wrong route table or attachment then fails. What
# the mocks cannot tell apart (instances of one for_each, e.g. the per-AZ NAT
# gateways) is asserted on the keys the code indexes with (the *_for_az
# outputs) and, for ordering, on the module source itself.
#
# The runs at the end plan interconnect = "peering" (the dev cost variant of
# docs/cost.md); they share this mock setup and set their inputs per run.

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

# The region's AZs for the runs that take them from the data source (azs = []:
# the peering runs; azs_from_the_data_source overrides this with its own).
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
  target = aws_subnet.security_private
  values = { id = "subnet-security-private" }
}
override_resource {
  target = aws_subnet.security_vpn
  values = { id = "subnet-security-vpn" }
}
override_resource {
  target = aws_subnet.security_tgw
  values = { id = "subnet-security-tgw" }
}
override_resource {
  target = aws_subnet.lb_public
  values = { id = "subnet-lb-public" }
}
override_resource {
  target = aws_subnet.lb_tgw
  values = { id = "subnet-lb-tgw" }
}
override_resource {
  target = aws_subnet.app_private
  values = { id = "subnet-app-private" }
}
override_resource {
  target = aws_subnet.app_intra
  values = { id = "subnet-app-intra" }
}
override_resource {
  target = aws_subnet.app_jump
  values = { id = "subnet-app-jump" }
}
override_resource {
  target = aws_subnet.app_tgw
  values = { id = "subnet-app-tgw" }
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
  target = aws_security_group.endpoints
  values = { id = "sg-endpoints" }
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
  target = aws_route53_resolver_firewall_domain_list.allowed
  values = { id = "rslvr-fdl-allowed" }
}
override_resource {
  target = aws_route53_resolver_firewall_domain_list.everything
  values = { id = "rslvr-fdl-everything" }
}
override_resource {
  target = aws_route53_resolver_firewall_rule_group.app
  values = { id = "rslvr-frg-app" }
}
override_resource {
  target = aws_cloudwatch_log_group.dns_queries
  values = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/route53resolver/unit/app" }
}
override_resource {
  target = aws_route53_resolver_query_log_config.app
  values = { id = "rqlc-app" }
}

variables {
  name = "unit"
  azs  = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"]
  vpc_cidrs = {
    security = "10.10.0.0/20"
    lb       = "10.20.0.0/20"
    app      = "10.100.0.0/16"
  }
}

run "subnets_per_az" {
  command = plan

  assert {
    condition     = output.azs == tolist(["us-east-1a", "us-east-1b", "us-east-1c"])
    error_message = "With az_count = 3 the first three AZs of var.azs must be used."
  }

  assert {
    condition = alltrue([
      for tier in [aws_subnet.security_private, aws_subnet.security_vpn, aws_subnet.security_tgw, aws_subnet.lb_public, aws_subnet.lb_tgw, aws_subnet.app_private, aws_subnet.app_intra, aws_subnet.app_jump, aws_subnet.app_tgw] :
      length(tier) == 3 && length(distinct([for s in tier : s.availability_zone])) == 3 && alltrue([for az, s in tier : s.availability_zone == az])
    ])
    error_message = "Every subnet tier must have exactly one subnet in each of the 3 AZs, each in a distinct AZ."
  }

  assert {
    condition = alltrue(flatten([
      for tier in [aws_subnet.security_private, aws_subnet.security_vpn, aws_subnet.security_tgw, aws_subnet.lb_public, aws_subnet.lb_tgw, aws_subnet.app_private, aws_subnet.app_intra, aws_subnet.app_jump, aws_subnet.app_tgw] :
      [for s in tier : s.map_public_ip_on_launch == false]
    ]))
    error_message = "No subnet may assign public IPs on launch (NAT gateways and the NLB use Elastic IPs)."
  }

  assert {
    condition = (
      alltrue([for s in aws_subnet.security_private : s.vpc_id == "vpc-security"]) &&
      alltrue([for s in aws_subnet.security_tgw : s.vpc_id == "vpc-security"]) &&
      alltrue([for s in aws_subnet.security_vpn : s.vpc_id == "vpc-security"]) &&
      alltrue([for s in aws_subnet.lb_public : s.vpc_id == "vpc-lb"]) &&
      alltrue([for s in aws_subnet.lb_tgw : s.vpc_id == "vpc-lb"]) &&
      alltrue([for s in concat(values(aws_subnet.app_private), values(aws_subnet.app_intra), values(aws_subnet.app_jump), values(aws_subnet.app_tgw)) : s.vpc_id == "vpc-app"])
    )
    error_message = "A subnet is in the wrong VPC."
  }

  assert {
    condition     = [for az in output.azs : aws_subnet.app_private[az].cidr_block] == ["10.100.0.0/19", "10.100.32.0/19", "10.100.64.0/19"]
    error_message = "App node/pod subnets must be the /19s 0, 1, 2 of the /16."
  }

  assert {
    condition     = [for az in output.azs : aws_subnet.app_intra[az].cidr_block] == ["10.100.224.0/24", "10.100.225.0/24", "10.100.226.0/24"]
    error_message = "App intra subnets must be /24s at the start of the last /19."
  }

  assert {
    condition     = output.app_jump_cidr == "10.100.254.0/24" && [for az in output.azs : aws_subnet.app_jump[az].cidr_block] == ["10.100.254.0/28", "10.100.254.16/28", "10.100.254.32/28"]
    error_message = "Jump-host subnets must be /28s of the 10.100.254.0/24 jump-host block."
  }

  assert {
    condition     = [for az in output.azs : aws_subnet.app_tgw[az].cidr_block] == ["10.100.255.0/28", "10.100.255.16/28", "10.100.255.32/28"]
    error_message = "App TGW attachment subnets must be /28s of the last /24."
  }

  assert {
    condition     = [for az in output.azs : aws_subnet.security_vpn[az].cidr_block] == ["10.10.12.0/27", "10.10.12.32/27", "10.10.12.64/27"]
    error_message = "Client VPN subnets must be /27s at the start of the security VPC's eighth 6, apart from the bastion subnets."
  }

  assert {
    condition = (
      [for az in output.azs : aws_subnet.security_private[az].cidr_block] == ["10.10.0.0/23", "10.10.2.0/23", "10.10.4.0/23"] &&
      [for az in output.azs : aws_subnet.security_tgw[az].cidr_block] == ["10.10.14.0/28", "10.10.14.16/28", "10.10.14.32/28"] &&
      [for az in output.azs : aws_subnet.lb_public[az].cidr_block] == ["10.20.0.0/23", "10.20.2.0/23", "10.20.4.0/23"] &&
      [for az in output.azs : aws_subnet.lb_tgw[az].cidr_block] == ["10.20.14.0/28", "10.20.14.16/28", "10.20.14.32/28"]
    )
    error_message = "Security/LB subnets must be the eighths 0-2 of their VPC and TGW subnets /28s of the last eighth."
  }

  # Every subnet lies inside its VPC and no two subnets overlap.
  assert {
    condition = alltrue(flatten([
      for tier, m in output.subnets : [
        for s in values(m) :
        tonumber(split("/", s.cidr_block)[1]) >= tonumber(split("/", output.vpc_cidrs[split("_", tier)[0]])[1]) &&
        cidrhost("${split("/", s.cidr_block)[0]}/${split("/", output.vpc_cidrs[split("_", tier)[0]])[1]}", 0) == split("/", output.vpc_cidrs[split("_", tier)[0]])[0]
      ]
    ]))
    error_message = "A subnet lies outside its VPC CIDR."
  }

  assert {
    condition = alltrue(flatten([
      for i, a in flatten([for m in values(output.subnets) : [for s in values(m) : s.cidr_block]]) : [
        for j, b in flatten([for m in values(output.subnets) : [for s in values(m) : s.cidr_block]]) :
        i == j || cidrhost("${split("/", a)[0]}/${min(tonumber(split("/", a)[1]), tonumber(split("/", b)[1]))}", 0) != cidrhost("${split("/", b)[0]}/${min(tonumber(split("/", a)[1]), tonumber(split("/", b)[1]))}", 0)
      ]
    ]))
    error_message = "Two subnets overlap."
  }

  assert {
    condition = (
      aws_subnet.app_private["us-east-1a"].tags["kubernetes.io/role/internal-elb"] == "1" &&
      aws_subnet.app_private["us-east-1a"].tags["kubernetes.io/cluster/unit"] == "shared"
    )
    error_message = "EKS subnet tags are missing on the node/pod subnets."
  }

  assert {
    condition     = !anytrue([for s in aws_subnet.lb_public : contains(keys(s.tags), "kubernetes.io/role/elb")])
    error_message = "The LB VPC public subnets must not carry kubernetes.io/role/elb: the NLB is OpenTofu's, no controller may discover these subnets."
  }

  assert {
    condition = alltrue([
      for pair in [
        [aws_route_table_association.security_private, "rtb-security-private", "subnet-security-private"],
        [aws_route_table_association.security_vpn, "rtb-security-vpn", "subnet-security-vpn"],
        [aws_route_table_association.security_tgw, "rtb-security-tgw", "subnet-security-tgw"],
        [aws_route_table_association.lb_public, "rtb-lb-public", "subnet-lb-public"],
        [aws_route_table_association.lb_tgw, "rtb-lb-tgw", "subnet-lb-tgw"],
        [aws_route_table_association.app_private, "rtb-app-private", "subnet-app-private"],
        [aws_route_table_association.app_intra, "rtb-app-intra", "subnet-app-intra"],
        [aws_route_table_association.app_jump, "rtb-app-jump", "subnet-app-jump"],
        [aws_route_table_association.app_tgw, "rtb-app-tgw", "subnet-app-tgw"],
      ] : length(pair[0]) == 3 && alltrue([for a in pair[0] : a.route_table_id == pair[1] && a.subnet_id == pair[2]])
    ])
    error_message = "Every subnet of a tier must be associated with that tier's route table."
  }
}

run "nat_gateway_per_az" {
  command = plan

  assert {
    condition     = length(aws_nat_gateway.this) == 3 && length(aws_eip.nat) == 3 && toset(keys(aws_nat_gateway.this)) == toset(output.azs)
    error_message = "Expected one NAT gateway and one EIP in each AZ."
  }

  assert {
    condition = alltrue([
      for az, n in aws_nat_gateway.this :
      n.subnet_id == "subnet-lb-public" && n.allocation_id == "eipalloc-nat" && n.connectivity_type == "public"
    ])
    error_message = "NAT gateways must sit in the LB public subnets with an EIP."
  }

  assert {
    condition     = alltrue([for e in aws_eip.nat : e.domain == "vpc"])
    error_message = "NAT EIPs must use domain = \"vpc\"."
  }

  assert {
    condition     = output.nat_gateway_for_az == { "us-east-1a" = "us-east-1a", "us-east-1b" = "us-east-1b", "us-east-1c" = "us-east-1c" }
    error_message = "Each AZ's TGW attachment subnet must use the NAT gateway of its own AZ."
  }

  assert {
    condition = length(aws_route.lb_tgw_nat) == 3 && alltrue([
      for az, r in aws_route.lb_tgw_nat :
      r.destination_cidr_block == "0.0.0.0/0" && r.nat_gateway_id == "nat-lb" && r.route_table_id == "rtb-lb-tgw"
    ])
    error_message = "Each LB TGW attachment route table must default-route to a NAT gateway."
  }

  assert {
    condition     = aws_route.lb_public_internet.gateway_id == "igw-lb" && aws_route.lb_public_internet.route_table_id == "rtb-lb-public" && aws_route.lb_public_internet.destination_cidr_block == "0.0.0.0/0"
    error_message = "The LB public subnets must default-route to the internet gateway."
  }
}

run "lb_tgw_per_az_wiring" {
  command = plan

  # The keys: each AZ's LB TGW subnet uses its own AZ's route table, whose
  # default route uses its own AZ's NAT gateway.
  assert {
    condition = (
      output.lb_tgw_route_table_for_az == { "us-east-1a" = "us-east-1a", "us-east-1b" = "us-east-1b", "us-east-1c" = "us-east-1c" } &&
      output.nat_gateway_for_az == { "us-east-1a" = "us-east-1a", "us-east-1b" = "us-east-1b", "us-east-1c" = "us-east-1c" }
    )
    error_message = "Each AZ's LB TGW attachment subnet must use its own AZ's route table and that AZ's NAT gateway."
  }

  assert {
    condition = (
      toset(keys(aws_route.lb_tgw_nat)) == toset(output.azs) &&
      toset(keys(aws_route_table_association.lb_tgw)) == toset(output.azs) &&
      toset(keys(aws_route_table.lb_tgw)) == toset(output.azs) &&
      alltrue([for az, a in aws_route_table_association.lb_tgw : a.subnet_id == "subnet-lb-tgw" && a.route_table_id == "rtb-lb-tgw"])
    )
    error_message = "There must be one LB TGW route table, default route and subnet association per AZ."
  }

  assert {
    condition = (
      output.nat_gateway_id_for_az == { "us-east-1a" = "nat-lb", "us-east-1b" = "nat-lb", "us-east-1c" = "nat-lb" } &&
      output.lb_tgw_route_table_id_for_az == { "us-east-1a" = "rtb-lb-tgw", "us-east-1b" = "rtb-lb-tgw", "us-east-1c" = "rtb-lb-tgw" }
    )
    error_message = "The AZ -> NAT gateway id and AZ -> route table id outputs must cover every AZ."
  }

  # ...and the resources index their targets with exactly those keys (the
  # mock ids cannot show it: every NAT gateway instance has the same mock id).
  assert {
    condition = (
      can(regex("nat_gateway_id\\s*=\\s*aws_nat_gateway\\.this\\[each\\.value\\.nat_gateway\\]\\.id", try(regex("(?s)resource \"aws_route\" \"lb_tgw_nat\" \\{.*?\\n\\}", file("${path.module}/vpc_lb.tf")), ""))) &&
      can(regex("route_table_id\\s*=\\s*aws_route_table\\.lb_tgw\\[each\\.value\\.route_table\\]\\.id", try(regex("(?s)resource \"aws_route\" \"lb_tgw_nat\" \\{.*?\\n\\}", file("${path.module}/vpc_lb.tf")), ""))) &&
      can(regex("for_each\\s*=\\s*local\\.lb_tgw_wiring", try(regex("(?s)resource \"aws_route\" \"lb_tgw_nat\" \\{.*?\\n\\}", file("${path.module}/vpc_lb.tf")), ""))) &&
      can(regex("subnet_id\\s*=\\s*aws_subnet\\.lb_tgw\\[each\\.key\\]\\.id", try(regex("(?s)resource \"aws_route_table_association\" \"lb_tgw\" \\{.*?\\n\\}", file("${path.module}/vpc_lb.tf")), ""))) &&
      can(regex("route_table_id\\s*=\\s*aws_route_table\\.lb_tgw\\[each\\.value\\.route_table\\]\\.id", try(regex("(?s)resource \"aws_route_table_association\" \"lb_tgw\" \\{.*?\\n\\}", file("${path.module}/vpc_lb.tf")), ""))) &&
      can(regex("for_each\\s*=\\s*local\\.lb_tgw_wiring", try(regex("(?s)resource \"aws_route_table_association\" \"lb_tgw\" \\{.*?\\n\\}", file("${path.module}/vpc_lb.tf")), "")))
    )
    error_message = "aws_route.lb_tgw_nat and aws_route_table_association.lb_tgw must iterate local.lb_tgw_wiring and index their route table, NAT gateway and subnet with its keys."
  }
}

run "app_vpc_has_no_way_out" {
  command = plan

  assert {
    condition     = aws_internet_gateway.lb.vpc_id == "vpc-lb"
    error_message = "The only internet gateway must be in the LB VPC."
  }

  assert {
    condition = !anytrue(concat(
      [for r in aws_route.to_tgw : r.destination_cidr_block == "0.0.0.0/0" && startswith(r.route_table_id, "rtb-app-")],
      [for r in aws_route.lb_tgw_nat : startswith(r.route_table_id, "rtb-app-")],
      [startswith(aws_route.lb_public_internet.route_table_id, "rtb-app-")],
    ))
    error_message = "No app VPC route table may hold a 0.0.0.0/0 route when app_internet_egress is false."
  }

  assert {
    condition     = !anytrue([for r in aws_ec2_transit_gateway_route.this : r.destination_cidr_block == "0.0.0.0/0" && r.transit_gateway_route_table_id == "tgw-rtb-app"])
    error_message = "The app TGW route table must not hold 0.0.0.0/0 when app_internet_egress is false."
  }
}

run "transit_gateway" {
  command = plan

  assert {
    condition = (
      aws_ec2_transit_gateway.this[0].default_route_table_association == "disable" &&
      aws_ec2_transit_gateway.this[0].default_route_table_propagation == "disable" &&
      aws_ec2_transit_gateway.this[0].auto_accept_shared_attachments == "disable"
    )
    error_message = "The TGW must not associate/propagate to a default route table nor auto-accept attachments."
  }

  assert {
    condition = alltrue([
      for a in [aws_ec2_transit_gateway_vpc_attachment.security[0], aws_ec2_transit_gateway_vpc_attachment.lb[0], aws_ec2_transit_gateway_vpc_attachment.app[0]] :
      a.transit_gateway_default_route_table_association == false && a.transit_gateway_default_route_table_propagation == false && a.transit_gateway_id == "tgw-unit"
    ])
    error_message = "Each attachment must have default association and propagation off."
  }

  assert {
    condition = (
      aws_ec2_transit_gateway_vpc_attachment.security[0].vpc_id == "vpc-security" && toset(aws_ec2_transit_gateway_vpc_attachment.security[0].subnet_ids) == toset(["subnet-security-tgw"]) &&
      aws_ec2_transit_gateway_vpc_attachment.lb[0].vpc_id == "vpc-lb" && toset(aws_ec2_transit_gateway_vpc_attachment.lb[0].subnet_ids) == toset(["subnet-lb-tgw"]) &&
      aws_ec2_transit_gateway_vpc_attachment.app[0].vpc_id == "vpc-app" && toset(aws_ec2_transit_gateway_vpc_attachment.app[0].subnet_ids) == toset(["subnet-app-tgw"])
    )
    error_message = "Each attachment must use its own VPC's TGW attachment subnets."
  }

  assert {
    condition = (
      aws_ec2_transit_gateway_vpc_attachment.lb[0].appliance_mode_support == "disable" &&
      aws_ec2_transit_gateway_vpc_attachment.security[0].appliance_mode_support == "disable" &&
      aws_ec2_transit_gateway_vpc_attachment.app[0].appliance_mode_support == "disable"
    )
    error_message = "Appliance mode must be off on every attachment: NAT gateways need none, and on the LB attachment it would spread flows over other AZs' NAT gateways."
  }

  assert {
    condition = length(aws_ec2_transit_gateway_route_table_association.this) == 3 && alltrue([
      for role, a in aws_ec2_transit_gateway_route_table_association.this :
      a.transit_gateway_route_table_id == "tgw-rtb-${role}" && a.transit_gateway_attachment_id == "tgw-attach-${role}"
    ])
    error_message = "Each attachment must be associated with its own role's route table."
  }

  # Exactly the allowed prefixes, read from the planned route resources as
  # "<route table> <prefix> <attachment or blackhole>".
  assert {
    condition = toset([
      for r in aws_ec2_transit_gateway_route.this :
      "${r.transit_gateway_route_table_id} ${r.destination_cidr_block} ${r.blackhole ? "blackhole" : r.transit_gateway_attachment_id}"
      ]) == toset([
      "tgw-rtb-security 10.100.254.0/24 tgw-attach-app",
      "tgw-rtb-security 0.0.0.0/0 tgw-attach-lb",
      "tgw-rtb-security 10.0.0.0/8 blackhole",
      "tgw-rtb-security 172.16.0.0/12 blackhole",
      "tgw-rtb-security 192.168.0.0/16 blackhole",
      "tgw-rtb-lb 10.100.0.0/19 tgw-attach-app",
      "tgw-rtb-lb 10.100.32.0/19 tgw-attach-app",
      "tgw-rtb-lb 10.100.64.0/19 tgw-attach-app",
      "tgw-rtb-lb 10.10.0.0/23 tgw-attach-security",
      "tgw-rtb-lb 10.10.2.0/23 tgw-attach-security",
      "tgw-rtb-lb 10.10.4.0/23 tgw-attach-security",
      "tgw-rtb-app 10.20.0.0/23 tgw-attach-lb",
      "tgw-rtb-app 10.20.2.0/23 tgw-attach-lb",
      "tgw-rtb-app 10.20.4.0/23 tgw-attach-lb",
      "tgw-rtb-app 10.10.0.0/23 tgw-attach-security",
      "tgw-rtb-app 10.10.2.0/23 tgw-attach-security",
      "tgw-rtb-app 10.10.4.0/23 tgw-attach-security",
    ]) && length(aws_ec2_transit_gateway_route.this) == 17
    error_message = "TGW route tables must hold exactly the allowed flows (see the README's allowed-flows table)."
  }

  assert {
    condition = output.transit_gateway_routes == {
      security = { "0.0.0.0/0" = "lb", "10.100.254.0/24" = "app", "10.0.0.0/8" = "blackhole", "172.16.0.0/12" = "blackhole", "192.168.0.0/16" = "blackhole" }
      lb       = { "10.100.0.0/19" = "app", "10.100.32.0/19" = "app", "10.100.64.0/19" = "app", "10.10.0.0/23" = "security", "10.10.2.0/23" = "security", "10.10.4.0/23" = "security" }
      app      = { "10.20.0.0/23" = "lb", "10.20.2.0/23" = "lb", "10.20.4.0/23" = "lb", "10.10.0.0/23" = "security", "10.10.2.0/23" = "security", "10.10.4.0/23" = "security" }
    }
    error_message = "transit_gateway_routes output differs from the allowed-flows table."
  }
}

run "vpc_routes_to_tgw" {
  command = plan

  assert {
    condition = toset([
      for r in aws_route.to_tgw : "${r.route_table_id} ${r.destination_cidr_block} ${r.transit_gateway_id}"
      ]) == toset([
      "rtb-security-private 10.100.254.0/24 tgw-unit",
      "rtb-security-private 0.0.0.0/0 tgw-unit",
      "rtb-lb-public 10.100.0.0/19 tgw-unit",
      "rtb-lb-public 10.100.32.0/19 tgw-unit",
      "rtb-lb-public 10.100.64.0/19 tgw-unit",
      "rtb-lb-public 10.10.0.0/23 tgw-unit",
      "rtb-lb-public 10.10.2.0/23 tgw-unit",
      "rtb-lb-public 10.10.4.0/23 tgw-unit",
      "rtb-app-private 10.20.0.0/23 tgw-unit",
      "rtb-app-private 10.20.2.0/23 tgw-unit",
      "rtb-app-private 10.20.4.0/23 tgw-unit",
      "rtb-app-jump 10.10.0.0/23 tgw-unit",
      "rtb-app-jump 10.10.2.0/23 tgw-unit",
      "rtb-app-jump 10.10.4.0/23 tgw-unit",
    ]) && length(aws_route.to_tgw) == 14
    error_message = "VPC route tables must send exactly the allowed prefixes to the TGW (none from the intra, Client VPN or TGW-attachment subnets)."
  }

  assert {
    condition = jsonencode(output.vpc_routes_to_tgw) == jsonencode({
      "security-private" = ["0.0.0.0/0", "10.100.254.0/24"]
      "lb-public"        = ["10.10.0.0/23", "10.10.2.0/23", "10.10.4.0/23", "10.100.0.0/19", "10.100.32.0/19", "10.100.64.0/19"]
      "app-private"      = ["10.20.0.0/23", "10.20.2.0/23", "10.20.4.0/23"]
      "app-jump"         = ["10.10.0.0/23", "10.10.2.0/23", "10.10.4.0/23"]
    })
    error_message = "vpc_routes_to_tgw output differs from the allowed-flows table."
  }
}

run "endpoints" {
  command = plan

  assert {
    condition = toset(keys(aws_vpc_endpoint.interface)) == toset([
      "ecr.api", "ecr.dkr", "sts", "logs", "monitoring", "ec2", "elasticloadbalancing", "autoscaling",
      "eks", "eks-auth", "secretsmanager", "kms",
    ])
    error_message = "The default interface endpoints are not the 12 services the platform uses."
  }

  assert {
    condition     = length(setintersection(toset(keys(aws_vpc_endpoint.interface)), toset(["ssm", "ssmmessages", "ec2messages"]))) == 0
    error_message = "No Systems Manager endpoint by default: nothing uses Session Manager (ADR 0104)."
  }

  assert {
    condition = alltrue([
      for svc, e in aws_vpc_endpoint.interface :
      e.vpc_id == "vpc-app" && e.vpc_endpoint_type == "Interface" && e.private_dns_enabled == true &&
      e.service_name == "com.amazonaws.us-east-1.${svc}" &&
      toset(e.subnet_ids) == toset(["subnet-app-intra"]) &&
      toset(e.security_group_ids) == toset(["sg-endpoints"])
    ])
    error_message = "Interface endpoints must be in the app VPC intra subnets, with private DNS and only the endpoint SG."
  }

  assert {
    condition = (
      aws_vpc_endpoint.app_s3.vpc_id == "vpc-app" &&
      aws_vpc_endpoint.app_s3.vpc_endpoint_type == "Gateway" && aws_vpc_endpoint.app_s3.service_name == "com.amazonaws.us-east-1.s3" &&
      toset(aws_vpc_endpoint.app_s3.route_table_ids) == toset(["rtb-app-private", "rtb-app-intra"])
    )
    error_message = "The app VPC S3 gateway endpoint belongs on the node and intra route tables only (the jump host needs no S3)."
  }

  assert {
    condition = (
      aws_security_group.endpoints.vpc_id == "vpc-app" &&
      aws_vpc_security_group_ingress_rule.endpoints_https.security_group_id == "sg-endpoints" &&
      aws_vpc_security_group_ingress_rule.endpoints_https.ip_protocol == "tcp" &&
      aws_vpc_security_group_ingress_rule.endpoints_https.from_port == 443 &&
      aws_vpc_security_group_ingress_rule.endpoints_https.to_port == 443 &&
      aws_vpc_security_group_ingress_rule.endpoints_https.cidr_ipv4 == "10.100.0.0/16"
    )
    error_message = "The endpoint SG must admit only TCP 443 from the app VPC CIDR."
  }

  assert {
    condition = (
      aws_vpc_endpoint.security_s3.vpc_id == "vpc-security" &&
      toset(aws_vpc_endpoint.security_s3.route_table_ids) == toset(["rtb-security-private"]) &&
      data.aws_iam_policy_document.security_s3_endpoint.statement[0].actions == toset(["s3:GetObject"]) &&
      data.aws_iam_policy_document.security_s3_endpoint.statement[0].resources == toset(["arn:aws:s3:::al2023-repos-us-east-1-de612dc2/*"])
    )
    error_message = "The security VPC S3 endpoint must only allow reading the region's Amazon Linux 2023 repository bucket, named exactly."
  }

  assert {
    condition     = output.vpc_endpoint_cidrs == ["10.100.224.0/24", "10.100.225.0/24", "10.100.226.0/24"] && output.s3_gateway_prefix_list_id == "pl-s3"
    error_message = "vpc_endpoint_cidrs must be the intra subnets (the endpoint ENIs' subnets) in AZ order; s3_gateway_prefix_list_id the S3 endpoint's prefix list."
  }
}

# Fewer AZs for the interface endpoints' ENIs (cost toggle, ADR 0150): the
# first N AZs hold them; the subnets, the endpoint SG, the policies and the
# DNS Firewall stay as they are; vpc_endpoint_cidrs (the nodes' and pods' 443
# egress peers) lists only the subnets that hold endpoint ENIs.
# The mock gives every intra subnet the same id, so which subnets an endpoint
# uses is asserted on the AZ keys the code indexes with (interface_endpoint_azs
# is local.endpoint_azs) and, reading endpoints.tf, on the endpoints taking
# their subnets from exactly that local.
run "endpoints_default_every_az" {
  command = plan

  assert {
    condition     = output.interface_endpoint_azs == tolist(["us-east-1a", "us-east-1b", "us-east-1c"]) && output.vpc_endpoint_cidrs == ["10.100.224.0/24", "10.100.225.0/24", "10.100.226.0/24"]
    error_message = "By default every interface endpoint has an ENI in each of the module's AZs, and vpc_endpoint_cidrs lists every intra subnet."
  }
}

run "endpoints_in_two_of_three_azs" {
  command = plan

  variables {
    interface_endpoint_az_count = 2
  }

  assert {
    condition = (
      output.interface_endpoint_azs == tolist(["us-east-1a", "us-east-1b"]) &&
      length(aws_vpc_endpoint.interface) == 12 &&
      alltrue([for e in aws_vpc_endpoint.interface : toset(e.subnet_ids) == toset(["subnet-app-intra"])])
    )
    error_message = "With interface_endpoint_az_count = 2 the endpoints' AZs must be the first two, and every interface endpoint must stay in intra subnets."
  }

  assert {
    condition     = output.vpc_endpoint_cidrs == ["10.100.224.0/24", "10.100.225.0/24"]
    error_message = "vpc_endpoint_cidrs must list only the intra subnets that hold endpoint ENIs (first two AZs), in AZ order: the third AZ's intra subnet holds none."
  }

  # The intra subnets (EKS control-plane ENIs), the endpoint security group
  # and the DNS Firewall do not depend on where the endpoint ENIs are.
  assert {
    condition = (
      length(aws_subnet.app_intra) == 3 &&
      [for az in output.azs : aws_subnet.app_intra[az].cidr_block] == ["10.100.224.0/24", "10.100.225.0/24", "10.100.226.0/24"] &&
      aws_vpc_security_group_ingress_rule.endpoints_https.cidr_ipv4 == "10.100.0.0/16"
    )
    error_message = "The intra subnets stay in every AZ and the endpoint SG still admits 443 from the whole app VPC (nodes of the third AZ reach the endpoints across AZs)."
  }

  assert {
    condition = (
      contains(output.dns_firewall_allowed_domains, "sts.us-east-1.amazonaws.com") &&
      contains(output.dns_firewall_allowed_domains, "*.dkr.ecr.us-east-1.amazonaws.com") &&
      contains(output.dns_firewall_allowed_domains, "eks-auth.us-east-1.api.aws") &&
      length(output.dns_firewall_allowed_domains) == 22
    )
    error_message = "The DNS Firewall allow list must not change with the endpoints' AZ count (private DNS names are regional)."
  }

  assert {
    condition = alltrue([
      for svc, e in aws_vpc_endpoint.interface :
      e.private_dns_enabled == true && jsondecode(e.policy).Statement[0].Sid == "OwnPrincipals" &&
      jsonencode(jsondecode(e.policy).Statement[0].Condition) == jsonencode({ StringEquals = { "aws:PrincipalAccount" = ["123456789012"] } })
    ])
    error_message = "Endpoint policies and private DNS must not change with the endpoints' AZ count."
  }

  # The mock gives every intra subnet one id, so also read the source: the
  # endpoints must take their subnets from local.endpoint_azs.
  assert {
    condition     = can(regex("subnet_ids\\s*=\\s*\\[for az in local\\.endpoint_azs : aws_subnet\\.app_intra\\[az\\]\\.id\\]", try(regex("(?s)resource \"aws_vpc_endpoint\" \"interface\" \\{.*?\\n\\}", file("${path.module}/endpoints.tf")), "")))
    error_message = "aws_vpc_endpoint.interface must place its ENIs in the intra subnets of local.endpoint_azs."
  }
}

run "endpoints_in_one_az_with_single_nat" {
  command = plan

  variables {
    interface_endpoint_az_count = 1
    single_nat_gateway          = true
    az_count                    = 2
  }

  assert {
    condition = (
      output.interface_endpoint_azs == tolist(["us-east-1a"]) &&
      output.vpc_endpoint_cidrs == ["10.100.224.0/24"] &&
      keys(aws_nat_gateway.this) == ["us-east-1a"]
    )
    error_message = "With interface_endpoint_az_count = 1 the endpoints' ENIs must sit only in the first AZ (where the single NAT gateway also is), and vpc_endpoint_cidrs list that one intra subnet."
  }
}

run "endpoints_az_count_equal_to_az_count" {
  command = plan

  variables {
    interface_endpoint_az_count = 3
  }

  assert {
    condition     = output.interface_endpoint_azs == output.azs && output.vpc_endpoint_cidrs == ["10.100.224.0/24", "10.100.225.0/24", "10.100.226.0/24"]
    error_message = "interface_endpoint_az_count = az_count must be the same as the default (every AZ)."
  }
}

run "endpoint_policies_default_this_account" {
  command = plan

  assert {
    condition     = [for st in jsondecode(aws_vpc_endpoint.app_s3.policy).Statement : st.Sid] == ["OwnPrincipalsToOwnBuckets", "ReadAwsOwnedBuckets"]
    error_message = "The S3 endpoint policy must hold exactly the own-buckets and AWS-owned-buckets statements."
  }

  assert {
    condition = (
      jsondecode(aws_vpc_endpoint.app_s3.policy).Statement[0].Effect == "Allow" &&
      jsondecode(aws_vpc_endpoint.app_s3.policy).Statement[0].Principal == "*" &&
      jsondecode(aws_vpc_endpoint.app_s3.policy).Statement[0].Action == ["s3:*"] &&
      jsondecode(aws_vpc_endpoint.app_s3.policy).Statement[0].Resource == ["*"] &&
      jsonencode(jsondecode(aws_vpc_endpoint.app_s3.policy).Statement[0].Condition) == jsonencode({
        StringEquals = { "aws:PrincipalAccount" = ["123456789012"], "aws:ResourceAccount" = ["123456789012"] }
      })
    )
    error_message = "Without an organisation, S3 through the endpoint is limited to this account's principals (aws:PrincipalAccount) and buckets (aws:ResourceAccount)."
  }

  assert {
    condition = (
      jsondecode(aws_vpc_endpoint.app_s3.policy).Statement[1].Effect == "Allow" &&
      jsondecode(aws_vpc_endpoint.app_s3.policy).Statement[1].Action == ["s3:GetObject"] &&
      jsondecode(aws_vpc_endpoint.app_s3.policy).Statement[1].Resource == [
        "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/*",
        "arn:aws:s3:::al2023-repos-us-east-1-de612dc2/*",
      ] &&
      !contains(keys(jsondecode(aws_vpc_endpoint.app_s3.policy).Statement[1]), "Condition")
    )
    error_message = "The AWS-owned statement must allow only s3:GetObject on the region's ECR layer bucket and Amazon Linux 2023 repository bucket."
  }

  # No statement may allow every resource without a perimeter condition.
  assert {
    condition = alltrue(flatten([
      for p in concat([aws_vpc_endpoint.app_s3.policy], [for e in aws_vpc_endpoint.interface : e.policy]) : [
        for st in jsondecode(p).Statement :
        st.Effect == "Allow" && (!contains(st.Resource, "*") || contains(keys(st), "Condition"))
      ]
    ]))
    error_message = "Every endpoint policy statement that allows Resource \"*\" must carry a perimeter condition."
  }

  assert {
    condition = alltrue([
      for svc, e in aws_vpc_endpoint.interface :
      jsondecode(e.policy).Statement[0].Sid == "OwnPrincipals" &&
      jsondecode(e.policy).Statement[0].Principal == "*" &&
      jsondecode(e.policy).Statement[0].Action == ["*"] &&
      jsonencode(jsondecode(e.policy).Statement[0].Condition) == jsonencode({ StringEquals = { "aws:PrincipalAccount" = ["123456789012"] } }) &&
      length(jsondecode(e.policy).Statement) == (svc == "sts" ? 2 : 1)
    ])
    error_message = "Every interface endpoint must admit only this account's principals (aws:PrincipalAccount); only STS has a second statement."
  }

  assert {
    condition = (
      jsondecode(aws_vpc_endpoint.interface["sts"].policy).Statement[1].Sid == "FederatedPrincipalsToOwnRoles" &&
      jsonencode(jsondecode(aws_vpc_endpoint.interface["sts"].policy).Statement[1].Principal) == jsonencode({ Federated = "*" }) &&
      jsondecode(aws_vpc_endpoint.interface["sts"].policy).Statement[1].Action == ["sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML"] &&
      jsonencode(jsondecode(aws_vpc_endpoint.interface["sts"].policy).Statement[1].Condition) == jsonencode({ StringEquals = { "aws:ResourceAccount" = ["123456789012"] } })
    )
    error_message = "STS may take federated (web identity, SAML) requests only for roles of this account (aws:ResourceAccount)."
  }
}

run "endpoint_policies_organization" {
  command = plan

  variables {
    endpoint_organization_id = "o-a1b2c3d4e5"
  }

  assert {
    condition = jsonencode(jsondecode(aws_vpc_endpoint.app_s3.policy).Statement[0].Condition) == jsonencode({
      StringEquals = { "aws:PrincipalOrgID" = ["o-a1b2c3d4e5"], "aws:ResourceOrgID" = ["o-a1b2c3d4e5"] }
    })
    error_message = "With an organisation, S3 through the endpoint is limited to its principals (aws:PrincipalOrgID) and buckets (aws:ResourceOrgID)."
  }

  assert {
    condition = alltrue([
      for svc, e in aws_vpc_endpoint.interface :
      jsonencode(jsondecode(e.policy).Statement[0].Condition) == jsonencode({ StringEquals = { "aws:PrincipalOrgID" = ["o-a1b2c3d4e5"] } })
    ])
    error_message = "With an organisation, every interface endpoint must admit only its principals (aws:PrincipalOrgID)."
  }

  assert {
    condition     = jsonencode(jsondecode(aws_vpc_endpoint.interface["sts"].policy).Statement[1].Condition) == jsonencode({ StringEquals = { "aws:ResourceOrgID" = ["o-a1b2c3d4e5"] } })
    error_message = "With an organisation, federated STS requests may assume only the organisation's roles (aws:ResourceOrgID)."
  }
}

run "endpoint_policies_account_list" {
  command = plan

  variables {
    endpoint_account_ids = ["210987654321"]
  }

  assert {
    condition = (
      jsonencode(jsondecode(aws_vpc_endpoint.app_s3.policy).Statement[0].Condition) == jsonencode({
        StringEquals = { "aws:PrincipalAccount" = ["123456789012", "210987654321"], "aws:ResourceAccount" = ["123456789012", "210987654321"] }
      }) &&
      jsonencode(jsondecode(aws_vpc_endpoint.interface["ecr.dkr"].policy).Statement[0].Condition) == jsonencode({
        StringEquals = { "aws:PrincipalAccount" = ["123456789012", "210987654321"] }
      })
    )
    error_message = "endpoint_account_ids must extend the trusted accounts (this account always included)."
  }
}

run "endpoint_policies_bucket_list" {
  command = plan

  variables {
    endpoint_organization_id = "o-a1b2c3d4e5"
    app_s3_bucket_names      = ["org-artifacts-use1"]
  }

  assert {
    condition = (
      [for st in jsondecode(aws_vpc_endpoint.app_s3.policy).Statement : st.Sid] == ["OwnPrincipalsToListedBuckets", "ReadAwsOwnedBuckets"] &&
      jsondecode(aws_vpc_endpoint.app_s3.policy).Statement[0].Resource == ["arn:aws:s3:::org-artifacts-use1", "arn:aws:s3:::org-artifacts-use1/*"] &&
      jsonencode(jsondecode(aws_vpc_endpoint.app_s3.policy).Statement[0].Condition) == jsonencode({ StringEquals = { "aws:PrincipalOrgID" = ["o-a1b2c3d4e5"] } })
    )
    error_message = "With app_s3_bucket_names the S3 endpoint reaches exactly those buckets (by the organisation's principals) instead of every organisation bucket."
  }
}

run "endpoint_policies_no_own_bucket" {
  command = plan

  variables {
    app_s3_bucket_names = []
  }

  assert {
    condition     = [for st in jsondecode(aws_vpc_endpoint.app_s3.policy).Statement : st.Sid] == ["ReadAwsOwnedBuckets"]
    error_message = "app_s3_bucket_names = [] must leave only the AWS-owned read statement."
  }
}

run "dns_firewall" {
  command = plan

  assert {
    condition = aws_route53_resolver_firewall_domain_list.allowed.domains == toset([
      "autoscaling.us-east-1.amazonaws.com",
      "ec2.us-east-1.amazonaws.com",
      "api.ecr.us-east-1.amazonaws.com",
      "ecr.us-east-1.amazonaws.com",
      "dkr.ecr.us-east-1.amazonaws.com",
      "*.dkr.ecr.us-east-1.amazonaws.com",
      "eks.us-east-1.amazonaws.com",
      "eks-auth.us-east-1.api.aws",
      "elasticloadbalancing.us-east-1.amazonaws.com",
      "kms.us-east-1.amazonaws.com",
      "logs.us-east-1.amazonaws.com",
      "monitoring.us-east-1.amazonaws.com",
      "secretsmanager.us-east-1.amazonaws.com",
      "sts.us-east-1.amazonaws.com",
      "s3.us-east-1.amazonaws.com",
      "*.s3.us-east-1.amazonaws.com",
      "s3.dualstack.us-east-1.amazonaws.com",
      "*.s3.dualstack.us-east-1.amazonaws.com",
      "s3.amazonaws.com",
      "*.s3.amazonaws.com",
      "*.us-east-1.eks.amazonaws.com",
      "*.ec2.internal",
    ]) && toset(output.dns_firewall_allowed_domains) == aws_route53_resolver_firewall_domain_list.allowed.domains
    error_message = "The allow list must be exactly the endpoints' service names, S3, the EKS endpoint zone and the EC2 host names of the region."
  }

  assert {
    condition     = aws_route53_resolver_firewall_domain_list.everything.domains == toset(["*"]) && !contains(aws_route53_resolver_firewall_domain_list.allowed.domains, "*")
    error_message = "The catch-all list must be exactly \"*\", and the allow list must not contain it."
  }

  assert {
    condition = (
      aws_route53_resolver_firewall_rule.allow_platform.action == "ALLOW" &&
      aws_route53_resolver_firewall_rule.allow_platform.priority == 100 &&
      aws_route53_resolver_firewall_rule.allow_platform.firewall_domain_list_id == "rslvr-fdl-allowed" &&
      aws_route53_resolver_firewall_rule.allow_platform.firewall_rule_group_id == "rslvr-frg-app" &&
      aws_route53_resolver_firewall_rule.allow_platform.firewall_domain_redirection_action == "TRUST_REDIRECTION_DOMAIN"
    )
    error_message = "The allow rule must ALLOW the allow list at priority 100, trusting the CNAME chains of allowed names."
  }

  assert {
    condition = (
      aws_route53_resolver_firewall_rule.block_everything_else.action == "BLOCK" &&
      aws_route53_resolver_firewall_rule.block_everything_else.block_response == "NXDOMAIN" &&
      aws_route53_resolver_firewall_rule.block_everything_else.priority == 200 &&
      aws_route53_resolver_firewall_rule.block_everything_else.firewall_domain_list_id == "rslvr-fdl-everything" &&
      aws_route53_resolver_firewall_rule.block_everything_else.firewall_rule_group_id == "rslvr-frg-app"
    )
    error_message = "The catch-all rule must BLOCK \"*\" with NXDOMAIN at priority 200."
  }

  # First match wins, lowest priority first: the allow rule must come first.
  assert {
    condition     = aws_route53_resolver_firewall_rule.allow_platform.priority < aws_route53_resolver_firewall_rule.block_everything_else.priority
    error_message = "The allow rule must be evaluated before the catch-all block (lower priority number)."
  }

  assert {
    condition = (
      aws_route53_resolver_firewall_rule_group_association.app.vpc_id == "vpc-app" &&
      aws_route53_resolver_firewall_rule_group_association.app.firewall_rule_group_id == "rslvr-frg-app" &&
      aws_route53_resolver_firewall_rule_group_association.app.priority == 1000 &&
      aws_route53_resolver_firewall_config.app.resource_id == "vpc-app" &&
      aws_route53_resolver_firewall_config.app.firewall_fail_open == "DISABLED"
    )
    error_message = "The rule group must be associated with the app VPC, and DNS Firewall must fail closed there."
  }

  assert {
    condition = (
      aws_cloudwatch_log_group.dns_queries.name == "/aws/route53resolver/unit/app" &&
      aws_cloudwatch_log_group.dns_queries.kms_key_id == "arn:aws:kms:us-east-1:123456789012:key/flow-logs" &&
      aws_cloudwatch_log_group.dns_queries.retention_in_days == 365 &&
      aws_route53_resolver_query_log_config.app.destination_arn == "arn:aws:logs:us-east-1:123456789012:log-group:/aws/route53resolver/unit/app" &&
      aws_route53_resolver_query_log_config_association.app.resolver_query_log_config_id == "rqlc-app" &&
      aws_route53_resolver_query_log_config_association.app.resource_id == "vpc-app" &&
      output.dns_query_log_group_name == "/aws/route53resolver/unit/app"
    )
    error_message = "The app VPC's DNS queries must be logged to a KMS-encrypted log group with retention."
  }

  assert {
    condition = (
      jsondecode(aws_cloudwatch_log_resource_policy.dns_queries.policy_document).Statement[0].Effect == "Allow" &&
      jsonencode(jsondecode(aws_cloudwatch_log_resource_policy.dns_queries.policy_document).Statement[0].Principal) == jsonencode({ Service = "delivery.logs.amazonaws.com" }) &&
      jsondecode(aws_cloudwatch_log_resource_policy.dns_queries.policy_document).Statement[0].Action == ["logs:CreateLogStream", "logs:PutLogEvents"] &&
      jsondecode(aws_cloudwatch_log_resource_policy.dns_queries.policy_document).Statement[0].Resource == ["arn:aws:logs:us-east-1:123456789012:log-group:/aws/route53resolver/unit/app:*"] &&
      jsonencode(jsondecode(aws_cloudwatch_log_resource_policy.dns_queries.policy_document).Statement[0].Condition) == jsonencode({
        ArnLike      = { "aws:SourceArn" = ["arn:aws:logs:us-east-1:123456789012:*"] }
        StringEquals = { "aws:SourceAccount" = ["123456789012"] }
      })
    )
    error_message = "Only this account's log deliveries may write to the DNS query log group, and only to it."
  }

  assert {
    condition = toset(one(data.aws_iam_policy_document.flow_logs_kms.statement[1].condition).values) == toset([
      "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vpc-flow-logs/unit/*",
      "arn:aws:logs:us-east-1:123456789012:log-group:/aws/route53resolver/unit/*",
    ])
    error_message = "The log KMS key must be usable for the flow log groups and the DNS query log group only."
  }
}

run "dns_firewall_another_region_and_extra_domains" {
  command = plan

  variables {
    azs                          = ["us-west-2a", "us-west-2b", "us-west-2c"]
    interface_endpoints          = ["sts", "ssm"]
    dns_firewall_allowed_domains = ["api.example.com", "*.example.org"]
    dns_firewall_fail_open       = true
  }

  override_data {
    target = data.aws_region.current
    values = { region = "us-west-2" }
  }

  assert {
    condition = aws_route53_resolver_firewall_domain_list.allowed.domains == toset([
      "ssm.us-west-2.amazonaws.com",
      "sts.us-west-2.amazonaws.com",
      "s3.us-west-2.amazonaws.com",
      "*.s3.us-west-2.amazonaws.com",
      "s3.dualstack.us-west-2.amazonaws.com",
      "*.s3.dualstack.us-west-2.amazonaws.com",
      "*.us-west-2.eks.amazonaws.com",
      "*.us-west-2.compute.internal",
      "api.example.com",
      "*.example.org",
    ])
    error_message = "The allow list must follow the region (no legacy global S3 names outside us-east-1, <region>.compute.internal), the endpoint set and dns_firewall_allowed_domains."
  }

  assert {
    condition     = aws_route53_resolver_firewall_config.app.firewall_fail_open == "ENABLED"
    error_message = "dns_firewall_fail_open = true must set firewall_fail_open = ENABLED."
  }

  assert {
    condition = (
      jsondecode(aws_vpc_endpoint.app_s3.policy).Statement[1].Resource == ["arn:aws:s3:::prod-us-west-2-starport-layer-bucket/*", "arn:aws:s3:::al2023-repos-us-west-2-de612dc2/*"] &&
      aws_iam_role.flow_logs.name == "unit-us-west-2-vpc-flow-logs"
    )
    error_message = "Region-specific names (AWS-owned buckets, IAM role) must follow the region."
  }
}

run "no_security_group_rule_admits_the_internet" {
  command = plan

  assert {
    condition     = aws_vpc_security_group_ingress_rule.endpoints_https.cidr_ipv4 != "0.0.0.0/0"
    error_message = "No security group rule of this module may admit 0.0.0.0/0."
  }

  assert {
    condition = length(aws_default_security_group.this) == 3 && alltrue([
      for role, sg in aws_default_security_group.this : sg.vpc_id == "vpc-${role}" && length(sg.ingress) == 0 && length(sg.egress) == 0
    ])
    error_message = "Each VPC's default security group must hold no rules."
  }
}

run "flow_logs" {
  command = plan

  assert {
    condition     = length(aws_flow_log.this) == 3 && toset([for f in aws_flow_log.this : f.vpc_id]) == toset(["vpc-security", "vpc-lb", "vpc-app"])
    error_message = "Each of the three VPCs needs exactly one flow log."
  }

  assert {
    condition = alltrue([
      for role, f in aws_flow_log.this :
      f.traffic_type == "ALL" && f.log_destination_type == "cloud-watch-logs" &&
      f.log_destination == "arn:aws:logs:us-east-1:123456789012:log-group:flow-logs" && f.iam_role_arn == "arn:aws:iam::123456789012:role/flow-logs" &&
      f.max_aggregation_interval == 60
    ])
    error_message = "Flow logs must capture ALL traffic into CloudWatch Logs through the flow-log role."
  }

  assert {
    condition = length(aws_cloudwatch_log_group.flow_logs) == 3 && alltrue([
      for role, g in aws_cloudwatch_log_group.flow_logs :
      g.kms_key_id == "arn:aws:kms:us-east-1:123456789012:key/flow-logs" && g.retention_in_days == 365 && g.name == "/aws/vpc-flow-logs/unit/${role}"
    ])
    error_message = "Flow log groups must be KMS-encrypted with the module key and keep the configured retention."
  }

  assert {
    condition     = aws_kms_key.flow_logs.enable_key_rotation == true && aws_kms_key.flow_logs.deletion_window_in_days == 30
    error_message = "The flow log KMS key must rotate and have a 30-day deletion window."
  }

  # Key policy: the account administers the key; CloudWatch Logs of this region
  # may use it only for this module's log groups, by the encryption context key
  # kms:EncryptionContext:aws:logs:arn (condition key and operator, not only values).
  assert {
    condition = (
      one(data.aws_iam_policy_document.flow_logs_kms.statement[0].principals).identifiers == toset(["arn:aws:iam::123456789012:root"]) &&
      one(data.aws_iam_policy_document.flow_logs_kms.statement[1].principals).type == "Service" &&
      one(data.aws_iam_policy_document.flow_logs_kms.statement[1].principals).identifiers == toset(["logs.us-east-1.amazonaws.com"]) &&
      length(data.aws_iam_policy_document.flow_logs_kms.statement[1].condition) == 1 &&
      one(data.aws_iam_policy_document.flow_logs_kms.statement[1].condition).test == "ArnLike" &&
      one(data.aws_iam_policy_document.flow_logs_kms.statement[1].condition).variable == "kms:EncryptionContext:aws:logs:arn" &&
      contains(one(data.aws_iam_policy_document.flow_logs_kms.statement[1].condition).values, "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vpc-flow-logs/unit/*")
    )
    error_message = "The KMS key policy must let only this region's CloudWatch Logs use the key, with an ArnLike condition on kms:EncryptionContext:aws:logs:arn for these log groups."
  }

  # Trust: the flow-log service, for this account's flow logs of this region
  # only (aws:SourceAccount and aws:SourceArn, the confused-deputy guard).
  assert {
    condition = (
      one(data.aws_iam_policy_document.flow_logs_assume.statement[0].principals).type == "Service" &&
      one(data.aws_iam_policy_document.flow_logs_assume.statement[0].principals).identifiers == toset(["vpc-flow-logs.amazonaws.com"]) &&
      data.aws_iam_policy_document.flow_logs_assume.statement[0].actions == toset(["sts:AssumeRole"]) &&
      toset([
        for c in data.aws_iam_policy_document.flow_logs_assume.statement[0].condition : "${c.test} ${c.variable} ${join(",", c.values)}"
        ]) == toset([
        "StringEquals aws:SourceAccount 123456789012",
        "ArnLike aws:SourceArn arn:aws:ec2:us-east-1:123456789012:vpc-flow-log/*",
      ])
    )
    error_message = "The flow log role must be assumable only by vpc-flow-logs.amazonaws.com with aws:SourceAccount = this account and aws:SourceArn = this region's flow logs."
  }

  assert {
    condition = (
      data.aws_iam_policy_document.flow_logs_write.statement[0].actions == toset(["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]) &&
      data.aws_iam_policy_document.flow_logs_write.statement[0].resources == toset(["arn:aws:logs:us-east-1:123456789012:log-group:flow-logs", "arn:aws:logs:us-east-1:123456789012:log-group:flow-logs:*"]) &&
      data.aws_iam_policy_document.flow_logs_write.statement[1].actions == toset(["logs:DescribeLogGroups"])
    )
    error_message = "The flow log role may write only to the flow log groups."
  }

  assert {
    condition     = aws_iam_role.flow_logs.name == "unit-us-east-1-vpc-flow-logs"
    error_message = "IAM names are global: the flow log role's name must carry the region so a second region of the account does not collide."
  }
}

# Outputs that later modules consume must wait for the wiring (an NLB must not
# race the internet gateway, a node group not the endpoints and routes). An
# output's depends_on is not visible in a plan, so this reads the module source.
run "outputs_wait_for_the_wiring" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for o, refs in {
        subnets                     = ["aws_internet_gateway.lb", "aws_route.lb_public_internet", "aws_nat_gateway.this", "aws_route.lb_tgw_nat", "aws_vpc_endpoint.interface", "aws_vpc_endpoint.app_s3", "aws_vpc_endpoint.security_s3", "aws_route53_resolver_firewall_rule_group_association.app", "aws_route.to_tgw", "aws_ec2_transit_gateway_route.this", "aws_route_table_association.app_private", "aws_route_table_association.security_vpn"]
        lb_public_subnet_ids        = ["aws_internet_gateway.lb", "aws_route.lb_public_internet", "aws_route_table_association.lb_public", "aws_route.to_tgw", "aws_ec2_transit_gateway_route.this", "aws_ec2_transit_gateway_route_table_association.this"]
        app_private_subnet_ids      = ["aws_vpc_endpoint.interface", "aws_vpc_endpoint.app_s3", "aws_route_table_association.app_private", "aws_route53_resolver_firewall_rule_group_association.app", "aws_route53_resolver_query_log_config_association.app", "aws_route.to_tgw", "aws_ec2_transit_gateway_route.this"]
        app_intra_subnet_ids        = ["aws_vpc_endpoint.interface", "aws_vpc_endpoint.app_s3", "aws_route_table_association.app_intra", "aws_route53_resolver_firewall_rule_group_association.app", "aws_route.to_tgw", "aws_ec2_transit_gateway_route.this"]
        app_jump_subnet_ids         = ["aws_route_table_association.app_jump", "aws_route.to_tgw", "aws_ec2_transit_gateway_route.this"]
        security_private_subnet_ids = ["aws_route_table_association.security_private", "aws_vpc_endpoint.security_s3", "aws_route.to_tgw", "aws_ec2_transit_gateway_route.this", "aws_route.lb_tgw_nat"]
        security_vpn_subnet_ids     = ["aws_route_table_association.security_vpn", "aws_route.to_tgw"]
        vpc_endpoint_cidrs          = ["aws_vpc_endpoint.interface"]
        internet_gateway_id         = ["aws_route.lb_public_internet"]
        } : [
        for r in refs : can(regex(
          "(^|[\\s,\\[])${replace(r, ".", "\\.")}($|[\\s,\\]])",
          try(regex("(?s)depends_on = \\[(.*?)\\]", try(regex("(?s)\\noutput \"${o}\" \\{(.*?)\\n\\}\\n", file("${path.module}/outputs.tf"))[0], ""))[0], "")
        ))
      ]
    ]))
    error_message = "An output that later modules consume lacks a depends_on on the internet gateway, routes, endpoints or DNS Firewall it must wait for (see outputs.tf)."
  }
}

run "single_nat_gateway" {
  command = plan

  variables {
    single_nat_gateway = true
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 1 && length(aws_eip.nat) == 1 && keys(aws_nat_gateway.this) == ["us-east-1a"]
    error_message = "single_nat_gateway must create exactly one NAT gateway (and EIP), in the first AZ."
  }

  assert {
    condition     = output.nat_gateway_for_az == { "us-east-1a" = "us-east-1a", "us-east-1b" = "us-east-1a", "us-east-1c" = "us-east-1a" }
    error_message = "With single_nat_gateway every AZ's TGW subnet must use the one NAT gateway."
  }

  assert {
    condition     = length(aws_route.lb_tgw_nat) == 3 && alltrue([for r in aws_route.lb_tgw_nat : r.nat_gateway_id == "nat-lb"])
    error_message = "Every LB TGW route table still needs its default route to the NAT gateway."
  }

  assert {
    condition     = output.lb_tgw_route_table_for_az == { "us-east-1a" = "us-east-1a", "us-east-1b" = "us-east-1b", "us-east-1c" = "us-east-1c" }
    error_message = "With one NAT gateway each AZ's TGW subnet still keeps its own route table."
  }
}

run "app_internet_egress" {
  command = plan

  variables {
    app_internet_egress = true
  }

  assert {
    condition     = toset([for r in aws_route.to_tgw : r.destination_cidr_block if r.route_table_id == "rtb-app-private"]) == toset(["10.20.0.0/23", "10.20.2.0/23", "10.20.4.0/23", "0.0.0.0/0"])
    error_message = "With app_internet_egress the node/pod subnets must also route 0.0.0.0/0 to the TGW."
  }

  assert {
    condition     = !anytrue([for r in aws_route.to_tgw : r.destination_cidr_block == "0.0.0.0/0" && contains(["rtb-app-intra", "rtb-app-jump", "rtb-app-tgw"], r.route_table_id)])
    error_message = "Only the node/pod subnets may get the default route."
  }

  assert {
    condition = output.transit_gateway_routes.app == {
      "10.20.0.0/23" = "lb", "10.20.2.0/23" = "lb", "10.20.4.0/23" = "lb",
      "10.10.0.0/23" = "security", "10.10.2.0/23" = "security", "10.10.4.0/23" = "security",
      "0.0.0.0/0"    = "lb",
      "10.0.0.0/8"   = "blackhole", "172.16.0.0/12" = "blackhole", "192.168.0.0/16" = "blackhole",
    }
    error_message = "With app_internet_egress the app TGW route table must add 0.0.0.0/0 -> lb and the RFC 1918 blackholes."
  }

  assert {
    condition = toset([
      for r in aws_ec2_transit_gateway_route.this : "${r.destination_cidr_block} ${r.blackhole ? "blackhole" : r.transit_gateway_attachment_id}" if r.transit_gateway_route_table_id == "tgw-rtb-app" && (r.destination_cidr_block == "0.0.0.0/0" || r.blackhole)
    ]) == toset(["0.0.0.0/0 tgw-attach-lb", "10.0.0.0/8 blackhole", "172.16.0.0/12 blackhole", "192.168.0.0/16 blackhole"])
    error_message = "The app default route must go to the LB attachment, with private ranges blackholed."
  }

  assert {
    condition     = length(aws_ec2_transit_gateway_route.this) == 17 + 4 && length(aws_route.to_tgw) == 14 + 1
    error_message = "app_internet_egress must add exactly one VPC route and four TGW routes."
  }
}

run "two_azs" {
  command = plan

  variables {
    az_count = 2
  }

  assert {
    condition = alltrue([
      for tier in [aws_subnet.security_private, aws_subnet.security_vpn, aws_subnet.security_tgw, aws_subnet.lb_public, aws_subnet.lb_tgw, aws_subnet.app_private, aws_subnet.app_intra, aws_subnet.app_jump, aws_subnet.app_tgw] :
      toset([for s in tier : s.availability_zone]) == toset(["us-east-1a", "us-east-1b"])
    ]) && length(aws_nat_gateway.this) == 2
    error_message = "az_count = 2 must give each tier (and the NAT gateways) exactly the two first AZs."
  }

  assert {
    condition     = length(output.transit_gateway_routes.lb) == 4 && length(output.transit_gateway_routes.app) == 4 && length(output.transit_gateway_routes.security) == 5
    error_message = "TGW routes must follow the AZ count."
  }
}

run "six_azs_small_and_other_private_ranges" {
  command = plan

  variables {
    az_count = 6
    vpc_cidrs = {
      security = "172.16.0.0/21"
      lb       = "172.16.8.0/22"
      app      = "192.168.0.0/18"
    }
  }

  assert {
    condition = alltrue([
      for tier in [aws_subnet.security_private, aws_subnet.security_vpn, aws_subnet.security_tgw, aws_subnet.lb_public, aws_subnet.lb_tgw, aws_subnet.app_private, aws_subnet.app_intra, aws_subnet.app_jump, aws_subnet.app_tgw] :
      length(tier) == 6 && length(distinct([for s in tier : s.availability_zone])) == 6
    ]) && length(aws_nat_gateway.this) == 6
    error_message = "az_count = 6 must give each tier six subnets in six distinct AZs, and six NAT gateways."
  }

  assert {
    condition = (
      aws_subnet.app_private["us-east-1f"].cidr_block == "192.168.40.0/21" &&
      aws_subnet.app_intra["us-east-1f"].cidr_block == "192.168.61.0/24" &&
      output.app_jump_cidr == "192.168.62.0/24" &&
      aws_subnet.app_jump["us-east-1f"].cidr_block == "192.168.62.80/28" &&
      aws_subnet.app_tgw["us-east-1f"].cidr_block == "192.168.63.80/28" &&
      aws_subnet.security_private["us-east-1f"].cidr_block == "172.16.5.0/24" &&
      aws_subnet.security_vpn["us-east-1f"].cidr_block == "172.16.6.160/27" &&
      aws_subnet.security_tgw["us-east-1f"].cidr_block == "172.16.7.80/28" &&
      aws_subnet.lb_tgw["us-east-1f"].cidr_block == "172.16.11.208/28"
    )
    error_message = "The CIDR layout of the smallest VPCs that hold six AZs (security /21 for six /27 VPN subnets) is wrong."
  }

  assert {
    condition = alltrue(flatten([
      for i, a in flatten([for m in values(output.subnets) : [for s in values(m) : s.cidr_block]]) : [
        for j, b in flatten([for m in values(output.subnets) : [for s in values(m) : s.cidr_block]]) :
        i == j || cidrhost("${split("/", a)[0]}/${min(tonumber(split("/", a)[1]), tonumber(split("/", b)[1]))}", 0) != cidrhost("${split("/", b)[0]}/${min(tonumber(split("/", a)[1]), tonumber(split("/", b)[1]))}", 0)
      ]
    ]))
    error_message = "Two subnets overlap with six AZs in the smallest VPCs."
  }

  assert {
    condition = alltrue(flatten([
      for tier, m in output.subnets : [
        for s in values(m) :
        cidrhost("${split("/", s.cidr_block)[0]}/${split("/", output.vpc_cidrs[split("_", tier)[0]])[1]}", 0) == split("/", output.vpc_cidrs[split("_", tier)[0]])[0]
      ]
    ]))
    error_message = "A subnet lies outside its VPC CIDR with six AZs."
  }
}

run "azs_from_the_data_source" {
  command = plan

  variables {
    azs = []
  }

  override_data {
    target = data.aws_availability_zones.available
    values = {
      names = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    }
  }

  assert {
    condition     = output.azs == tolist(["eu-west-1a", "eu-west-1b", "eu-west-1c"]) && toset([for s in aws_subnet.app_private : s.availability_zone]) == toset(output.azs)
    error_message = "Without var.azs the module must use the region's available AZs."
  }
}

# interconnect = "peering" and nat_gateway_enabled = false (the dev cost
# variant of docs/cost.md), AZs from the data source (azs = [], the
# override_data above): each run below sets these in its own variables block
# (the file-level ones are the Transit Gateway layout). Every assertion is on a
# value the module decides: which resources exist, the VPCs each peering joins,
# the exact VPC routes and their targets, the outputs.

run "peering_has_no_transit_gateway" {
  command = plan

  variables {
    azs                 = []
    interconnect        = "peering"
    nat_gateway_enabled = false
  }

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

  variables {
    azs                 = []
    interconnect        = "peering"
    nat_gateway_enabled = false
  }

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

  variables {
    azs                 = []
    interconnect        = "peering"
    nat_gateway_enabled = false
  }

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
    azs                  = []
    interconnect         = "peering"
    nat_gateway_enabled  = false
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

  variables {
    azs                 = []
    interconnect        = "peering"
    nat_gateway_enabled = false
  }

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

  variables {
    azs                 = []
    interconnect        = "peering"
    nat_gateway_enabled = false
  }

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
    azs                 = []
    interconnect        = "peering"
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
    azs                 = []
    interconnect        = "peering"
    nat_gateway_enabled = false
    az_count            = 2
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
    azs                 = []
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
    azs                 = []
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
    azs                 = []
    nat_gateway_enabled = false
    interconnect        = "vpn"
  }

  expect_failures = [var.interconnect]
}

run "interconnect_is_case_sensitive" {
  command = plan

  variables {
    azs                 = []
    nat_gateway_enabled = false
    interconnect        = "Transit_Gateway"
  }

  expect_failures = [var.interconnect]
}

run "app_internet_egress_with_peering_is_rejected" {
  command = plan

  variables {
    azs                 = []
    interconnect        = "peering"
    nat_gateway_enabled = true
    app_internet_egress = true
  }

  expect_failures = [var.app_internet_egress]
}

run "app_internet_egress_without_nat_is_rejected" {
  command = plan

  variables {
    azs                 = []
    interconnect        = "transit_gateway"
    nat_gateway_enabled = false
    app_internet_egress = true
  }

  expect_failures = [var.app_internet_egress]
}

run "app_internet_egress_with_peering_and_no_nat_is_rejected" {
  command = plan

  variables {
    azs                 = []
    interconnect        = "peering"
    nat_gateway_enabled = false
    app_internet_egress = true
  }

  expect_failures = [var.app_internet_egress]
}
