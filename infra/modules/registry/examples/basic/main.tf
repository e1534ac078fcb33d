# Example: the org-app registry of a production account, primary in the
# provider's region (us-east-1) and replicated to us-west-2, with the
# pull-through caches the no-egress app VPCs pull platform images through.

module "registry" {
  source = "../.."

  name            = "org-app-prod"
  repository_name = "org-app"
  replica_regions = ["us-west-2"]

  # Keep the newest 50 CI releases (tags sha-<commit>); their untagged
  # signatures, attestations and platform manifests stay with them.
  max_image_count      = 50
  release_tag_patterns = ["sha-*"]

  # The EKS node roles of both regions (names from modules/eks) and the CI
  # apply role, which verifies the signature of what it promoted here.
  pull_principal_arns = [
    "arn:aws:iam::111122223333:role/org-app-prod-use1-node",
    "arn:aws:iam::111122223333:role/org-app-prod-usw2-node",
    "arn:aws:iam::111122223333:role/org-app-prod-ci-apply",
  ]

  # The next environment's CI apply role (another account) copies promoted
  # digests from here (ADR 0404); e.g. in staging, prod's apply role.
  promotion_pull_principal_arns = ["arn:aws:iam::444455556666:role/org-app-prod-ci-apply"]

  enable_ecr_public_cache = true
  enable_k8s_cache        = true
  enable_ghcr_cache       = true
  ghcr_credential_arns = {
    "us-east-1" = "arn:aws:secretsmanager:us-east-1:111122223333:secret:ecr-pullthroughcache/ghcr-Ab12Cd"
    "us-west-2" = "arn:aws:secretsmanager:us-west-2:111122223333:secret:ecr-pullthroughcache/ghcr-Ab12Cd"
  }

  tags = {
    Owner = "platform"
  }
}

output "repository_url" {
  description = "Where CI pushes org-app images."
  value       = module.registry.repository_url
}

output "repository_urls" {
  description = "Where each region's cluster pulls org-app from."
  value       = module.registry.repository_urls
}

output "pull_through_image_prefixes" {
  description = "Registry paths that replace public.ecr.aws, registry.k8s.io and ghcr.io, by region."
  value       = module.registry.pull_through_image_prefixes
}
