output "azs" {
  description = "Availability Zones used, in order (index i gets the i-th slice of every CIDR layout)."
  value       = local.azs
}

output "vpc_ids" {
  description = "VPC id per role: { security, lb, app }."
  value       = local.vpc_ids
}

output "vpc_cidrs" {
  description = "VPC CIDR per role: { security, lb, app }. Feed it to modules/access as vpc_cidrs."
  value       = { security = aws_vpc.security.cidr_block, lb = aws_vpc.lb.cidr_block, app = aws_vpc.app.cidr_block }
}

output "subnets" {
  description = "Every subnet by tier, then by AZ: { <tier> = { <az> = { id, cidr_block } } }. Tiers: security_private, security_vpn, security_tgw, lb_public, lb_tgw, app_private, app_intra, app_jump, app_tgw (the three *_tgw tiers are {} with interconnect = \"peering\")."
  value = {
    security_private = { for az, s in aws_subnet.security_private : az => { id = s.id, cidr_block = s.cidr_block } }
    security_vpn     = { for az, s in aws_subnet.security_vpn : az => { id = s.id, cidr_block = s.cidr_block } }
    security_tgw     = { for az, s in aws_subnet.security_tgw : az => { id = s.id, cidr_block = s.cidr_block } }
    lb_public        = { for az, s in aws_subnet.lb_public : az => { id = s.id, cidr_block = s.cidr_block } }
    lb_tgw           = { for az, s in aws_subnet.lb_tgw : az => { id = s.id, cidr_block = s.cidr_block } }
    app_private      = { for az, s in aws_subnet.app_private : az => { id = s.id, cidr_block = s.cidr_block } }
    app_intra        = { for az, s in aws_subnet.app_intra : az => { id = s.id, cidr_block = s.cidr_block } }
    app_jump         = { for az, s in aws_subnet.app_jump : az => { id = s.id, cidr_block = s.cidr_block } }
    app_tgw          = { for az, s in aws_subnet.app_tgw : az => { id = s.id, cidr_block = s.cidr_block } }
  }

  # Every subnet map waits for all of the wiring (see the per-tier outputs).
  depends_on = [
    aws_internet_gateway.lb,
    aws_route.lb_public_internet,
    aws_route_table_association.lb_public,
    aws_nat_gateway.this,
    aws_route.lb_tgw_nat,
    aws_route_table_association.lb_tgw,
    aws_route_table_association.security_private,
    aws_route_table_association.security_vpn,
    aws_route_table_association.security_tgw,
    aws_route_table_association.app_private,
    aws_route_table_association.app_intra,
    aws_route_table_association.app_jump,
    aws_route_table_association.app_tgw,
    aws_vpc_endpoint.security_s3,
    aws_vpc_endpoint.app_s3,
    aws_vpc_endpoint.interface,
    aws_vpc_security_group_ingress_rule.endpoints_https,
    aws_route53_resolver_firewall_rule_group_association.app,
    aws_route53_resolver_firewall_config.app,
    aws_route53_resolver_query_log_config_association.app,
    aws_route.to_tgw,
    aws_route.to_peer,
    aws_ec2_transit_gateway_route.this,
    aws_ec2_transit_gateway_route_table_association.this,
  ]
}

output "security_private_subnet_ids" {
  description = "Security VPC private (bastion) subnet id per AZ."
  value       = { for az, s in aws_subnet.security_private : az => s.id }

  # Consumers (bastions, Client VPN) must not race the routes, the S3
  # endpoint the bastions patch through or the NAT path.
  depends_on = [
    aws_route_table_association.security_private,
    aws_route_table_association.security_vpn,
    aws_route_table_association.security_tgw,
    aws_route_table_association.app_jump,
    aws_vpc_endpoint.security_s3,
    aws_route.to_tgw,
    aws_route.to_peer,
    aws_ec2_transit_gateway_route.this,
    aws_ec2_transit_gateway_route_table_association.this,
    aws_nat_gateway.this,
    aws_route.lb_tgw_nat,
    aws_route_table_association.lb_tgw,
  ]
}

