# Example: operator access for one region, wired to modules/network.
# The certificates are imported into ACM beforehand (see the module README).

module "network" {
  source = "../../../network"

  name = "example-use1"
  vpc_cidrs = {
    security = "10.10.0.0/20"
    lb       = "10.20.0.0/20"
    app      = "10.100.0.0/16"
  }
}

module "access" {
  source = "../.."

  name            = "example-use1"
  vpc_cidrs       = module.network.vpc_cidrs
  security_vpc_id = module.network.vpc_ids.security
  app_vpc_id      = module.network.vpc_ids.app

  bastion_subnets   = module.network.subnets.security_private
  jump_host_subnets = module.network.subnets.app_jump

  # Narrow the jump host's HTTPS to the EKS control-plane ENIs and the VPC
  # endpoints (both in the intra subnets).
  jump_host_https_egress_cidrs = [for s in values(module.network.subnets.app_intra) : s.cidr_block]

  client_cidr_block                 = "10.200.0.0/22"
  server_certificate_arn            = "arn:aws:acm:us-east-1:111122223333:certificate/11111111-2222-3333-4444-555555555555"
  client_root_certificate_chain_arn = "arn:aws:acm:us-east-1:111122223333:certificate/66666666-7777-8888-9999-000000000000"
  vpn_association_count             = 2

  # null: EC2 Instance Connect (no long-lived key on the instances).
  ssh_public_key  = null
  eks_cluster_arn = "arn:aws:eks:us-east-1:111122223333:cluster/example-use1"

  tags = {
    Owner = "platform"
  }
}

output "client_vpn_endpoint_id" {
  description = "Client VPN endpoint to export the client configuration from."
  value       = module.access.client_vpn_endpoint_id
}

output "jump_host_role_arn" {
  description = "Role to give an EKS access entry."
  value       = module.access.jump_host_role_arn
}

output "security_group_rules" {
  description = "Every access rule, by name."
  value       = module.access.security_group_rules
}
