# modules/ci-identity planned against OpenTofu's mock provider (offline).
# Trust and permission policies are decoded from the planned JSON.

mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
}

override_resource {
  target = aws_iam_openid_connect_provider.github
  values = { arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
}

variables {
  name               = "org-app-prod"
  github_owner       = "example-org"
  github_repository  = "k8s-cluster-infra"
  plan_branches      = ["main"]
  apply_environments = ["prod"]
  build_branches     = ["main"]
  state_bucket_arn   = "arn:aws:s3:::example-tofu-state"
  state_key_prefix   = "k8s-cluster-infra/"
  state_kms_key_arn  = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  ecr_repository_arn = "arn:aws:ecr:us-east-1:123456789012:repository/org-app"
}

run "oidc_provider" {
  command = plan

  assert {
    condition = (
      aws_iam_openid_connect_provider.github[0].url == "https://token.actions.githubusercontent.com" &&
      aws_iam_openid_connect_provider.github[0].client_id_list == toset(["sts.amazonaws.com"])
    )
    error_message = "The provider must be GitHub Actions' issuer with the STS audience."
  }
}

run "trust_pins_repository_and_ref_exactly" {
  command = plan

  assert {
    condition = alltrue([
      for r in aws_iam_role.ci :
      length(jsondecode(r.assume_role_policy).Statement) == 1 &&
      jsondecode(r.assume_role_policy).Statement[0].Effect == "Allow" &&
      jsondecode(r.assume_role_policy).Statement[0].Action == "sts:AssumeRoleWithWebIdentity" &&
      jsondecode(r.assume_role_policy).Statement[0].Principal.Federated == "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" &&
      keys(jsondecode(r.assume_role_policy).Statement[0].Condition) == ["StringEquals"] &&
      jsondecode(r.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"
    ])
    error_message = "Every role must trust only the GitHub OIDC provider, with the STS audience, through StringEquals only (no StringLike patterns)."
  }

  assert {
    condition = (
      jsondecode(aws_iam_role.ci["plan"].assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == ["repo:example-org/k8s-cluster-infra:ref:refs/heads/main"] &&
      jsondecode(aws_iam_role.ci["apply"].assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == ["repo:example-org/k8s-cluster-infra:environment:prod"] &&
      jsondecode(aws_iam_role.ci["build"].assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == ["repo:example-org/k8s-cluster-infra:ref:refs/heads/main"]
    )
    error_message = "plan and build must trust exactly repo:<owner>/<repo>:ref:refs/heads/main, apply exactly repo:<owner>/<repo>:environment:prod."
  }

  assert {
    condition = alltrue(flatten([
      for k, subs in output.trusted_subjects : [for s in subs : !strcontains(s, "*") && !strcontains(s, "?") && startswith(s, "repo:example-org/k8s-cluster-infra:")]
    ]))
    error_message = "No trusted subject may contain a wildcard or name another repository."
  }

  assert {
    condition = (
      aws_iam_role.ci["plan"].name == "org-app-prod-ci-plan" &&
      aws_iam_role.ci["apply"].name == "org-app-prod-ci-apply" &&
      aws_iam_role.ci["build"].name == "org-app-prod-ci-build" &&
      alltrue([for r in aws_iam_role.ci : r.max_session_duration == 3600])
    )
    error_message = "The three roles must be named <name>-ci-{plan,apply,build} with one-hour sessions."
  }
}

run "plan_role_reads_and_locks" {
  command = plan

  assert {
    condition = (
      aws_iam_role_policy_attachment.read_only["plan"].policy_arn == "arn:aws:iam::aws:policy/ReadOnlyAccess" &&
      aws_iam_role_policy_attachment.read_only["apply"].policy_arn == "arn:aws:iam::aws:policy/ReadOnlyAccess" &&
      !contains(keys(aws_iam_role_policy_attachment.read_only), "build")
    )
    error_message = "plan and apply must read everything (ReadOnlyAccess); the build role must not."
  }

  assert {
    condition = (
      one([for s in jsondecode(aws_iam_role_policy.state["plan"].policy).Statement : s if s.Sid == "ReadState"]).Action == ["s3:GetObject"] &&
      one([for s in jsondecode(aws_iam_role_policy.state["plan"].policy).Statement : s if s.Sid == "ReadState"]).Resource == "arn:aws:s3:::example-tofu-state/k8s-cluster-infra/*" &&
      one([for s in jsondecode(aws_iam_role_policy.state["plan"].policy).Statement : s if s.Sid == "LockState"]).Action == ["s3:PutObject", "s3:DeleteObject"] &&
      one([for s in jsondecode(aws_iam_role_policy.state["plan"].policy).Statement : s if s.Sid == "LockState"]).Resource == "arn:aws:s3:::example-tofu-state/k8s-cluster-infra/*.tflock" &&
      one([for s in jsondecode(aws_iam_role_policy.state["plan"].policy).Statement : s if s.Sid == "ListState"]).Condition.StringLike["s3:prefix"] == ["k8s-cluster-infra/*"] &&
      one([for s in jsondecode(aws_iam_role_policy.state["plan"].policy).Statement : s if s.Sid == "StateKey"]).Resource == "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    )
    error_message = "The plan role may read state and write only the .tflock lock objects under the project's prefix."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_role_policy.state["plan"].policy).Statement :
      !contains(flatten([s.Action]), "s3:PutObject") || s.Resource == "arn:aws:s3:::example-tofu-state/k8s-cluster-infra/*.tflock"
    ])
    error_message = "The plan role must not be able to write state objects."
  }
}

run "apply_role_scope" {
  command = plan

  assert {
    condition = (
      one([for s in jsondecode(aws_iam_role_policy.apply.policy).Statement : s if s.Sid == "DenyOutsideAllowedRegions"]).Effect == "Deny" &&
      one([for s in jsondecode(aws_iam_role_policy.apply.policy).Statement : s if s.Sid == "DenyOutsideAllowedRegions"]).Condition.StringNotEquals["aws:RequestedRegion"] == ["us-east-1", "us-west-2"] &&
      contains(one([for s in jsondecode(aws_iam_role_policy.apply.policy).Statement : s if s.Sid == "DenyOutsideAllowedRegions"]).NotAction, "iam:*")
    )
    error_message = "The apply role must be denied every regional action outside the allowed regions."
  }

  assert {
    condition = (
      toset(one([for s in jsondecode(aws_iam_role_policy.apply.policy).Statement : s if s.Sid == "IamProjectRoles"]).Resource) == toset([
        "arn:aws:iam::123456789012:role/org-app*",
        "arn:aws:iam::123456789012:instance-profile/org-app*",
        "arn:aws:iam::123456789012:policy/org-app*",
      ]) &&
      one([for s in jsondecode(aws_iam_role_policy.apply.policy).Statement : s if s.Sid == "IamPassProjectRoles"]).Resource == ["arn:aws:iam::123456789012:role/org-app*"] &&
      contains(one([for s in jsondecode(aws_iam_role_policy.apply.policy).Statement : s if s.Sid == "IamPassProjectRoles"]).Condition.StringEquals["iam:PassedToService"], "eks.amazonaws.com") &&
      !contains(one([for s in jsondecode(aws_iam_role_policy.apply.policy).Statement : s if s.Sid == "IamAttachKnownPolicies"]).Condition.ArnLike["iam:PolicyARN"], "arn:aws:iam::aws:policy/AdministratorAccess") &&
      contains(one([for s in jsondecode(aws_iam_role_policy.apply.policy).Statement : s if s.Sid == "IamAttachKnownPolicies"]).Condition.ArnLike["iam:PolicyARN"], "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy")
    )
    error_message = "IAM writes must be limited to the project's name prefix, PassRole to known services, attachments to known policies."
  }

  assert {
    condition = (
      toset(one([for s in jsondecode(aws_iam_role_policy.apply.policy).Statement : s if s.Sid == "DenyChangesToCiIdentity"]).Resource) == toset([
        "arn:aws:iam::123456789012:role/org-app-prod-ci-plan",
        "arn:aws:iam::123456789012:role/org-app-prod-ci-apply",
        "arn:aws:iam::123456789012:role/org-app-prod-ci-build",
        "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
      ]) &&
      contains(one([for s in jsondecode(aws_iam_role_policy.apply.policy).Statement : s if s.Sid == "DenyLongTermCredentialsAndAccountChanges"]).Action, "iam:CreateAccessKey") &&
      contains(one([for s in jsondecode(aws_iam_role_policy.apply.policy).Statement : s if s.Sid == "DenySecretValues"]).Action, "secretsmanager:GetSecretValue") &&
      one([for s in jsondecode(aws_iam_role_policy.apply.policy).Statement : s if s.Sid == "ProtectTheStateBucket"]).Resource == "arn:aws:s3:::example-tofu-state"
    )
    error_message = "The apply role must not change the CI identity, create long-term credentials, read secret values or reconfigure the state bucket."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_role_policy.apply.policy).Statement :
      !(s.Effect == "Allow" && contains(flatten([try(s.Action, [])]), "*")) &&
      !(s.Effect == "Allow" && contains(flatten([try(s.Action, [])]), "iam:*")) &&
      !(s.Effect == "Allow" && contains(flatten([try(s.Action, [])]), "kms:Decrypt") && s.Sid != "KmsDeployExecutorObjects")
    ])
    error_message = "No allow statement may grant every action, every IAM action, or KMS decryption (but of the deploy executors' objects)."
  }

  assert {
    # The one KMS data permission (ADR 0407): the deploy job uploads bundles
    # and reads the canary tokens, through S3, with the executors' keys only.
    condition = (
      toset(one([for s in jsondecode(aws_iam_role_policy.apply.policy).Statement : s if s.Sid == "KmsDeployExecutorObjects"]).Action) == toset(["kms:Decrypt", "kms:GenerateDataKey"]) &&
      one([for s in jsondecode(aws_iam_role_policy.apply.policy).Statement : s if s.Sid == "KmsDeployExecutorObjects"]).Condition["ForAnyValue:StringLike"]["kms:ResourceAliases"] == ["alias/org-app*-deploy-executor"] &&
      one([for s in jsondecode(aws_iam_role_policy.apply.policy).Statement : s if s.Sid == "KmsDeployExecutorObjects"]).Condition.StringLike["kms:ViaService"] == "s3.*.amazonaws.com"
    )
    error_message = "KMS data access must be limited to the deploy executors' keys (by alias) and to S3."
  }

  assert {
    condition = (
      one([for s in jsondecode(aws_iam_role_policy.apply.policy).Statement : s if s.Sid == "CodeBuildProjectProjects"]).Resource == ["arn:aws:codebuild:*:123456789012:project/org-app*"] &&
      contains(one([for s in jsondecode(aws_iam_role_policy.apply.policy).Statement : s if s.Sid == "LogsProjectGroups"]).Resource, "arn:aws:logs:*:123456789012:log-group:/aws/codebuild/org-app*") &&
      contains(one([for s in jsondecode(aws_iam_role_policy.apply.policy).Statement : s if s.Sid == "S3ProjectBuckets"]).Resource, "arn:aws:s3:::org-app*/*") &&
      contains(one([for s in jsondecode(aws_iam_role_policy.apply.policy).Statement : s if s.Sid == "IamPassProjectRoles"]).Condition.StringEquals["iam:PassedToService"], "codebuild.amazonaws.com")
    )
    error_message = "The deploy executor (ADR 0407): the project's CodeBuild projects and builds, its bundle bucket and build log group, and passing its role to CodeBuild, all by the project's prefix."
  }

  assert {
    condition = (
      one([for s in jsondecode(aws_iam_role_policy.apply.policy).Statement : s if s.Sid == "SsmProjectParameters"]).Resource == "arn:aws:ssm:*:123456789012:parameter/org-app/*" &&
      contains(one([for s in jsondecode(aws_iam_role_policy.apply.policy).Statement : s if s.Sid == "LogsProjectGroups"]).Resource, "arn:aws:logs:*:123456789012:log-group:/org-app/*") &&
      contains(one([for s in jsondecode(aws_iam_role_policy.apply.policy).Statement : s if s.Sid == "LogsProjectGroups"]).Resource, "arn:aws:logs:*:123456789012:log-group:/aws/eks/org-app*") &&
      contains(one([for s in jsondecode(aws_iam_role_policy.apply.policy).Statement : s if s.Sid == "EcrProjectRepositories"]).Resource, "arn:aws:ecr:*:123456789012:repository/ecr-public*")
    )
    error_message = "Named resources (parameters, log groups, repositories) must be limited to the project's prefixes."
  }

  assert {
    # IAM limits inline policies of a role to 10,240 characters in total.
    condition     = length(aws_iam_role_policy.apply.policy) + length(aws_iam_role_policy.state["apply"].policy) < 10240
    error_message = "The apply role's inline policies must fit IAM's 10,240-character limit."
  }
}