output "security_vpn_subnet_ids" {
  description = "Security VPC Client VPN association subnet id per AZ (/27 each; modules/access input vpn_subnets is subnets.security_vpn)."
  value       = { for az, s in aws_subnet.security_vpn : az => s.id }

  # Consumers (bastions, Client VPN) must not race the routes, the S3
  # endpoint the bastions patch through or the NAT path.
  depends_on = [
    aws_route_table_association.security_private,
    aws_route_table_association.security_vpn,
    aws_route_table_association.security_tgw,
    aws_route_table_association.app_jump,
    aws_vpc_endpoint.security_s3,
    aws_route.to_tgw,
    aws_route.to_peer,
    aws_ec2_transit_gateway_route.this,
    aws_ec2_transit_gateway_route_table_association.this,
    aws_nat_gateway.this,
    aws_route.lb_tgw_nat,
    aws_route_table_association.lb_tgw,
  ]
}

output "lb_public_subnet_ids" {
  description = "LB VPC public subnet id per AZ (for the NLB)."
  value       = { for az, s in aws_subnet.lb_public : az => s.id }

  # Consumers (the edge module's NLB) must not race the internet gateway, the
  # public route or the return routes over the TGW.
  depends_on = [
    aws_internet_gateway.lb,
    aws_route.lb_public_internet,
    aws_route_table_association.lb_public,
    aws_nat_gateway.this,
    aws_route.lb_tgw_nat,
    aws_route_table_association.lb_tgw,
    aws_route.to_tgw,
    aws_route.to_peer,
    aws_ec2_transit_gateway_route.this,
    aws_ec2_transit_gateway_route_table_association.this,
  ]
}

output "app_private_subnet_ids" {
  description = "App VPC node/pod subnet id per AZ (for EKS node groups and pods)."
  value       = { for az, s in aws_subnet.app_private : az => s.id }

  # Consumers (EKS control plane, node groups) must not race the routes, the
  # VPC endpoints (nodes join and pull images through them) or the DNS Firewall
  # and query logging (a node's first queries are already filtered and logged).
  depends_on = [
    aws_route_table_association.app_private,
    aws_route_table_association.app_intra,
    aws_route_table_association.app_tgw,
    aws_vpc_endpoint.app_s3,
    aws_vpc_endpoint.interface,
    aws_vpc_security_group_ingress_rule.endpoints_https,
    aws_route53_resolver_firewall_rule_group_association.app,
    aws_route53_resolver_firewall_config.app,
    aws_route53_resolver_query_log_config_association.app,
    aws_route.to_tgw,
    aws_route.to_peer,
    aws_ec2_transit_gateway_route.this,
    aws_ec2_transit_gateway_route_table_association.this,
    aws_nat_gateway.this,
    aws_route.lb_tgw_nat,
    aws_route_table_association.lb_tgw,
  ]
}

output "app_intra_subnet_ids" {
  description = "App VPC intra subnet id per AZ (for the EKS control-plane ENIs)."
  value       = { for az, s in aws_subnet.app_intra : az => s.id }

  # Consumers (EKS control plane, node groups) must not race the routes, the
  # VPC endpoints (nodes join and pull images through them) or the DNS Firewall
  # and query logging (a node's first queries are already filtered and logged).
  depends_on = [
    aws_route_table_association.app_private,
    aws_route_table_association.app_intra,
    aws_route_table_association.app_tgw,
    aws_vpc_endpoint.app_s3,
    aws_vpc_endpoint.interface,
    aws_vpc_security_group_ingress_rule.endpoints_https,
    aws_route53_resolver_firewall_rule_group_association.app,
    aws_route53_resolver_firewall_config.app,
    aws_route53_resolver_query_log_config_association.app,
    aws_route.to_tgw,
    aws_route.to_peer,
    aws_ec2_transit_gateway_route.this,
    aws_ec2_transit_gateway_route_table_association.this,
    aws_nat_gateway.this,
    aws_route.lb_tgw_nat,
    aws_route_table_association.lb_tgw,
  ]
}

output "app_jump_subnet_ids" {
  description = "App VPC jump-host subnet id per AZ."
  value       = { for az, s in aws_subnet.app_jump : az => s.id }

  # Consumers (bastions, Client VPN) must not race the routes, the S3
  # endpoint the bastions patch through or the NAT path.
  depends_on = [
    aws_route_table_association.security_private,
    aws_route_table_association.security_vpn,
    aws_route_table_association.security_tgw,
    aws_route_table_association.app_jump,
    aws_vpc_endpoint.security_s3,
    aws_route.to_tgw,
    aws_route.to_peer,
    aws_ec2_transit_gateway_route.this,
    aws_ec2_transit_gateway_route_table_association.this,
    aws_nat_gateway.this,
    aws_route.lb_tgw_nat,
    aws_route_table_association.lb_tgw,
  ]
}

