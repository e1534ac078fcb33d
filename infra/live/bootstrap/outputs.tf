output "state_bucket_name" {
  description = "Bucket for every root's backend \"s3\" block (bucket = ...)."
  value       = aws_s3_bucket.state.id
}

output "state_bucket_arn" {
  description = "ARN of the state bucket, for the CI roles' policies (modules/ci-identity)."
  value       = aws_s3_bucket.state.arn
}

output "state_kms_key_arn" {
  description = "KMS key of the state bucket: every backend sets kms_key_id to it."
  value       = aws_kms_key.state.arn
}

output "backend_hcl" {
  description = "Partial backend configuration shared by every root: `tofu output -raw backend_hcl > ../backend.hcl`, then `tofu init -backend-config=../../backend.hcl` in a root (the root sets its own key)."
  value       = <<-EOT
    bucket       = "${aws_s3_bucket.state.id}"
    region       = "${var.region}"
    encrypt      = true
    kms_key_id   = "${aws_kms_key.state.arn}"
    use_lockfile = true
  EOT
}
