# modules/registry planned against OpenTofu's mock provider (offline). Every
# assertion is on a value the module decides: repository settings, the
# lifecycle and repository policies decoded from JSON, replication
# destinations, pull-through cache rules and creation templates per region.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { region = "us-east-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333" }
  }
}

override_resource {
  target = aws_kms_key.ecr
  values = {
    arn    = "arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555"
    key_id = "11111111-2222-3333-4444-555555555555"
  }
}
override_resource {
  target = aws_iam_role.creation_template
  values = {
    arn = "arn:aws:iam::111122223333:role/unit-ecr-cache-templates"
    id  = "unit-ecr-cache-templates"
  }
}

variables {
  name = "unit"
}

run "primary_repository" {
  command = plan

  assert {
    condition     = keys(aws_ecr_repository.this) == ["us-east-1"] && aws_ecr_repository.this["us-east-1"].name == "org-app" && aws_ecr_repository.this["us-east-1"].region == "us-east-1"
    error_message = "Without replicas there must be exactly one org-app repository, in the provider's region."
  }

  assert {
    condition     = aws_ecr_repository.this["us-east-1"].image_tag_mutability == "IMMUTABLE"
    error_message = "Image tags must be immutable."
  }

  assert {
    condition     = aws_ecr_repository.this["us-east-1"].image_scanning_configuration[0].scan_on_push == true
    error_message = "Images must be scanned on push."
  }

  assert {
    condition = (
      aws_ecr_repository.this["us-east-1"].encryption_configuration[0].encryption_type == "KMS" &&
      aws_ecr_repository.this["us-east-1"].encryption_configuration[0].kms_key == "arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555"
    )
    error_message = "The repository must be encrypted with the module's KMS key."
  }

  assert {
    condition     = aws_ecr_repository.this["us-east-1"].force_delete == false
    error_message = "force_delete must be off by default."
  }

  assert {
    condition = (
      keys(aws_kms_key.ecr) == ["us-east-1"] &&
      aws_kms_key.ecr["us-east-1"].enable_key_rotation == true &&
      aws_kms_key.ecr["us-east-1"].region == "us-east-1" &&
      aws_kms_key.ecr["us-east-1"].deletion_window_in_days == 30 &&
      aws_kms_alias.ecr["us-east-1"].name == "alias/unit-ecr"
    )
    error_message = "The module's key must rotate, live in the repository's region and carry the alias alias/<name>-ecr."
  }

  assert {
    condition = (
      length(jsondecode(aws_kms_key.ecr["us-east-1"].policy).Statement) == 1 &&
      jsondecode(aws_kms_key.ecr["us-east-1"].policy).Statement[0].Principal.AWS == "arn:aws:iam::111122223333:root"
    )
    error_message = "The key policy must delegate to the account (IAM) and name no other principal."
  }

  assert {
    condition     = length(aws_ecr_repository_policy.this) == 0
    error_message = "Without pull_principal_arns there must be no repository policy."
  }

  assert {
    condition     = length(aws_ecr_replication_configuration.this) == 0 && length(output.replication_destinations) == 0
    error_message = "Without replica regions there must be no replication configuration."
  }

  assert {
    condition     = output.repository_name == "org-app" && output.kms_key_arn == "arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555" && keys(output.repository_urls) == ["us-east-1"]
    error_message = "The outputs must expose the repository and its key."
  }
}

