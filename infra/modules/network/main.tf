# Three VPCs per region (security, lb, app) joined by a Transit Gateway or,
# with interconnect = "peering", by two VPC peerings (peering.tf).
# The CIDR layout is computed here, deterministically, from var.vpc_cidrs; see README.md.

data "aws_region" "current" {}

data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

data "aws_availability_zones" "available" {
  count = length(var.azs) > 0 ? 0 : 1

  state = "available"

  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }
}

locals {
  region     = data.aws_region.current.region
  partition  = data.aws_partition.current.partition
  dns_suffix = data.aws_partition.current.dns_suffix
  account_id = data.aws_caller_identity.current.account_id

  az_candidates = length(var.azs) > 0 ? var.azs : try(data.aws_availability_zones.available[0].names, [])
  azs           = slice(local.az_candidates, 0, min(var.az_count, length(local.az_candidates)))
  az_index      = { for i, az in local.azs : az => i }

  # AZs whose intra subnets hold the interface endpoints' ENIs: the first
  # interface_endpoint_az_count of local.azs (all of them by default). The
  # intra subnets themselves stay in every AZ (EKS control-plane ENIs).
  endpoint_azs = slice(local.azs, 0, min(coalesce(var.interface_endpoint_az_count, length(local.azs)), length(local.azs)))

  cluster_name = coalesce(var.eks_cluster_name, var.name)

  # Interconnect mode (var.interconnect) and NAT: every Transit Gateway
  # resource (and the TGW attachment subnets) exists only with transit, the
  # two VPC peerings only with peering, the NAT gateways only with nat.
  transit = var.interconnect == "transit_gateway"
  peering = var.interconnect == "peering"
  nat     = var.nat_gateway_enabled

  vpc_roles  = ["security", "lb", "app"]
  vpc_prefix = { for role in local.vpc_roles : role => tonumber(split("/", var.vpc_cidrs[role])[1]) }

  # --- CIDR layout ---------------------------------------------------------
  # Every VPC is cut into eighths. Eighths 0-5 hold the main per-AZ subnet of
  # the VPC (AZ i uses eighth i), eighth 6 is spare (in the security VPC it
  # holds the /27 Client VPN subnets), eighth 7 holds the small subnets (/28
  # Transit Gateway attachment subnets; in the app VPC also the /24 intra and
  # jump-host subnets). The TGW attachment ranges stay reserved in peering
  # mode (their subnets are not created), so switching modes never renumbers.

  # Security VPC: bastions; /27 Client VPN association subnets (the VPN ENIs,
  # kept apart so that a rule naming a bastion subnet never admits VPN
  # addresses); /28 TGW attachment subnets.
  security_private_cidrs = { for az, i in local.az_index : az => cidrsubnet(var.vpc_cidrs.security, 3, i) }
  security_tgw_cidrs     = { for az, i in local.az_index : az => cidrsubnet(cidrsubnet(var.vpc_cidrs.security, 3, 7), 25 - local.vpc_prefix.security, i) }
  # Eighth 6 holds 4 /27s in a /22, 8 in a /21, ...; a precondition on the
  # security VPC rejects more AZs than that (the filter keeps cidrsubnet from
  # failing first with a less helpful message).
  security_vpn_capacity = pow(2, 24 - local.vpc_prefix.security)
  security_vpn_cidrs = {
    for az, i in local.az_index : az => cidrsubnet(cidrsubnet(var.vpc_cidrs.security, 3, 6), 24 - local.vpc_prefix.security, i)
    if i < local.security_vpn_capacity
  }

  # LB VPC: public subnets (NLB, NAT gateways); /28 TGW attachment subnets.
  lb_public_cidrs = { for az, i in local.az_index : az => cidrsubnet(var.vpc_cidrs.lb, 3, i) }
  lb_tgw_cidrs    = { for az, i in local.az_index : az => cidrsubnet(cidrsubnet(var.vpc_cidrs.lb, 3, 7), 25 - local.vpc_prefix.lb, i) }

  # App VPC: node/pod subnets of 1/8 of the VPC each (/19 in a /16). Eighth 7
  # is cut into /24s: 0-5 intra (EKS control-plane ENIs, interface endpoints),
  # the second-to-last is the jump-host block (one /28 per AZ), the last holds
  # the /28 TGW attachment subnets.
  app_private_cidrs = { for az, i in local.az_index : az => cidrsubnet(var.vpc_cidrs.app, 3, i) }
  app_infra_block   = cidrsubnet(var.vpc_cidrs.app, 3, 7)
  app_slash24_bits  = 21 - local.vpc_prefix.app
  app_intra_cidrs   = { for az, i in local.az_index : az => cidrsubnet(local.app_infra_block, local.app_slash24_bits, i) }
  app_jump_block    = cidrsubnet(local.app_infra_block, local.app_slash24_bits, pow(2, local.app_slash24_bits) - 2)
  app_tgw_block     = cidrsubnet(local.app_infra_block, local.app_slash24_bits, pow(2, local.app_slash24_bits) - 1)
  app_jump_cidrs    = { for az, i in local.az_index : az => cidrsubnet(local.app_jump_block, 4, i) }
  app_tgw_cidrs     = { for az, i in local.az_index : az => cidrsubnet(local.app_tgw_block, 4, i) }

  rfc1918 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]

  tags = merge(var.tags, { "terraform-module" = "network" })
}

resource "aws_vpc" "security" {
  cidr_block           = var.vpc_cidrs.security
  enable_dns_support   = true
  enable_dns_hostnames = true
  instance_tenancy     = "default"

  tags = merge(local.tags, { Name = "${var.name}-security", "network/role" = "security" })

  lifecycle {
    precondition {
      condition     = length(local.azs) == var.az_count
      error_message = "The region offers fewer available Availability Zones than az_count; lower az_count or set azs."
    }

    precondition {
      condition     = var.az_count <= local.security_vpn_capacity
      error_message = "The security VPC is too small for a /27 Client VPN subnet in every AZ: a /22 holds 4 AZs; use vpc_cidrs.security of /21 or larger for 5-6 AZs, or lower az_count."
    }
  }
}

resource "aws_vpc" "lb" {
  cidr_block           = var.vpc_cidrs.lb
  enable_dns_support   = true
  enable_dns_hostnames = true
  instance_tenancy     = "default"

  tags = merge(local.tags, { Name = "${var.name}-lb", "network/role" = "lb" })
}

resource "aws_vpc" "app" {
  cidr_block           = var.vpc_cidrs.app
  enable_dns_support   = true
  enable_dns_hostnames = true
  instance_tenancy     = "default"

  tags = merge(local.tags, { Name = "${var.name}-app", "network/role" = "app" })
}

locals {
  vpc_ids = {
    security = aws_vpc.security.id
    lb       = aws_vpc.lb.id
    app      = aws_vpc.app.id
  }
}

# Lock down each VPC's default security group: no rules, so nothing placed in
# it by accident can talk to anything.
resource "aws_default_security_group" "this" {
  for_each = toset(local.vpc_roles)

  vpc_id  = local.vpc_ids[each.key]
  ingress = []
  egress  = []

  tags = merge(local.tags, { Name = "${var.name}-${each.key}-default-deny" })
}