output "vpc_endpoint_cidrs" {
  description = "CIDR blocks of the app VPC subnets holding the interface endpoints' ENIs (the intra subnets of interface_endpoint_azs, in AZ order): the egress peers of the node security group and of a NetworkPolicy that lets pods reach AWS APIs on TCP 443. Not the way to the EKS API: its control-plane ENIs are in every intra subnet (app_intra_subnet_ids)."
  value       = [for az in local.endpoint_azs : aws_subnet.app_intra[az].cidr_block]

  depends_on = [
    aws_vpc_endpoint.interface,
    aws_route53_resolver_firewall_rule_group_association.app,
  ]
}

output "interface_endpoint_azs" {
  description = "AZs whose intra subnets hold the interface endpoints' ENIs, in order: every AZ, or the first interface_endpoint_az_count."
  value       = local.endpoint_azs
}

output "s3_gateway_prefix_list_id" {
  description = "Prefix list id of the app VPC's S3 gateway endpoint (the region's S3 ranges): the security group egress peer for TCP 443 to S3 (ECR image layers)."
  value       = aws_vpc_endpoint.app_s3.prefix_list_id
}

output "app_jump_cidr" {
  description = "The /24 block holding every jump-host subnet: the only app VPC prefix the security VPC can route to."
  value       = local.app_jump_block
}

output "route_table_ids" {
  description = "VPC route table ids: security_private, security_vpn, security_tgw, lb_public, lb_tgw (map by AZ), app_private, app_intra, app_jump, app_tgw. security_tgw and app_tgw are null and lb_tgw is {} without a Transit Gateway; lb_tgw is also {} without NAT gateways."
  value = {
    security_private = aws_route_table.security_private.id
    security_vpn     = aws_route_table.security_vpn.id
    security_tgw     = one(aws_route_table.security_tgw[*].id)
    lb_public        = aws_route_table.lb_public.id
    lb_tgw           = { for az, rt in aws_route_table.lb_tgw : az => rt.id }
    app_private      = aws_route_table.app_private.id
    app_intra        = aws_route_table.app_intra.id
    app_jump         = aws_route_table.app_jump.id
    app_tgw          = one(aws_route_table.app_tgw[*].id)
  }
}

output "interconnect" {
  description = "How the VPCs are joined: \"transit_gateway\" or \"peering\" (var.interconnect)."
  value       = var.interconnect
}

output "vpc_routes_to_tgw" {
  description = "Destination prefixes each VPC route table sends to the Transit Gateway: { <route table> = [cidr, ...] }. {} with interconnect = \"peering\"."
  value = {
    for t in distinct([for r in local.vpc_tgw_routes : r.table]) :
    t => sort([for r in local.vpc_tgw_routes : r.cidr if r.table == t])
  }
}

output "vpc_routes_to_peers" {
  description = "Destination prefixes each VPC route table sends through a VPC peering: { <route table> = [cidr, ...] } (security-private and app-jump through security_app, lb-public and app-private through lb_app). {} with interconnect = \"transit_gateway\"."
  value = {
    for t in distinct([for r in local.vpc_peer_routes : r.table]) :
    t => sort([for r in local.vpc_peer_routes : r.cidr if r.table == t])
  }
}

output "peering_connection_ids" {
  description = "VPC peering connection ids: { lb_app = \"pcx-...\", security_app = \"pcx-...\" } with interconnect = \"peering\" (security_app only with security_vpc_peering); {} with the Transit Gateway."
  value       = local.peering_connection_ids
}

output "transit_gateway_id" {
  description = "Transit Gateway id; null with interconnect = \"peering\"."
  value       = one(aws_ec2_transit_gateway.this[*].id)
}

output "transit_gateway_attachment_ids" {
  description = "TGW VPC attachment id per role: { security, lb, app }; {} with interconnect = \"peering\"."
  value       = local.tgw_attachment_ids
}

output "transit_gateway_route_table_ids" {
  description = "TGW route table id per role: { security, lb, app } (each associated with that role's attachment); {} with interconnect = \"peering\"."
  value       = local.tgw_route_table_ids
}