run "lifecycle_policy" {
  command = plan

  # cosign v3 signatures and attestations are untagged OCI referrers, and an
  # index's platform manifests are untagged: no rule may select untagged
  # images (tagStatus "untagged" or "any"), or a kept release would lose its
  # signature and a rollback to it would fail verification (ADR 0404).
  assert {
    condition     = length(jsondecode(aws_ecr_lifecycle_policy.this["us-east-1"].policy).rules) == 1
    error_message = "The lifecycle policy must hold exactly one rule (the release count)."
  }

  assert {
    condition = alltrue([
      for r in jsondecode(aws_ecr_lifecycle_policy.this["us-east-1"].policy).rules :
      r.selection.tagStatus == "tagged" && length(r.selection.tagPatternList) > 0
    ])
    error_message = "Every lifecycle rule must select tagged images by pattern only: an untagged or any rule would expire the referrers (signatures, attestations) of kept releases."
  }

  assert {
    condition = (
      jsondecode(aws_ecr_lifecycle_policy.this["us-east-1"].policy).rules[0].rulePriority == 1 &&
      jsondecode(aws_ecr_lifecycle_policy.this["us-east-1"].policy).rules[0].selection.tagPatternList == ["sha-*"] &&
      jsondecode(aws_ecr_lifecycle_policy.this["us-east-1"].policy).rules[0].selection.countType == "imageCountMoreThan" &&
      jsondecode(aws_ecr_lifecycle_policy.this["us-east-1"].policy).rules[0].selection.countNumber == 50 &&
      jsondecode(aws_ecr_lifecycle_policy.this["us-east-1"].policy).rules[0].action.type == "expire"
    )
    error_message = "The rule must keep only the newest 50 images tagged sha-* (CI's release tags)."
  }

  assert {
    condition     = !can(jsondecode(aws_ecr_lifecycle_policy.this["us-east-1"].policy).rules[0].selection.countUnit)
    error_message = "The release rule counts images; it must not expire by age (a quiet month would delete the running release)."
  }

  assert {
    condition     = aws_ecr_lifecycle_policy.this["us-east-1"].repository == "org-app" && aws_ecr_lifecycle_policy.this["us-east-1"].region == "us-east-1"
    error_message = "The lifecycle policy must be on the org-app repository of its region."
  }
}

run "lifecycle_follows_release_patterns" {
  command = plan

  variables {
    replica_regions      = ["us-west-2"]
    max_image_count      = 20
    release_tag_patterns = ["release-*", "v*.*.*"]
  }

  assert {
    condition = alltrue([
      for r in ["us-east-1", "us-west-2"] :
      jsondecode(aws_ecr_lifecycle_policy.this[r].policy).rules[0].selection.tagPatternList == ["release-*", "v*.*.*"] &&
      jsondecode(aws_ecr_lifecycle_policy.this[r].policy).rules[0].selection.countNumber == 20 &&
      jsondecode(aws_ecr_lifecycle_policy.this[r].policy).rules[0].selection.tagStatus == "tagged"
    ])
    error_message = "Every region's lifecycle policy must follow release_tag_patterns and max_image_count."
  }

  assert {
    condition = alltrue([
      for t in aws_ecr_repository_creation_template.cache :
      length(jsondecode(t.lifecycle_policy).rules) == 1 &&
      jsondecode(t.lifecycle_policy).rules[0].selection.tagStatus == "tagged" &&
      jsondecode(t.lifecycle_policy).rules[0].selection.tagPatternList == ["*"] &&
      jsondecode(t.lifecycle_policy).rules[0].selection.countNumber == 20
    ])
    error_message = "The cache repositories must keep the newest N tagged images (any tag) and never select untagged ones."
  }
}

