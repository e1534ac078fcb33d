# modules/deploy-executor planned against OpenTofu's mock provider (offline).
# Every assertion is on a value the module decides. Policies are decoded with
# jsondecode and checked statement by statement. Security group rules are
# compared as exact sets of "<from>/<to> <protocol> <peer>" strings, the peer
# being the argument the rule sets (cidr=, pl= or sg=).

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { region = "us-east-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
}

override_resource {
  target = aws_security_group.this
  values = { id = "sg-executor" }
}
override_resource {
  target = aws_s3_bucket.this
  values = {
    id  = "org-app-dev-use1-deploy-123456789012"
    arn = "arn:aws:s3:::org-app-dev-use1-deploy-123456789012"
  }
}
override_resource {
  target = aws_kms_key.this
  values = {
    arn    = "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-1111-2222-3333-444455556666"
    key_id = "0a1b2c3d-1111-2222-3333-444455556666"
  }
}
override_resource {
  target = aws_iam_role.this
  values = { arn = "arn:aws:iam::123456789012:role/org-app-dev-use1-deploy-executor" }
}

variables {
  name                      = "org-app-dev-use1"
  vpc_id                    = "vpc-0123456789abcdef0"
  vpc_cidr                  = "10.100.0.0/16"
  subnet_ids                = ["subnet-0aaa1", "subnet-0bbb2"]
  vpc_endpoint_cidrs        = ["10.100.96.0/24", "10.100.97.0/24"]
  s3_prefix_list_id         = "pl-63a5400a"
  cluster_security_group_id = "sg-0cluster1"
  ecr_repository_names      = ["org-app"]
  ecr_pull_through_prefixes = ["ecr-public", "k8s", "ghcr"]
}

run "project" {
  command = plan

  assert {
    condition     = aws_codebuild_project.this.name == "org-app-dev-use1-deploy" && output.project_name == "org-app-dev-use1-deploy"
    error_message = "The project is <name>-deploy."
  }
  assert {
    condition = (
      aws_codebuild_project.this.environment[0].type == "LINUX_CONTAINER" &&
      aws_codebuild_project.this.environment[0].compute_type == "BUILD_GENERAL1_SMALL" &&
      aws_codebuild_project.this.environment[0].image == "aws/codebuild/amazonlinux-x86_64-standard:5.0" &&
      aws_codebuild_project.this.environment[0].image_pull_credentials_type == "CODEBUILD" &&
      aws_codebuild_project.this.environment[0].privileged_mode == false
    )
    error_message = "Linux container, small compute, the CodeBuild-managed Amazon Linux image, not privileged."
  }
  assert {
    condition     = aws_codebuild_project.this.build_timeout == 45 && aws_codebuild_project.this.queued_timeout == 15 && aws_codebuild_project.this.concurrent_build_limit == 1
    error_message = "Builds are bounded (45 min, 15 min queued) and run one at a time."
  }
  assert {
    condition = (
      aws_codebuild_project.this.source[0].type == "S3" &&
      aws_codebuild_project.this.source[0].buildspec == "deploy/buildspec.yml" &&
      aws_codebuild_project.this.source[0].location == "org-app-dev-use1-deploy-123456789012/bundles/bundle.zip"
    )
    error_message = "The source is a bundle under bundles/ of the module's bucket; the buildspec comes from the bundle."
  }
  assert {
    condition = (
      aws_codebuild_project.this.vpc_config[0].vpc_id == "vpc-0123456789abcdef0" &&
      toset(aws_codebuild_project.this.vpc_config[0].subnets) == toset(["subnet-0aaa1", "subnet-0bbb2"]) &&
      toset(aws_codebuild_project.this.vpc_config[0].security_group_ids) == toset(["sg-executor"])
    )
    error_message = "Builds run in the given private subnets with the executor's security group only."
  }
  assert {
    condition = (
      aws_codebuild_project.this.logs_config[0].cloudwatch_logs[0].status == "ENABLED" &&
      aws_codebuild_project.this.logs_config[0].cloudwatch_logs[0].group_name == "/aws/codebuild/org-app-dev-use1-deploy" &&
      aws_codebuild_project.this.logs_config[0].s3_logs[0].status == "DISABLED"
    )
    error_message = "Build logs go to the module's log group only."
  }
  assert {
    condition     = aws_codebuild_project.this.artifacts[0].type == "NO_ARTIFACTS"
    error_message = "Builds upload no artifacts (results are written under results/ by the buildspec)."
  }
  assert {
    condition     = aws_codebuild_project.this.encryption_key == aws_kms_key.this.arn
    error_message = "The project uses the module's KMS key."
  }
}