output "transit_gateway_routes" {
  description = "Static routes of each TGW route table: { <role> = { <cidr> = <target role, or \"blackhole\"> } }; {} with interconnect = \"peering\"."
  value = {
    for t in local.tgw_roles : t => {
      for r in local.tgw_routes : r.cidr => coalesce(r.target, "blackhole") if r.table == t
    }
  }
}

output "nat_gateway_ids" {
  description = "NAT gateway id per AZ that has one (one AZ with single_nat_gateway); {} with nat_gateway_enabled = false."
  value       = { for az, n in aws_nat_gateway.this : az => n.id }
}

output "nat_gateway_for_az" {
  description = "AZ (key) of the NAT gateway that each AZ's LB TGW attachment route table default-routes to: its own AZ, or the single NAT's AZ. The same keys the aws_route.lb_tgw_nat resources index with. {} without NAT gateways or without a Transit Gateway."
  value       = { for az, w in local.lb_tgw_wiring : az => w.nat_gateway }
}

output "lb_tgw_route_table_for_az" {
  description = "AZ (key) of the LB TGW route table each AZ's LB TGW attachment subnet is associated with: always its own AZ. The same keys the associations index with. {} without NAT gateways or without a Transit Gateway."
  value       = { for az, w in local.lb_tgw_wiring : az => w.route_table }
}

output "nat_gateway_id_for_az" {
  description = "NAT gateway id that each AZ's LB TGW attachment subnet leaves through, by AZ (built from the same wiring keys as the routes). {} without NAT gateways or without a Transit Gateway."
  value       = { for az, w in local.lb_tgw_wiring : az => aws_nat_gateway.this[w.nat_gateway].id }
}

output "lb_tgw_route_table_id_for_az" {
  description = "Route table id associated with each AZ's LB TGW attachment subnet, by AZ (built from the same wiring keys as the associations). {} without NAT gateways or without a Transit Gateway."
  value       = { for az, w in local.lb_tgw_wiring : az => aws_route_table.lb_tgw[w.route_table].id }
}

output "internet_gateway_id" {
  description = "Id of the LB VPC's internet gateway (the region's only one)."
  value       = aws_internet_gateway.lb.id

  depends_on = [aws_route.lb_public_internet]
}

output "nat_public_ips" {
  description = "Public (Elastic) IP of each NAT gateway, by AZ: the region's egress addresses, for allow-lists. {} with nat_gateway_enabled = false."
  value       = { for az, e in aws_eip.nat : az => e.public_ip }
}

output "endpoint_security_group_id" {
  description = "Security group of the app VPC interface endpoints (ingress 443 from the app VPC only)."
  value       = aws_security_group.endpoints.id
}

output "interface_endpoint_ids" {
  description = "App VPC interface endpoint id per service short name."
  value       = { for svc, e in aws_vpc_endpoint.interface : svc => e.id }
}

output "s3_gateway_endpoint_ids" {
  description = "S3 gateway endpoint id per VPC: { security, app }."
  value       = { security = aws_vpc_endpoint.security_s3.id, app = aws_vpc_endpoint.app_s3.id }
}

output "flow_log_ids" {
  description = "VPC flow log id per role."
  value       = { for role, f in aws_flow_log.this : role => f.id }
}

output "flow_log_group_names" {
  description = "CloudWatch log group of each VPC's flow log, per role."
  value       = { for role, g in aws_cloudwatch_log_group.flow_logs : role => g.name }
}

output "flow_log_kms_key_arn" {
  description = "ARN of the KMS key encrypting the flow log groups and the DNS query log group."
  value       = aws_kms_key.flow_logs.arn
}

output "dns_firewall_rule_group_id" {
  description = "Route 53 Resolver DNS Firewall rule group of the app VPC (allow list at priority 100, block everything else at 200)."
  value       = aws_route53_resolver_firewall_rule_group.app.id
}

output "dns_firewall_allowed_domains" {
  description = "Domain names the app VPC's DNS Firewall answers; every other name gets NXDOMAIN."
  value       = local.dns_firewall_allowed_domains
}

output "dns_query_log_group_name" {
  description = "CloudWatch log group of the app VPC's DNS query logs (KMS-encrypted with flow_log_kms_key_arn)."
  value       = aws_cloudwatch_log_group.dns_queries.name
}