run "apply_role_reads_images_of_its_own_account_only_by_default" {
  command = plan

  assert {
    condition = (
      one([for s in jsondecode(aws_iam_role_policy.apply.policy).Statement : s if s.Sid == "DenyImagesFromOtherAccounts"]).Effect == "Deny" &&
      toset(one([for s in jsondecode(aws_iam_role_policy.apply.policy).Statement : s if s.Sid == "DenyImagesFromOtherAccounts"]).Action) == toset(["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]) &&
      one([for s in jsondecode(aws_iam_role_policy.apply.policy).Statement : s if s.Sid == "DenyImagesFromOtherAccounts"]).NotResource == ["arn:aws:ecr:*:123456789012:repository/*"]
    )
    error_message = "Without promotion sources the apply role must be denied image reads from every repository outside its own account (ReadOnlyAccess would allow them)."
  }

  assert {
    condition     = length([for s in jsondecode(aws_iam_role_policy.apply.policy).Statement : s if s.Sid == "PullPromotedImagesFromPreviousEnvironment"]) == 0
    error_message = "Without promotion sources there must be no cross-account pull statement."
  }
}

run "apply_role_pulls_from_the_previous_environment" {
  command = plan

  # prod's apply role copies from staging's registry (another account).
  variables {
    promotion_source_repository_arns = ["arn:aws:ecr:us-east-1:444455556666:repository/org-app"]
  }

  assert {
    condition = (
      one([for s in jsondecode(aws_iam_role_policy.apply.policy).Statement : s if s.Sid == "PullPromotedImagesFromPreviousEnvironment"]).Effect == "Allow" &&
      toset(one([for s in jsondecode(aws_iam_role_policy.apply.policy).Statement : s if s.Sid == "PullPromotedImagesFromPreviousEnvironment"]).Action) == toset(["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]) &&
      one([for s in jsondecode(aws_iam_role_policy.apply.policy).Statement : s if s.Sid == "PullPromotedImagesFromPreviousEnvironment"]).Resource == ["arn:aws:ecr:us-east-1:444455556666:repository/org-app"]
    )
    error_message = "The apply role must be allowed exactly the pull actions on exactly the previous environment's repository."
  }

  assert {
    condition = toset(one([for s in jsondecode(aws_iam_role_policy.apply.policy).Statement : s if s.Sid == "DenyImagesFromOtherAccounts"]).NotResource) == toset([
      "arn:aws:ecr:*:123456789012:repository/*",
      "arn:aws:ecr:us-east-1:444455556666:repository/org-app",
    ])
    error_message = "The deny must exempt only this account's repositories and the named source repository."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_role_policy.apply.policy).Statement :
      s.Effect == "Deny" || !anytrue([for r in flatten([try(s.Resource, [])]) : strcontains(r, ":444455556666:")]) || s.Sid == "PullPromotedImagesFromPreviousEnvironment"
    ])
    error_message = "No other allow may name the source account: it is read-only for this role."
  }

  assert {
    condition     = length(aws_iam_role_policy.apply.policy) + length(aws_iam_role_policy.state["apply"].policy) < 10240
    error_message = "The apply role's inline policies must still fit IAM's 10,240-character limit."
  }
}

run "promotion_source_outside_the_allowed_regions_is_rejected" {
  command = plan

  variables {
    promotion_source_repository_arns = ["arn:aws:ecr:eu-west-1:444455556666:repository/org-app"]
  }

  expect_failures = [aws_iam_role_policy.apply]
}

run "promotion_source_in_this_account_is_rejected" {
  command = plan

  variables {
    promotion_source_repository_arns = ["arn:aws:ecr:us-east-1:123456789012:repository/org-app"]
  }

  expect_failures = [aws_iam_role_policy.apply]
}

run "build_role_pushes_only_to_the_repository" {
  command = plan

  assert {
    condition = (
      one([for s in jsondecode(aws_iam_role_policy.build[0].policy).Statement : s if s.Sid == "PushOrgAppImages"]).Resource == "arn:aws:ecr:us-east-1:123456789012:repository/org-app" &&
      contains(one([for s in jsondecode(aws_iam_role_policy.build[0].policy).Statement : s if s.Sid == "PushOrgAppImages"]).Action, "ecr:PutImage") &&
      one([for s in jsondecode(aws_iam_role_policy.build[0].policy).Statement : s if s.Sid == "EcrLogin"]).Action == "ecr:GetAuthorizationToken" &&
      length(jsondecode(aws_iam_role_policy.build[0].policy).Statement) == 2
    )
    error_message = "The build role may log in to ECR and push to the org-app repository only."
  }
}

run "branches_and_environments_together_and_existing_provider" {
  command = plan

  variables {
    create_oidc_provider = false
    oidc_provider_arn    = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    apply_branches       = ["release/2026"]
    apply_environments   = ["prod", "prod-us-west-2"]
    ecr_repository_arn   = null
    state_key_prefix     = ""
  }

  assert {
    condition = (
      length(aws_iam_openid_connect_provider.github) == 0 &&
      jsondecode(aws_iam_role.ci["apply"].assume_role_policy).Statement[0].Principal.Federated == "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" &&
      jsondecode(aws_iam_role.ci["apply"].assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == [
        "repo:example-org/k8s-cluster-infra:ref:refs/heads/release/2026",
        "repo:example-org/k8s-cluster-infra:environment:prod",
        "repo:example-org/k8s-cluster-infra:environment:prod-us-west-2",
      ]
    )
    error_message = "Branch and environment subjects must be combined exactly; an existing provider must be trusted."
  }

  assert {
    condition = (
      !contains(keys(aws_iam_role.ci), "build") && output.build_role_arn == null &&
      one([for s in jsondecode(aws_iam_role_policy.state["plan"].policy).Statement : s if s.Sid == "ListState"]) == { Sid = "ListState", Effect = "Allow", Action = "s3:ListBucket", Resource = "arn:aws:s3:::example-tofu-state" }
    )
    error_message = "Without a repository ARN there is no build role; without a prefix the whole state bucket is listed."
  }
}

run "oversized_apply_policy_fails_at_plan" {
  command = plan

  variables {
    resource_name_prefixes = ["org-app-abcdefghijklmnopqrstu", "org-prod-abcdefghijklmnopqrstu", "xyz-abcdefghijklmnopqrstuvwxyz"]
    allowed_regions        = ["us-east-1", "us-west-2", "us-east-2", "us-west-1"]
  }

  expect_failures = [aws_iam_role_policy.apply]
}
