output "client_vpn_endpoint_id" {
  description = "Client VPN endpoint id (download the client configuration with `aws ec2 export-client-vpn-client-configuration`)."
  value       = aws_ec2_client_vpn_endpoint.this.id
}

output "client_vpn_dns_name" {
  description = "DNS name of the Client VPN endpoint."
  value       = aws_ec2_client_vpn_endpoint.this.dns_name
}

output "client_vpn_association_azs" {
  description = "AZs whose Client VPN subnets the endpoint is associated with (empty while vpn_enabled is false)."
  value       = local.vpn_azs
}

output "client_vpn_enabled" {
  description = "Whether the Client VPN endpoint is associated (operators can connect). False: the endpoint exists but is idle."
  value       = var.vpn_enabled
}

output "client_vpn_association_subnet_ids" {
  description = "Subnets (the dedicated Client VPN subnets) the endpoint is associated with, by AZ."
  value       = { for az in local.vpn_azs : az => var.vpn_subnets[az].id }
}

output "client_vpn_authorized_cidrs" {
  description = "The only networks VPN clients are authorised to reach: the bastion subnets."
  value       = sort(distinct([for r in aws_ec2_client_vpn_authorization_rule.bastions : r.target_network_cidr]))
}

output "client_vpn_authentication_mode" {
  description = "Client VPN authentication: certificate, federated or certificate-and-federated."
  value       = var.vpn_authentication_mode
}

output "client_vpn_authorization_rules" {
  description = "Every Client VPN authorization rule: { cidr, group } with group null when the rule admits every authenticated client (certificate mode)."
  value       = [for k in sort(keys(local.vpn_authorization_rules)) : { cidr = local.vpn_authorization_rules[k].cidr, group = local.vpn_authorization_rules[k].group }]
}

output "client_vpn_log_group_name" {
  description = "CloudWatch log group of the Client VPN connection logs."
  value       = aws_cloudwatch_log_group.vpn.name
}

output "logs_kms_key_arn" {
  description = "KMS key encrypting the Client VPN connection logs."
  value       = aws_kms_key.logs.arn
}

output "security_group_ids" {
  description = "Security group ids: { vpn, bastion, jump_host }."
  value = {
    vpn       = aws_security_group.vpn.id
    bastion   = aws_security_group.bastion.id
    jump_host = aws_security_group.jump_host.id
  }
}

output "security_group_rules" {
  description = "Every security group rule of the module, by name: { sg, direction, port, peer }. Peers are CIDRs, prefix lists or \"sg:<name>\"."
  value = merge(
    { for k, r in local.ingress_rules : k => { sg = r.sg, direction = "ingress", port = r.port, peer = coalesce(r.cidr, r.prefix_list, r.source_sg == null ? null : "sg:${r.source_sg}") } },
    { for k, r in local.egress_rules : k => { sg = r.sg, direction = "egress", port = r.port, peer = coalesce(r.cidr, r.prefix_list, r.source_sg == null ? null : "sg:${r.source_sg}") } },
  )
}

output "bastion_autoscaling_group_names" {
  description = "Bastion ASG name per AZ (one instance each)."
  value       = { for az, g in aws_autoscaling_group.bastion : az => g.name }
}

output "bastion_launch_template_id" {
  description = "Launch template of the bastions."
  value       = aws_launch_template.bastion.id
}

output "jump_host_autoscaling_group_name" {
  description = "ASG of the jump host (one instance)."
  value       = aws_autoscaling_group.jump_host.name
}

output "jump_host_launch_template_id" {
  description = "Launch template of the jump host."
  value       = aws_launch_template.jump_host.id
}

output "jump_host_security_group_id" {
  description = "Security group of the jump host: the EKS module admits it on TCP 443 in the cluster security group (the operators' port forwards to the private API endpoint). The jump host has no IAM role and gets no EKS access entry."
  value       = aws_security_group.jump_host.id
}

output "jump_host_https_egress_cidrs" {
  description = "Where the jump host may open TCP 443 (the port-forward destinations): the EKS control-plane subnets unless jump_host_https_egress_cidrs was set."
  value       = local.jump_host_https_egress_cidrs
}

output "jump_host_permit_open" {
  description = "The jump host's sshd PermitOpen: <API endpoint host>:443 when eks_cluster_endpoint is set, else *:443."
  value       = local.jump_host_permit_open
}

output "ebs_kms_key_policy_json" {
  description = "Key policy statements (a JSON policy document) that a customer-managed EBS key must contain for Auto Scaling to launch the bastions and the jump host with it: use of the key and kms:CreateGrant for AWS resources by the Auto Scaling service-linked role. Merge them into the policy of ebs_kms_key_arn, or of the account's default EBS key if that is a CMK."
  value       = jsonencode(local.ebs_kms_key_policy)
}

output "key_pair_name" {
  description = "Name of the operators' key pair, or null when EC2 Instance Connect is used."
  value       = local.key_name
}