run "security_group" {
  command = plan

  assert {
    condition = toset([
      for r in aws_vpc_security_group_egress_rule.this : format("%d/%d %s %s", r.from_port, r.to_port, r.ip_protocol,
        can(cidrnetmask(r.cidr_ipv4)) ? "cidr=${r.cidr_ipv4}" : startswith(coalesce(r.prefix_list_id, "-"), "pl-") ? "pl=${r.prefix_list_id}" : "sg=${r.referenced_security_group_id}"
      )
      ]) == toset([
      "443/443 tcp cidr=10.100.96.0/24",
      "443/443 tcp cidr=10.100.97.0/24",
      "443/443 tcp sg=sg-0cluster1",
      "443/443 tcp pl=pl-63a5400a",
      "53/53 udp cidr=10.100.0.2/32",
      "53/53 tcp cidr=10.100.0.2/32",
    ])
    error_message = "Egress is HTTPS to the endpoint subnets, the cluster group and S3, and DNS to the resolver: nothing else."
  }
  assert {
    condition     = alltrue([for r in aws_vpc_security_group_egress_rule.this : r.security_group_id == "sg-executor" && try(r.cidr_ipv4 != "0.0.0.0/0", true)])
    error_message = "Every rule belongs to the executor group and none is open to the internet."
  }
  assert {
    condition     = aws_security_group.this.vpc_id == "vpc-0123456789abcdef0" && output.security_group_id == "sg-executor"
    error_message = "The group is in the given VPC and is an output."
  }
}

run "role" {
  command = plan

  assert {
    condition     = output.role_arn == "arn:aws:iam::123456789012:role/org-app-dev-use1-deploy-executor" && aws_iam_role.this.name == "org-app-dev-use1-deploy-executor"
    error_message = "The role ARN is known at plan time and names the role."
  }
  assert {
    condition = (
      jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Principal.Service == "codebuild.amazonaws.com" &&
      jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Condition.StringEquals["aws:SourceAccount"] == "123456789012" &&
      jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Condition.ArnLike["aws:SourceArn"] == "arn:aws:codebuild:us-east-1:123456789012:project/org-app-dev-use1-deploy"
    )
    error_message = "Only this account's project may assume the role."
  }
  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_role_policy.this.policy).Statement :
      s.Effect == "Allow" && alltrue([for a in flatten([s.Action]) : !startswith(a, "secretsmanager:") && a != "*" && !endswith(a, ":*") && !startswith(a, "eks:")])
    ])
    error_message = "No secretsmanager, no EKS API, no wildcard action."
  }
  assert {
    condition = (
      { for s in jsondecode(aws_iam_role_policy.this.policy).Statement : s.Sid => s.Resource }["ReadBundles"] == "arn:aws:s3:::org-app-dev-use1-deploy-123456789012/bundles/*" &&
      { for s in jsondecode(aws_iam_role_policy.this.policy).Statement : s.Sid => s.Resource }["WriteResults"] == "arn:aws:s3:::org-app-dev-use1-deploy-123456789012/results/*" &&
      { for s in jsondecode(aws_iam_role_policy.this.policy).Statement : s.Sid => s.Action }["WriteResults"] == "s3:PutObject"
    )
    error_message = "The builds read bundles/ only and write results/ only."
  }
  assert {
    condition = toset({ for s in jsondecode(aws_iam_role_policy.this.policy).Statement : s.Sid => s.Resource }["BuildLogs"]) == toset([
      "arn:aws:logs:us-east-1:123456789012:log-group:/aws/codebuild/org-app-dev-use1-deploy",
      "arn:aws:logs:us-east-1:123456789012:log-group:/aws/codebuild/org-app-dev-use1-deploy:*",
    ])
    error_message = "The builds write their own log group only."
  }
  assert {
    condition = (
      toset({ for s in jsondecode(aws_iam_role_policy.this.policy).Statement : s.Sid => try(s.Condition, null) }["VpcBuildNetworkInterfacePermission"].StringEquals["ec2:Subnet"]) == toset([
        "arn:aws:ec2:us-east-1:123456789012:subnet/subnet-0aaa1", "arn:aws:ec2:us-east-1:123456789012:subnet/subnet-0bbb2",
      ]) &&
      { for s in jsondecode(aws_iam_role_policy.this.policy).Statement : s.Sid => try(s.Condition, null) }["VpcBuildNetworkInterfacePermission"].StringEquals["ec2:AuthorizedService"] == "codebuild.amazonaws.com"
    )
    error_message = "CreateNetworkInterfacePermission is limited to the build subnets and to CodeBuild."
  }
  assert {
    condition = (
      toset({ for s in jsondecode(aws_iam_role_policy.this.policy).Statement : s.Sid => s.Resource }["EcrReadRegionRepositories"]) == toset([
        "arn:aws:ecr:us-east-1:123456789012:repository/org-app",
        "arn:aws:ecr:us-east-1:123456789012:repository/ecr-public/*",
        "arn:aws:ecr:us-east-1:123456789012:repository/k8s/*",
        "arn:aws:ecr:us-east-1:123456789012:repository/ghcr/*",
      ]) &&
      toset({ for s in jsondecode(aws_iam_role_policy.this.policy).Statement : s.Sid => s.Resource }["EcrPullThroughCacheFill"]) == toset([
        "arn:aws:ecr:us-east-1:123456789012:repository/ecr-public/*",
        "arn:aws:ecr:us-east-1:123456789012:repository/k8s/*",
        "arn:aws:ecr:us-east-1:123456789012:repository/ghcr/*",
      ])
    )
    error_message = "ECR reads are limited to this region's repository and pull-through prefixes; cache fills to the prefixes."
  }
  assert {
    condition     = { for s in jsondecode(aws_iam_role_policy.this.policy).Statement : s.Sid => s.Resource }["TheExecutorKey"] == aws_kms_key.this.arn
    error_message = "KMS use is limited to the executor's key."
  }
}

