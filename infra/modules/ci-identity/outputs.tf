output "oidc_provider_arn" {
  description = "ARN of the GitHub Actions OIDC provider (created here or passed in)."
  value       = local.oidc_provider_arn
}

output "plan_role_arn" {
  description = "Plan role: set as role-to-assume in the plan job (aws-actions/configure-aws-credentials)."
  value       = aws_iam_role.ci["plan"].arn
}

output "apply_role_arn" {
  description = "Apply role: set as role-to-assume in the apply job of a protected environment."
  value       = aws_iam_role.ci["apply"].arn
}

output "build_role_arn" {
  description = "Image build role (ECR push to ecr_repository_arn), or null when ecr_repository_arn is null."
  value       = var.ecr_repository_arn == null ? null : aws_iam_role.ci["build"].arn
}

output "role_names" {
  description = "Role name by purpose: { plan, apply[, build] }."
  value       = { for k, r in aws_iam_role.ci : k => r.name }
}

output "trusted_subjects" {
  description = "The exact OIDC subjects each role trusts: { plan, apply, build } → [\"repo:<owner>/<repo>:ref:refs/heads/<branch>\" | \"repo:<owner>/<repo>:environment:<env>\", ...]."
  value       = { for k in keys(local.roles) : k => local.subjects[k] }
}
