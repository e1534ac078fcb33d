output "primary_region" {
  description = "Region of the source repository and of the replication configuration (the provider's region)."
  value       = local.primary_region
}

output "regions" {
  description = "Every region with a repository and pull-through cache rules: the primary first, then the replicas."
  value       = local.regions
}

output "registry_id" {
  description = "Registry (account) id."
  value       = local.account_id
}

output "repository_name" {
  description = "Name of the application repository (the same in every region)."
  value       = aws_ecr_repository.this[local.primary_region].name
}

output "repository_arn" {
  description = "ARN of the application repository in the primary region (CI pushes here)."
  value       = aws_ecr_repository.this[local.primary_region].arn
}

output "repository_url" {
  description = "URL of the application repository in the primary region (CI pushes here)."
  value       = aws_ecr_repository.this[local.primary_region].repository_url
}

output "repository_urls" {
  description = "URL of the application repository by region: each region's cluster pulls from its own region."
  value       = { for r, repo in aws_ecr_repository.this : r => repo.repository_url }
}

output "repository_arns" {
  description = "ARN of the application repository by region."
  value       = { for r, repo in aws_ecr_repository.this : r => repo.arn }
}

output "kms_key_arn" {
  description = "KMS key of the repositories in the primary region."
  value       = local.kms_key_arns[local.primary_region]
}

output "kms_key_arns" {
  description = "KMS key of the repositories (and of the cache repositories) by region."
  value       = local.kms_key_arns
}

output "replication_destinations" {
  description = "Regions the primary repository replicates to (empty: no replication configuration)."
  value       = var.replica_regions
}

output "pull_through_prefixes" {
  description = "Enabled pull-through cache prefixes and their upstream registries: { \"ecr-public\" = \"public.ecr.aws\", \"k8s\" = \"registry.k8s.io\", \"ghcr\" = \"ghcr.io\" } (disabled ones left out)."
  value       = local.cache_prefixes
}

output "pull_through_image_prefixes" {
  description = "Image name prefix to use instead of each upstream registry, by region: { <region> = { <prefix> = \"<account>.dkr.ecr.<region>.amazonaws.com/<prefix>\" } }. E.g. registry.k8s.io/coredns/coredns becomes <that k8s value>/coredns/coredns."
  value = {
    for r in local.regions : r => {
      for p in keys(local.cache_prefixes) : p => "${local.account_id}.dkr.ecr.${r}.${local.partition == "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com"}/${p}"
    }
  }
}

output "pull_through_repository_arns" {
  description = "ARN patterns of the cache repositories (arn:aws:ecr:<region>:<account>:repository/<prefix>/*): the resources on which node roles need ecr:BatchImportUpstreamImage and ecr:CreateRepository so the first pull of an image can fill the cache."
  value       = local.cache_repository_arns
}

output "creation_template_role_arn" {
  description = "Role ECR assumes to create cache repositories from the creation templates (null when no cache rule is enabled)."
  value       = try(aws_iam_role.creation_template[0].arn, null)
}
