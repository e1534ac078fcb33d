# Example: the dev variant of docs/cost.md ("Dev: what would reach $250"): the
# VPCs joined by two VPC peerings (lb <-> app, security <-> app) instead of a
# Transit Gateway, and no NAT gateway (through a peering nothing could use it).
# The app VPC still reaches AWS through its endpoints; the bastions patch
# through their S3 gateway endpoint only.

module "network" {
  source = "../.."

  name     = "example-dev-use1"
  az_count = 2
  vpc_cidrs = {
    security = "10.11.0.0/20"
    lb       = "10.21.0.0/20"
    app      = "10.101.0.0/16"
  }

  interconnect        = "peering"
  nat_gateway_enabled = false
  app_internet_egress = false # not allowed with peering
  eks_cluster_name    = "example-dev-use1"

  interface_endpoint_az_count = 1

  tags = {
    Owner = "platform"
  }
}

output "peering_connection_ids" {
  description = "The two peerings: { lb_app, security_app }."
  value       = module.network.peering_connection_ids
}

output "vpc_routes_to_peers" {
  description = "The prefixes each route table sends through a peering: the allowed flows."
  value       = module.network.vpc_routes_to_peers
}

output "vpc_endpoint_cidrs" {
  description = "Subnets of the interface endpoints, for the chart's NetworkPolicy egress."
  value       = module.network.vpc_endpoint_cidrs
}
