output "operator_path" {
  description = "How operators reach the jump host's SSH: \"client_vpn\" (Client VPN, then a bastion) or \"instance_connect_endpoint\" (EC2 Instance Connect Endpoint tunnel)."
  value       = var.operator_path
}

output "instance_connect_endpoint_id" {
  description = "EC2 Instance Connect Endpoint id (eice-...) for `aws ec2-instance-connect open-tunnel --instance-connect-endpoint-id`. Null with operator_path \"client_vpn\"."
  value       = one(aws_ec2_instance_connect_endpoint.this[*].id)
}

output "instance_connect_endpoint_security_group_id" {
  description = "Security group of the EC2 Instance Connect Endpoint (no ingress; egress only TCP 22 to the jump host's security group). Null with operator_path \"client_vpn\"."
  value       = one(aws_security_group.instance_connect_endpoint[*].id)
}

output "operator_tunnel_policy_arn" {
  description = "IAM managed policy to attach to the operators' permission set or role: ec2-instance-connect:OpenTunnel on this endpoint only, to port 22 of the jump-host subnets only, for at most instance_connect_max_tunnel_seconds, plus the read-only Describe calls the AWS CLI needs. Attached to nobody by this module. Null with operator_path \"client_vpn\"."
  value       = one(aws_iam_policy.operator_tunnel[*].arn)
}

output "client_vpn_endpoint_id" {
  description = "Client VPN endpoint id (download the client configuration with `aws ec2 export-client-vpn-client-configuration`). Null with operator_path \"instance_connect_endpoint\"."
  value       = one(aws_ec2_client_vpn_endpoint.this[*].id)
}

output "client_vpn_dns_name" {
  description = "DNS name of the Client VPN endpoint. Null with operator_path \"instance_connect_endpoint\"."
  value       = one(aws_ec2_client_vpn_endpoint.this[*].dns_name)
}

output "client_vpn_association_azs" {
  description = "AZs whose Client VPN subnets the endpoint is associated with (empty while vpn_enabled is false, and with operator_path \"instance_connect_endpoint\")."
  value       = local.vpn_azs
}

output "client_vpn_enabled" {
  description = "Whether the Client VPN endpoint is associated (operators can connect). False: the endpoint exists but is idle, or (operator_path \"instance_connect_endpoint\") there is none."
  value       = local.client_vpn && var.vpn_enabled
}

output "client_vpn_association_subnet_ids" {
  description = "Subnets (the dedicated Client VPN subnets) the endpoint is associated with, by AZ. Empty with operator_path \"instance_connect_endpoint\"."
  value       = { for az in local.vpn_azs : az => var.vpn_subnets[az].id }
}

output "client_vpn_authorized_cidrs" {
  description = "The only networks VPN clients are authorised to reach: the bastion subnets. Empty with operator_path \"instance_connect_endpoint\"."
  value       = sort(distinct([for r in aws_ec2_client_vpn_authorization_rule.bastions : r.target_network_cidr]))
}

output "client_vpn_authentication_mode" {
  description = "Client VPN authentication: certificate, federated or certificate-and-federated. Null with operator_path \"instance_connect_endpoint\"."
  value       = local.client_vpn ? var.vpn_authentication_mode : null
}

output "client_vpn_authorization_rules" {
  description = "Every Client VPN authorization rule: { cidr, group } with group null when the rule admits every authenticated client (certificate mode). Empty with operator_path \"instance_connect_endpoint\"."
  value       = [for k in sort(keys(local.vpn_authorization_rules)) : { cidr = local.vpn_authorization_rules[k].cidr, group = local.vpn_authorization_rules[k].group }]
}

output "client_vpn_log_group_name" {
  description = "CloudWatch log group of the Client VPN connection logs. Null with operator_path \"instance_connect_endpoint\" (CloudTrail records the tunnels)."
  value       = one(aws_cloudwatch_log_group.vpn[*].name)
}

output "logs_kms_key_arn" {
  description = "KMS key encrypting the Client VPN connection logs. Null with operator_path \"instance_connect_endpoint\"."
  value       = one(aws_kms_key.logs[*].arn)
}

output "security_group_ids" {
  description = "Security group ids: { vpn, bastion, jump_host }; vpn and bastion are null with operator_path \"instance_connect_endpoint\" (the endpoint's group is instance_connect_endpoint_security_group_id)."
  value = {
    vpn       = one(aws_security_group.vpn[*].id)
    bastion   = one(aws_security_group.bastion[*].id)
    jump_host = aws_security_group.jump_host.id
  }
}

output "security_group_rules" {
  description = "Every security group rule of the module, by name: { sg, direction, port, peer }. sg and \"sg:<name>\" peers name the module's groups: vpn, bastion, jump (the jump host), eic (the EC2 Instance Connect Endpoint); other peers are CIDRs or prefix lists."
  value = merge(
    { for k, r in local.ingress_rules : k => { sg = r.sg, direction = "ingress", port = r.port, peer = coalesce(r.cidr, r.prefix_list, r.source_sg == null ? null : "sg:${r.source_sg}") } },
    { for k, r in local.egress_rules : k => { sg = r.sg, direction = "egress", port = r.port, peer = coalesce(r.cidr, r.prefix_list, r.source_sg == null ? null : "sg:${r.source_sg}") } },
  )
}

output "bastion_autoscaling_group_names" {
  description = "Bastion ASG name per AZ (one instance each). Empty with operator_path \"instance_connect_endpoint\"."
  value       = { for az, g in aws_autoscaling_group.bastion : az => g.name }
}

output "bastion_launch_template_id" {
  description = "Launch template of the bastions. Null with operator_path \"instance_connect_endpoint\"."
  value       = one(aws_launch_template.bastion[*].id)
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
  description = "Key policy statements (a JSON policy document) that a customer-managed EBS key must contain for Auto Scaling to launch the bastions (if any) and the jump host with it: use of the key and kms:CreateGrant for AWS resources by the Auto Scaling service-linked role. Merge them into the policy of ebs_kms_key_arn, or of the account's default EBS key if that is a CMK."
  value       = jsonencode(local.ebs_kms_key_policy)
}

output "key_pair_name" {
  description = "Name of the operators' key pair, or null when EC2 Instance Connect is used."
  value       = local.key_name
}
