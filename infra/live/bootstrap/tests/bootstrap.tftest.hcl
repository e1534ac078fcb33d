# The state bucket planned against OpenTofu's mock provider: what this root
# decides about encryption, versioning, public access, TLS and retention.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:us-east-1:123456789012:key/state" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::org-app-tfstate-123456789012-us-east-1" }
  }
}

run "defaults_name_the_bucket_after_the_account_and_region" {
  command = plan

  assert {
    condition     = aws_s3_bucket.state.bucket == "org-app-tfstate-123456789012-us-east-1"
    error_message = "default bucket name must be org-app-tfstate-<account>-<region>"
  }

  assert {
    condition     = aws_kms_alias.state.name == "alias/org-app-tfstate-123456789012-us-east-1"
    error_message = "the KMS alias must be derived from the (globally unique) bucket name"
  }
}

run "state_is_encrypted_versioned_private_and_tls_only" {
  command = plan

  variables {
    state_bucket_name = "acme-tfstate"
  }

  assert {
    condition     = aws_kms_key.state.enable_key_rotation
    error_message = "the state key must rotate"
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.state.rule).apply_server_side_encryption_by_default).sse_algorithm == "aws:kms"
    error_message = "state objects must be encrypted with SSE-KMS"
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.state.rule).apply_server_side_encryption_by_default).kms_master_key_id == aws_kms_key.state.arn
    error_message = "state objects must be encrypted with the state key"
  }

  assert {
    condition     = one(aws_s3_bucket_versioning.state.versioning_configuration).status == "Enabled"
    error_message = "state must be versioned"
  }

  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.state.block_public_acls,
      aws_s3_bucket_public_access_block.state.block_public_policy,
      aws_s3_bucket_public_access_block.state.ignore_public_acls,
      aws_s3_bucket_public_access_block.state.restrict_public_buckets,
    ])
    error_message = "every public access block setting must be on"
  }

  assert {
    condition     = one(aws_s3_bucket_ownership_controls.state.rule).object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs must be disabled (BucketOwnerEnforced)"
  }

  assert {
    condition     = one(aws_s3_bucket_lifecycle_configuration.state.rule).noncurrent_version_expiration[0].noncurrent_days == 90
    error_message = "superseded state versions must be kept 90 days by default"
  }
}

run "bucket_policy_denies_plain_http_and_foreign_keys" {
  command = plan

  variables {
    state_bucket_name = "acme-tfstate"
  }

  assert {
    condition = contains([
      for s in data.aws_iam_policy_document.state_bucket.statement : s.sid
      if s.effect == "Deny" && s.actions == toset(["s3:*"]) && anytrue([
        for c in s.condition : c.test == "Bool" && c.variable == "aws:SecureTransport" && c.values == tolist(["false"])
      ])
    ], "DenyInsecureTransport")
    error_message = "the bucket policy must deny every request without TLS (aws:SecureTransport = false)"
  }

  assert {
    condition = contains([
      for s in data.aws_iam_policy_document.state_bucket.statement : s.sid
      if s.effect == "Deny" && anytrue([
        for c in s.condition : c.variable == "s3:x-amz-server-side-encryption-aws-kms-key-id" && c.test == "StringNotEqualsIfExists"
      ])
    ], "DenyObjectsNotEncryptedWithTheStateKey")
    error_message = "the bucket policy must deny objects written with another KMS key"
  }
}

run "bad_inputs_are_rejected" {
  command = plan

  variables {
    state_bucket_name                 = "Bad_Bucket"
    region                            = "eu-west-1"
    noncurrent_version_retention_days = 1
    state_admin_role_arns             = ["arn:aws:iam::123456789012:user/alice"]
  }

  expect_failures = [
    var.state_bucket_name,
    var.region,
    var.noncurrent_version_retention_days,
    var.state_admin_role_arns,
  ]
}