run "bucket_and_logs" {
  command = plan

  assert {
    condition     = aws_s3_bucket.this.bucket == "org-app-dev-use1-deploy-123456789012" && aws_s3_bucket.this.force_destroy == false
    error_message = "The bucket is <name>-deploy-<account>, kept on destroy unless asked."
  }
  assert {
    condition = (
      aws_s3_bucket_public_access_block.this.block_public_acls && aws_s3_bucket_public_access_block.this.block_public_policy &&
      aws_s3_bucket_public_access_block.this.ignore_public_acls && aws_s3_bucket_public_access_block.this.restrict_public_buckets
    )
    error_message = "Public access is blocked."
  }
  assert {
    condition     = aws_s3_bucket_ownership_controls.this.rule[0].object_ownership == "BucketOwnerEnforced"
    error_message = "Object ownership is enforced (no ACLs)."
  }
  assert {
    condition = (
      one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default[0].sse_algorithm == "aws:kms" &&
      one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default[0].kms_master_key_id == aws_kms_key.this.arn
    )
    error_message = "Objects are encrypted with the executor's KMS key."
  }
  assert {
    condition = (
      aws_s3_bucket_lifecycle_configuration.this.rule[0].status == "Enabled" &&
      aws_s3_bucket_lifecycle_configuration.this.rule[0].expiration[0].days == 1 &&
      aws_s3_bucket_lifecycle_configuration.this.rule[0].noncurrent_version_expiration[0].noncurrent_days == 1
    )
    error_message = "Objects expire after one day."
  }
  assert {
    condition     = length(aws_s3_bucket_versioning.this) == 0
    error_message = "Versioning is off by default."
  }
  assert {
    condition = anytrue([
      for s in jsondecode(aws_s3_bucket_policy.this.policy).Statement :
      s.Sid == "DenyInsecureTransport" && s.Effect == "Deny" && s.Condition.Bool["aws:SecureTransport"] == "false"
    ])
    error_message = "The bucket policy refuses requests without TLS."
  }
  assert {
    condition     = aws_cloudwatch_log_group.this.retention_in_days == 90 && aws_cloudwatch_log_group.this.kms_key_id == aws_kms_key.this.arn
    error_message = "The log group has a retention and the executor's KMS key."
  }
  assert {
    condition     = aws_kms_key.this.enable_key_rotation && aws_kms_alias.this.name == "alias/org-app-dev-use1-deploy-executor"
    error_message = "The key rotates and has the alias the CI role's permission names."
  }
  assert {
    condition = anytrue([
      for s in jsondecode(aws_kms_key.this.policy).Statement :
      try(s.Principal.Service, "") == "logs.us-east-1.amazonaws.com" &&
      s.Condition.ArnEquals["kms:EncryptionContext:aws:logs:arn"] == "arn:aws:logs:us-east-1:123456789012:log-group:/aws/codebuild/org-app-dev-use1-deploy"
    ])
    error_message = "CloudWatch Logs may use the key for the build log group only."
  }
}

run "versioning_and_no_ecr" {
  command = plan

  variables {
    bucket_versioning         = true
    ecr_repository_names      = []
    ecr_pull_through_prefixes = []
    compute_type              = "BUILD_GENERAL1_MEDIUM"
    build_timeout_minutes     = 30
  }

  assert {
    condition     = length(aws_s3_bucket_versioning.this) == 1 && aws_s3_bucket_versioning.this[0].versioning_configuration[0].status == "Enabled"
    error_message = "bucket_versioning turns versioning on."
  }
  assert {
    condition     = !anytrue([for s in jsondecode(aws_iam_role_policy.this.policy).Statement : anytrue([for a in flatten([s.Action]) : startswith(a, "ecr:")])])
    error_message = "Without repositories, the role has no ECR permission."
  }
  assert {
    condition     = aws_codebuild_project.this.environment[0].compute_type == "BUILD_GENERAL1_MEDIUM" && aws_codebuild_project.this.build_timeout == 30
    error_message = "compute_type and build_timeout_minutes reach the project."
  }
}
