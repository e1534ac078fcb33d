output "project_name" {
  description = "CodeBuild project the deploy job starts builds of (aws codebuild start-build --project-name)."
  value       = aws_codebuild_project.this.name
}

output "project_arn" {
  description = "ARN of the CodeBuild project."
  value       = aws_codebuild_project.this.arn
}

output "role_arn" {
  description = "The builds' service role: the principal to give the cluster's CI access entry (eks module ci_deploy_role_arn). Built from known parts, so it is known at plan time (access entries are keyed by it); it depends on the role and its policy."
  value       = local.role_arn

  depends_on = [aws_iam_role.this, aws_iam_role_policy.this]
}

output "role_name" {
  description = "Name of the service role."
  value       = aws_iam_role.this.name
}

output "security_group_id" {
  description = "Security group of the builds' network interfaces (admit it on the cluster security group: eks module api_client_security_group_ids)."
  value       = aws_security_group.this.id
}

output "bucket_name" {
  description = "Bucket of the bundles (under bundle_prefix) and results (under results_prefix)."
  value       = aws_s3_bucket.this.id
}

output "bucket_arn" {
  description = "ARN of that bucket."
  value       = aws_s3_bucket.this.arn
}

output "bundle_prefix" {
  description = "Key prefix the deploy job uploads bundles under (the builds may only read there)."
  value       = local.bundle_prefix
}

output "results_prefix" {
  description = "Key prefix the builds write results under (the builds may only write there)."
  value       = local.results_prefix
}

output "log_group_name" {
  description = "CloudWatch Logs group of the build logs (the deploy job prints a build's stream)."
  value       = aws_cloudwatch_log_group.this.name
}

output "kms_key_arn" {
  description = "KMS key of the bucket's objects and the build logs."
  value       = aws_kms_key.this.arn
}

output "kms_key_alias" {
  description = "Alias of that key (alias/<name>-deploy-executor); the CI apply role's data-key permission is scoped by it."
  value       = aws_kms_alias.this.name
}
