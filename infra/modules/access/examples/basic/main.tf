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

  bastion_subnets           = module.network.subnets.security_private
  vpn_subnets               = module.network.subnets.security_vpn
  jump_host_subnets         = module.network.subnets.app_jump
  eks_control_plane_subnets = module.network.subnets.app_intra

  # The jump host forwards only to the cluster's private API endpoint
  # (module.eks.cluster_endpoint in the regional stack).
  eks_cluster_endpoint = "https://0123456789ABCDEF0123456789ABCDEF.gr7.us-east-1.eks.amazonaws.com"

  # A device certificate and the person's IAM Identity Center login; only the
  # operators' group may reach the bastions.
  vpn_authentication_mode           = "certificate-and-federated"
  client_cidr_block                 = "10.200.0.0/22"
  server_certificate_arn            = "arn:aws:acm:us-east-1:111122223333:certificate/11111111-2222-3333-4444-555555555555"
  client_root_certificate_chain_arn = "arn:aws:acm:us-east-1:111122223333:certificate/66666666-7777-8888-9999-000000000000"
  vpn_saml_provider_arn             = "arn:aws:iam::111122223333:saml-provider/example-client-vpn"
  vpn_authorized_group_ids          = ["a1b2c3d4-0000-1111-2222-333344445555"]
  vpn_association_count             = 2

  # null: EC2 Instance Connect (no long-lived key on the instances).
  ssh_public_key = null

  tags = {
    Owner = "platform"
  }
}

output "client_vpn_endpoint_id" {
  description = "Client VPN endpoint to export the client configuration from."
  value       = module.access.client_vpn_endpoint_id
}

output "jump_host_security_group_id" {
  description = "Admit it on TCP 443 in the EKS cluster security group."
  value       = module.access.jump_host_security_group_id
}

output "ebs_kms_key_policy_json" {
  description = "Statements a customer-managed EBS key needs for Auto Scaling."
  value       = module.access.ebs_kms_key_policy_json
}

output "security_group_rules" {
  description = "Every access rule, by name."
  value       = module.access.security_group_rules
}