run "pull_through_cache_defaults" {
  command = plan

  assert {
    condition     = toset(keys(aws_ecr_pull_through_cache_rule.this)) == toset(["us-east-1/ecr-public", "us-east-1/k8s"])
    error_message = "By default the ecr-public and k8s rules exist (ghcr needs credentials and is off)."
  }

  assert {
    condition = (
      aws_ecr_pull_through_cache_rule.this["us-east-1/ecr-public"].ecr_repository_prefix == "ecr-public" &&
      aws_ecr_pull_through_cache_rule.this["us-east-1/ecr-public"].upstream_registry_url == "public.ecr.aws" &&
      aws_ecr_pull_through_cache_rule.this["us-east-1/k8s"].ecr_repository_prefix == "k8s" &&
      aws_ecr_pull_through_cache_rule.this["us-east-1/k8s"].upstream_registry_url == "registry.k8s.io" &&
      aws_ecr_pull_through_cache_rule.this["us-east-1/k8s"].region == "us-east-1"
    )
    error_message = "The cache rules must map ecr-public to public.ecr.aws and k8s to registry.k8s.io."
  }

  assert {
    condition     = output.pull_through_prefixes == { "ecr-public" = "public.ecr.aws", "k8s" = "registry.k8s.io" }
    error_message = "pull_through_prefixes must map each enabled prefix to its upstream."
  }

  assert {
    condition     = output.pull_through_image_prefixes["us-east-1"]["k8s"] == "111122223333.dkr.ecr.us-east-1.amazonaws.com/k8s"
    error_message = "pull_through_image_prefixes must give the registry path of each prefix."
  }

  assert {
    condition = alltrue([
      for k, t in aws_ecr_repository_creation_template.cache :
      t.prefix == aws_ecr_pull_through_cache_rule.this[k].ecr_repository_prefix &&
      t.region == aws_ecr_pull_through_cache_rule.this[k].region &&
      t.applied_for == toset(["PULL_THROUGH_CACHE"]) &&
      t.image_tag_mutability == "IMMUTABLE" &&
      t.encryption_configuration[0].encryption_type == "KMS" &&
      t.encryption_configuration[0].kms_key == "arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555" &&
      t.custom_role_arn == "arn:aws:iam::111122223333:role/unit-ecr-cache-templates"
    ]) && length(aws_ecr_repository_creation_template.cache) == 2
    error_message = "Each cache prefix must have a creation template (pull-through cache, immutable tags, KMS with the region's key, the module's role)."
  }

  assert {
    condition = alltrue([
      for t in aws_ecr_repository_creation_template.cache :
      length(jsondecode(t.lifecycle_policy).rules) == 1 && jsondecode(t.lifecycle_policy).rules[0].selection.tagStatus == "tagged" && jsondecode(t.lifecycle_policy).rules[0].selection.countNumber == 50
    ])
    error_message = "The cache repositories must keep the newest 50 tagged images and select no untagged ones."
  }

  # Under the mock provider an unset optional argument gets a random string:
  # "no policy" shows as a value that is not a JSON policy document.
  assert {
    condition     = alltrue([for t in aws_ecr_repository_creation_template.cache : !can(jsondecode(t.repository_policy).Statement)])
    error_message = "Without pull_principal_arns the cache repositories must get no repository policy."
  }

  assert {
    condition = (
      jsondecode(aws_iam_role.creation_template[0].assume_role_policy).Statement[0].Principal.Service == "ecr.amazonaws.com" &&
      length(jsondecode(aws_iam_role.creation_template[0].assume_role_policy).Statement) == 1
    )
    error_message = "Only ECR may assume the creation-template role."
  }

  assert {
    condition = (
      toset(jsondecode(aws_iam_role_policy.creation_template[0].policy).Statement[0].Resource) == toset([
        "arn:aws:ecr:us-east-1:111122223333:repository/ecr-public/*",
        "arn:aws:ecr:us-east-1:111122223333:repository/k8s/*",
      ]) &&
      toset(jsondecode(aws_iam_role_policy.creation_template[0].policy).Statement[0].Action) == toset(["ecr:CreateRepository", "ecr:TagResource"]) &&
      jsondecode(aws_iam_role_policy.creation_template[0].policy).Statement[1].Action == "kms:CreateGrant" &&
      jsondecode(aws_iam_role_policy.creation_template[0].policy).Statement[1].Condition.Bool["kms:GrantIsForAWSResource"] == "true" &&
      jsondecode(aws_iam_role_policy.creation_template[0].policy).Statement[1].Resource == ["arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555"]
    )
    error_message = "The creation-template role may create and tag only cache repositories and grant only the registry keys to AWS resources."
  }

  assert {
    condition     = alltrue([for s in jsondecode(aws_iam_role_policy.creation_template[0].policy).Statement : !contains(flatten([s.Resource]), "*")])
    error_message = "The creation-template role policy must not use a wildcard resource."
  }
}

