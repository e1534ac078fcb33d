output "client_vpn_endpoint_id" {
  description = "Client VPN endpoint id (download the client configuration with `aws ec2 export-client-vpn-client-configuration`)."
  value       = aws_ec2_client_vpn_endpoint.this.id
}

output "client_vpn_dns_name" {
  description = "DNS name of the Client VPN endpoint."
  value       = aws_ec2_client_vpn_endpoint.this.dns_name
}

output "client_vpn_association_azs" {
  description = "AZs (bastion subnets) the Client VPN endpoint is associated with."
  value       = local.vpn_azs
}

output "client_vpn_authorized_cidrs" {
  description = "The only networks VPN clients are authorised to reach: the bastion subnets."
  value       = sort([for r in aws_ec2_client_vpn_authorization_rule.bastions : r.target_network_cidr])
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

output "jump_host_role_arn" {
  description = "IAM role of the jump host: give it an EKS access entry (modules/eks) for the Kubernetes permissions operators need."
  value       = aws_iam_role.jump_host.arn
}

output "jump_host_role_name" {
  description = "Name of the jump host IAM role."
  value       = aws_iam_role.jump_host.name
}

output "jump_host_security_group_id" {
  description = "Security group of the jump host: allow it on 443 in the EKS cluster security group."
  value       = aws_security_group.jump_host.id
}

output "key_pair_name" {
  description = "Name of the operators' key pair, or null when EC2 Instance Connect is used."
  value       = local.key_name
}
