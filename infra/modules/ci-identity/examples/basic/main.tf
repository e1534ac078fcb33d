# Example: CI identity for the prod account. Pull-request plans run from
# main, applies from the protected "prod" GitHub environment (required
# reviewers), image builds from main. Apply this root as an administrator: the
# apply role may not change the CI roles themselves.

module "ci_identity" {
  source = "../.."

  name              = "org-app-prod"
  github_owner      = "example-org"
  github_repository = "k8s-cluster-infra"

  plan_branches      = ["main"]
  apply_environments = ["prod"]
  build_branches     = ["main"]

  state_bucket_arn  = "arn:aws:s3:::example-org-tofu-state"
  state_key_prefix  = "k8s-cluster-infra/"
  state_kms_key_arn = "arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555"

  allowed_regions        = ["us-east-1", "us-west-2"]
  resource_name_prefixes = ["org-app"]

  ecr_repository_arn = "arn:aws:ecr:us-east-1:111122223333:repository/org-app"

  # The deploy promotes the digest staging verified: it copies it from
  # staging's registry (another account) into this one (ADR 0404).
  promotion_source_repository_arns = ["arn:aws:ecr:us-east-1:444455556666:repository/org-app"]

  tags = {
    Owner = "platform"
  }
}

output "plan_role_arn" {
  description = "role-to-assume of the plan job."
  value       = module.ci_identity.plan_role_arn
}

output "apply_role_arn" {
  description = "role-to-assume of the apply job (environment prod)."
  value       = module.ci_identity.apply_role_arn
}

output "build_role_arn" {
  description = "role-to-assume of the image build job."
  value       = module.ci_identity.build_role_arn
}