run "replicas_principals_and_ghcr" {
  command = plan

  variables {
    replica_regions     = ["us-west-2"]
    pull_principal_arns = ["arn:aws:iam::111122223333:role/org-app-prod-use1-node", "arn:aws:iam::111122223333:role/org-app-prod-usw2-*"]
    enable_ghcr_cache   = true
    ghcr_credential_arns = {
      "us-east-1" = "arn:aws:secretsmanager:us-east-1:111122223333:secret:ecr-pullthroughcache/ghcr-AbCdEf"
      "us-west-2" = "arn:aws:secretsmanager:us-west-2:111122223333:secret:ecr-pullthroughcache/ghcr-AbCdEf"
    }
    max_image_count = 20
  }

  assert {
    condition = (
      toset(keys(aws_ecr_repository.this)) == toset(["us-east-1", "us-west-2"]) &&
      aws_ecr_repository.this["us-west-2"].region == "us-west-2" &&
      aws_ecr_repository.this["us-west-2"].name == "org-app" &&
      aws_ecr_repository.this["us-west-2"].image_tag_mutability == "IMMUTABLE" &&
      aws_ecr_repository.this["us-west-2"].image_scanning_configuration[0].scan_on_push == true &&
      aws_ecr_repository.this["us-west-2"].encryption_configuration[0].encryption_type == "KMS"
    )
    error_message = "The replica region must get a repository with the same settings."
  }

  assert {
    condition     = toset(keys(aws_kms_key.ecr)) == toset(["us-east-1", "us-west-2"]) && aws_kms_key.ecr["us-west-2"].region == "us-west-2" && aws_kms_key.ecr["us-west-2"].enable_key_rotation && aws_kms_alias.ecr["us-west-2"].region == "us-west-2"
    error_message = "Every region must get its own rotating key (KMS keys are regional)."
  }

  assert {
    condition = (
      length(aws_ecr_replication_configuration.this) == 1 &&
      length(aws_ecr_replication_configuration.this[0].replication_configuration[0].rule) == 1 &&
      [for d in aws_ecr_replication_configuration.this[0].replication_configuration[0].rule[0].destination : "${d.region}/${d.registry_id}"] == ["us-west-2/111122223333"] &&
      aws_ecr_replication_configuration.this[0].replication_configuration[0].rule[0].repository_filter[0].filter == "org-app" &&
      aws_ecr_replication_configuration.this[0].replication_configuration[0].rule[0].repository_filter[0].filter_type == "PREFIX_MATCH"
    )
    error_message = "Replication must send the org-app repository to us-west-2 of the same registry."
  }

  assert {
    condition     = tolist(output.replication_destinations) == tolist(["us-west-2"]) && output.repository_urls["us-west-2"] == aws_ecr_repository.this["us-west-2"].repository_url
    error_message = "The outputs must list the replication destinations and the repository URL per region."
  }

  assert {
    condition     = toset(keys(aws_ecr_repository_policy.this)) == toset(["us-east-1", "us-west-2"])
    error_message = "Every region's repository must carry the pull policy."
  }

  assert {
    condition = length([
      for s in jsondecode(aws_ecr_repository_policy.this["us-west-2"].policy).Statement : s
      if s.Effect == "Allow" && s.Principal.AWS == "arn:aws:iam::111122223333:root" &&
      toset(s.Action) == toset(["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]) &&
      s.Condition.ArnLike["aws:PrincipalArn"] == var.pull_principal_arns
    ]) == 1
    error_message = "The policy must allow pulls to the listed roles only (ArnLike aws:PrincipalArn), no push actions."
  }

  assert {
    condition = length([
      for s in jsondecode(aws_ecr_repository_policy.this["us-east-1"].policy).Statement : s
      if s.Effect == "Deny" && s.Principal == "*" &&
      toset(s.Action) == toset(["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]) &&
      toset(s.Condition.ArnNotLike["aws:PrincipalArn"]) == toset(concat(var.pull_principal_arns, ["arn:aws:iam::111122223333:role/aws-service-role/*"])) &&
      s.Condition.BoolIfExists["aws:PrincipalIsAWSService"] == "false"
    ]) == 1
    error_message = "The policy must deny pulls by every principal other than the listed roles and service-linked roles."
  }

  assert {
    condition     = length(jsondecode(aws_ecr_repository_policy.this["us-east-1"].policy).Statement) == 2
    error_message = "The repository policy must hold only the allow and the deny."
  }

  assert {
    condition     = jsondecode(aws_ecr_lifecycle_policy.this["us-west-2"].policy).rules[0].selection.countNumber == 20
    error_message = "The lifecycle policy must follow max_image_count in every region."
  }

  assert {
    condition     = length(aws_ecr_pull_through_cache_rule.this) == 6 && toset([for r in aws_ecr_pull_through_cache_rule.this : "${r.region}/${r.ecr_repository_prefix}=${r.upstream_registry_url}"]) == toset(["us-east-1/ecr-public=public.ecr.aws", "us-east-1/k8s=registry.k8s.io", "us-east-1/ghcr=ghcr.io", "us-west-2/ecr-public=public.ecr.aws", "us-west-2/k8s=registry.k8s.io", "us-west-2/ghcr=ghcr.io"])
    error_message = "Every region must get the three cache rules."
  }

  assert {
    condition = (
      aws_ecr_pull_through_cache_rule.this["us-west-2/ghcr"].credential_arn == "arn:aws:secretsmanager:us-west-2:111122223333:secret:ecr-pullthroughcache/ghcr-AbCdEf" &&
      aws_ecr_pull_through_cache_rule.this["us-east-1/ghcr"].credential_arn == "arn:aws:secretsmanager:us-east-1:111122223333:secret:ecr-pullthroughcache/ghcr-AbCdEf"
    )
    error_message = "Each region's ghcr rule must use that region's credential secret."
  }

  assert {
    condition     = alltrue([for t in aws_ecr_repository_creation_template.cache : t.repository_policy == aws_ecr_repository_policy.this["us-east-1"].policy]) && length(aws_ecr_repository_creation_template.cache) == 6
    error_message = "The cache repositories must get the same pull policy as the application repository."
  }

  assert {
    condition = toset(jsondecode(aws_iam_role_policy.creation_template[0].policy).Statement[0].Resource) == toset([
      for pair in setproduct(["us-east-1", "us-west-2"], ["ecr-public", "k8s", "ghcr"]) : "arn:aws:ecr:${pair[0]}:111122223333:repository/${pair[1]}/*"
    ])
    error_message = "The creation-template role must cover the cache prefixes of every region and nothing else."
  }
}

run "promotion_pull_by_the_next_environment" {
  command = plan

  # Staging's registry: prod's CI apply role (another account) copies a
  # promoted digest with its referrers from here (ADR 0404).
  variables {
    replica_regions               = ["us-west-2"]
    promotion_pull_principal_arns = ["arn:aws:iam::444455556666:role/org-app-prod-ci-apply"]
  }

  assert {
    condition     = toset(keys(aws_ecr_repository_policy.this)) == toset(["us-east-1", "us-west-2"])
    error_message = "Promotion alone must put a repository policy on every region's application repository."
  }

  assert {
    condition     = length(jsondecode(aws_ecr_repository_policy.this["us-east-1"].policy).Statement) == 1
    error_message = "Without pull_principal_arns the policy must hold only the promotion statement (no deny)."
  }

  assert {
    condition = length([
      for s in jsondecode(aws_ecr_repository_policy.this["us-east-1"].policy).Statement : s
      if s.Sid == "AllowPromotionPullByNextEnvironment" && s.Effect == "Allow" &&
      s.Principal.AWS == ["arn:aws:iam::444455556666:root"] &&
      toset(s.Action) == toset(["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]) &&
      s.Condition.ArnEquals["aws:PrincipalArn"] == ["arn:aws:iam::444455556666:role/org-app-prod-ci-apply"] &&
      length(keys(s.Condition)) == 1
    ]) == 1
    error_message = "The promotion statement must allow only the pull actions to the other account, narrowed to the exact apply role by ArnEquals aws:PrincipalArn."
  }

  assert {
    condition = alltrue(flatten([
      for r, p in aws_ecr_repository_policy.this : [
        for s in jsondecode(p.policy).Statement : s.Effect == "Deny" || alltrue([
          for a in flatten([s.Action]) : !contains(["ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:BatchDeleteImage", "ecr:SetRepositoryPolicy", "ecr:*"], a)
        ])
      ]
    ]))
    error_message = "No Allow in the repository policy may grant a write action: the next environment only reads."
  }

  assert {
    condition     = alltrue([for t in aws_ecr_repository_creation_template.cache : !can(jsondecode(t.repository_policy).Statement)])
    error_message = "The cache repositories must not be shared with the next environment (no repository policy without pull_principal_arns)."
  }
}

run "promotion_with_pull_principals" {
  command = plan

  variables {
    pull_principal_arns           = ["arn:aws:iam::111122223333:role/org-app-staging-use1-node", "arn:aws:iam::111122223333:role/org-app-staging-ci-apply"]
    promotion_pull_principal_arns = ["arn:aws:iam::444455556666:role/org-app-prod-ci-apply", "arn:aws:iam::777788889999:role/deploy/org-app-perf-ci-apply"]
  }

  assert {
    condition     = [for s in jsondecode(aws_ecr_repository_policy.this["us-east-1"].policy).Statement : s.Sid] == ["AllowPullByListedRoles", "AllowPromotionPullByNextEnvironment", "DenyPullByOthers"]
    error_message = "The application repository policy must allow the listed roles, allow the promotion roles, and deny everyone else."
  }

  assert {
    condition = (
      toset(jsondecode(aws_ecr_repository_policy.this["us-east-1"].policy).Statement[1].Principal.AWS) == toset(["arn:aws:iam::444455556666:root", "arn:aws:iam::777788889999:root"]) &&
      jsondecode(aws_ecr_repository_policy.this["us-east-1"].policy).Statement[1].Condition.ArnEquals["aws:PrincipalArn"] == var.promotion_pull_principal_arns
    )
    error_message = "Each promotion role's account must be a principal, and only the exact roles may use it."
  }

  assert {
    condition = toset(jsondecode(aws_ecr_repository_policy.this["us-east-1"].policy).Statement[2].Condition.ArnNotLike["aws:PrincipalArn"]) == toset(concat(
      var.pull_principal_arns, var.promotion_pull_principal_arns, ["arn:aws:iam::111122223333:role/aws-service-role/*"]
    ))
    error_message = "The deny must exempt the promotion roles on the application repository, or the allow would be void."
  }

  assert {
    condition = alltrue([
      for t in aws_ecr_repository_creation_template.cache :
      [for s in jsondecode(t.repository_policy).Statement : s.Sid] == ["AllowPullByListedRoles", "DenyPullByOthers"] &&
      toset(jsondecode(t.repository_policy).Statement[1].Condition.ArnNotLike["aws:PrincipalArn"]) == toset(concat(var.pull_principal_arns, ["arn:aws:iam::111122223333:role/aws-service-role/*"]))
    ])
    error_message = "The cache repositories must keep the same-account pull policy, with no promotion statement and no exemption for other accounts."
  }
}

run "promotion_principal_of_this_account_is_rejected" {
  command = plan

  variables {
    promotion_pull_principal_arns = ["arn:aws:iam::111122223333:role/org-app-dev-ci-apply"]
  }

  expect_failures = [aws_ecr_repository.this]
}

run "caller_key_and_no_caches" {
  command = plan

  variables {
    replica_regions         = ["us-west-2"]
    kms_key_arns            = { "us-east-1" = "arn:aws:kms:us-east-1:111122223333:key/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee" }
    enable_ecr_public_cache = false
    enable_k8s_cache        = false
    repository_name         = "team/org-app"
    repository_force_delete = true
  }

  assert {
    condition     = keys(aws_kms_key.ecr) == ["us-west-2"] && keys(aws_kms_alias.ecr) == ["us-west-2"]
    error_message = "A region with a caller key must get no module key."
  }

  assert {
    condition = (
      aws_ecr_repository.this["us-east-1"].encryption_configuration[0].kms_key == "arn:aws:kms:us-east-1:111122223333:key/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee" &&
      aws_ecr_repository.this["us-west-2"].encryption_configuration[0].kms_key == "arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555"
    )
    error_message = "Each repository must use its region's key: the caller's where given, else the module's."
  }

  assert {
    condition     = length(aws_ecr_pull_through_cache_rule.this) == 0 && length(aws_ecr_repository_creation_template.cache) == 0 && length(aws_iam_role.creation_template) == 0 && output.creation_template_role_arn == null && output.pull_through_prefixes == {}
    error_message = "With every cache disabled there must be no rule, template or role."
  }

  assert {
    condition     = aws_ecr_repository.this["us-west-2"].name == "team/org-app" && aws_ecr_replication_configuration.this[0].replication_configuration[0].rule[0].repository_filter[0].filter == "team/org-app" && aws_ecr_repository.this["us-east-1"].force_delete
    error_message = "repository_name and repository_force_delete must be used for every region and the replication filter."
  }
}

run "primary_region_as_replica_is_rejected" {
  command = plan

  variables {
    replica_regions = ["us-east-1"]
  }

  expect_failures = [aws_ecr_repository.this]
}

run "ghcr_without_credentials_is_rejected" {
  command = plan

  variables {
    replica_regions   = ["us-west-2"]
    enable_ghcr_cache = true
    ghcr_credential_arns = {
      "us-east-1" = "arn:aws:secretsmanager:us-east-1:111122223333:secret:ecr-pullthroughcache/ghcr-AbCdEf"
    }
  }

  expect_failures = [aws_ecr_repository.this]
}

run "principal_of_another_account_is_rejected" {
  command = plan

  variables {
    pull_principal_arns = ["arn:aws:iam::444455556666:role/node"]
  }

  expect_failures = [aws_ecr_repository.this]
}

run "key_for_unused_region_is_rejected" {
  command = plan

  variables {
    kms_key_arns = { "eu-west-1" = "arn:aws:kms:eu-west-1:111122223333:key/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee" }
  }

  expect_failures = [aws_ecr_repository.this]
}
