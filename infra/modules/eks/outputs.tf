output "cluster_name" {
  description = "Name of the EKS cluster."
  value       = aws_eks_cluster.this.name
}

output "cluster_arn" {
  description = "ARN of the EKS cluster."
  value       = aws_eks_cluster.this.arn
}

output "cluster_version" {
  description = "Kubernetes minor version of the control plane."
  value       = aws_eks_cluster.this.version
}

output "cluster_endpoint" {
  description = "Private endpoint of the Kubernetes API (reachable only from inside the app VPC: jump host, nodes, CI runners)."
  value       = aws_eks_cluster.this.endpoint
}

output "cluster_certificate_authority_data" {
  description = "Base64 CA certificate of the Kubernetes API, for kubeconfig."
  value       = try(aws_eks_cluster.this.certificate_authority[0].data, null)
}

output "cluster_oidc_issuer_url" {
  description = "OIDC issuer of the cluster's ServiceAccount tokens (Pod Identity needs no IAM OIDC provider; this is for other relying parties)."
  value       = try(aws_eks_cluster.this.identity[0].oidc[0].issuer, null)
}

output "cluster_security_group_id" {
  description = "The module's security group on the control-plane ENIs (443 from the jump host, CI runners and nodes)."
  value       = aws_security_group.cluster.id
}

output "eks_managed_cluster_security_group_id" {
  description = "The security group EKS creates and puts on the control-plane ENIs (not on the nodes)."
  value       = try(aws_eks_cluster.this.vpc_config[0].cluster_security_group_id, null)
}

output "node_security_group_id" {
  description = "Security group of every node and pod."
  value       = aws_security_group.node.id
}

output "security_group_rules" {
  description = "Every rule of the module's security groups, by name: { sg, direction, protocol, from_port, to_port, peer }. Peers are CIDRs, prefix lists, \"sg:<cluster|node>\" or \"sg:<id>\" of an api_client_security_group_ids group."
  value = merge(
    { for k, r in local.ingress_rules : k => { sg = r.sg, direction = "ingress", protocol = r.protocol, from_port = r.from, to_port = r.to, peer = coalesce(r.cidr, r.prefix_list, r.peer_sg == null ? null : "sg:${r.peer_sg}") } },
    { for k, r in local.egress_rules : k => { sg = r.sg, direction = "egress", protocol = r.protocol, from_port = r.from, to_port = r.to, peer = coalesce(r.cidr, r.prefix_list, r.peer_sg == null ? null : "sg:${r.peer_sg}") } },
  )
}

output "node_group_names" {
  description = "Managed node group name by group key: the AZ (node_group_layout = \"per_az\", e.g. \"us-east-1a\") or \"spanning\" (the one group over every AZ)."
  value       = { for k, ng in aws_eks_node_group.this : k => ng.node_group_name }
}

output "node_group_autoscaling_group_names" {
  description = "Auto Scaling group name behind each node group, by the keys of node_group_names (tagged k8s.io/cluster-autoscaler/<cluster> = owned)."
  value       = { for k, ng in aws_eks_node_group.this : k => try(ng.resources[0].autoscaling_groups[0].name, null) }
}

output "node_min_size_total" {
  description = "Nodes the node groups never go below, all groups together: node_min_size_per_az times the number of node subnets (\"per_az\") or spanning_node_group_size.min_size (\"spanning\"). The floor of the stack's \"ready nodes below minimum\" alarm."
  value       = local.node_min_size_total
}

output "node_launch_template_id" {
  description = "Launch template of every node group."
  value       = aws_launch_template.node.id
}

output "node_role_arn" {
  description = "IAM role of the nodes (EKS gives it an EC2_LINUX access entry itself)."
  value       = aws_iam_role.node.arn
}

output "cluster_role_arn" {
  description = "IAM role of the EKS control plane."
  value       = aws_iam_role.cluster.arn
}

output "kms_key_arn" {
  description = "KMS key encrypting Kubernetes secrets and the module's log groups."
  value       = aws_kms_key.this.arn
}

output "kms_key_alias" {
  description = "Alias of the KMS key (alias/eks/<name>-<key id prefix>)."
  value       = aws_kms_alias.this.name
}

output "cluster_log_group_name" {
  description = "Control-plane log group (/aws/eks/<name>/cluster)."
  value       = aws_cloudwatch_log_group.cluster.name
}

output "container_insights_log_group_names" {
  description = "Container Insights log groups (empty when enable_cloudwatch_observability is false)."
  value       = sort([for g in aws_cloudwatch_log_group.container_insights : g.name])
}

output "pod_identity_role_arns" {
  description = "IAM role of each Pod Identity ServiceAccount, by \"<namespace>/<service account>\"."
  value       = { for k, id in local.pod_identities : "${id.namespace}/${id.service_account}" => aws_iam_role.pod[k].arn }
}

output "addon_versions" {
  description = "Installed version of each managed add-on, by add-on name."
  value       = merge({ for k, a in aws_eks_addon.before_compute : k => a.addon_version }, { for k, a in aws_eks_addon.after_compute : k => a.addon_version })
}

output "access_entry_principal_arns" {
  description = "IAM principals with an access entry (operators and the CI deploy role)."
  value       = sort(keys(aws_eks_access_entry.this))
}
