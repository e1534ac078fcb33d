# Example: the network of one region, with the defaults a production region
# uses (three AZs, a NAT gateway per AZ, no internet egress from the app VPC).

module "network" {
  source = "../.."

  name     = "example-use1"
  az_count = 3
  vpc_cidrs = {
    security = "10.10.0.0/20"
    lb       = "10.20.0.0/20"
    app      = "10.100.0.0/16"
  }

  single_nat_gateway  = false
  app_internet_egress = false
  eks_cluster_name    = "example-use1"

  # Endpoint policies: only the organisation's principals, and S3 only to its
  # buckets (plus the ECR layer and Amazon Linux repository buckets).
  endpoint_organization_id = "o-exampleorg1"

  # DNS Firewall: nothing beyond the platform's own names is needed while the
  # app VPC has no internet egress.
  dns_firewall_allowed_domains = []

  tags = {
    Owner = "platform"
  }
}

output "vpc_ids" {
  description = "VPC id per role."
  value       = module.network.vpc_ids
}

output "transit_gateway_routes" {
  description = "The TGW routes of each role: the allowed flows."
  value       = module.network.transit_gateway_routes
}

output "nat_public_ips" {
  description = "The region's egress addresses."
  value       = module.network.nat_public_ips
}

output "vpc_endpoint_cidrs" {
  description = "Subnets of the interface endpoints, for the chart's NetworkPolicy egress."
  value       = module.network.vpc_endpoint_cidrs
}

output "nat_gateway_id_for_az" {
  description = "The NAT gateway each AZ leaves through."
  value       = module.network.nat_gateway_id_for_az
}
