# Bad inputs must be rejected by the variable validations, before any plan.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { region = "us-east-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333" }
  }
}

variables {
  name = "unit"
}

run "valid_inputs_plan" {
  command = plan

  assert {
    condition     = length(aws_ecr_repository.this) == 1
    error_message = "The baseline inputs of this file must plan."
  }
}

run "uppercase_repository_name_is_rejected" {
  command = plan

  variables {
    repository_name = "Org-App"
  }

  expect_failures = [var.repository_name]
}

run "repository_under_cache_prefix_is_rejected" {
  command = plan

  variables {
    repository_name = "k8s/org-app"
  }

  expect_failures = [var.repository_name]
}

run "zone_as_replica_region_is_rejected" {
  command = plan

  variables {
    replica_regions = ["us-west-2a"]
  }

  expect_failures = [var.replica_regions]
}

run "repeated_replica_region_is_rejected" {
  command = plan

  variables {
    replica_regions = ["us-west-2", "us-west-2"]
  }

  expect_failures = [var.replica_regions]
}

run "kms_alias_instead_of_key_is_rejected" {
  command = plan

  variables {
    kms_key_arns = { "us-east-1" = "arn:aws:kms:us-east-1:111122223333:alias/ecr" }
  }

  expect_failures = [var.kms_key_arns]
}

run "kms_key_of_another_region_is_rejected" {
  command = plan

  variables {
    kms_key_arns = { "us-east-1" = "arn:aws:kms:us-west-2:111122223333:key/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee" }
  }

  expect_failures = [var.kms_key_arns]
}

run "max_image_count_0_is_rejected" {
  command = plan

  variables {
    max_image_count = 0
  }

  expect_failures = [var.max_image_count]
}

run "empty_release_tag_patterns_are_rejected" {
  command = plan

  variables {
    release_tag_patterns = []
  }

  expect_failures = [var.release_tag_patterns]
}

run "release_tag_pattern_with_five_wildcards_is_rejected" {
  command = plan

  variables {
    release_tag_patterns = ["*a*b*c*d*"]
  }

  expect_failures = [var.release_tag_patterns]
}

run "release_tag_pattern_with_a_slash_is_rejected" {
  command = plan

  variables {
    release_tag_patterns = ["sha/*"]
  }

  expect_failures = [var.release_tag_patterns]
}

run "wildcard_promotion_principal_is_rejected" {
  command = plan

  variables {
    promotion_pull_principal_arns = ["arn:aws:iam::444455556666:role/org-app-*-ci-apply"]
  }

  expect_failures = [var.promotion_pull_principal_arns]
}

run "account_root_as_promotion_principal_is_rejected" {
  command = plan

  variables {
    promotion_pull_principal_arns = ["arn:aws:iam::444455556666:root"]
  }

  expect_failures = [var.promotion_pull_principal_arns]
}

run "user_as_pull_principal_is_rejected" {
  command = plan

  variables {
    pull_principal_arns = ["arn:aws:iam::111122223333:user/alice"]
  }

  expect_failures = [var.pull_principal_arns]
}

run "every_role_as_pull_principal_is_rejected" {
  command = plan

  variables {
    pull_principal_arns = ["arn:aws:iam::111122223333:role/*"]
  }

  expect_failures = [var.pull_principal_arns]
}

run "ghcr_secret_without_required_prefix_is_rejected" {
  command = plan

  variables {
    ghcr_credential_arns = { "us-east-1" = "arn:aws:secretsmanager:us-east-1:111122223333:secret:ghcr-token-AbCdEf" }
  }

  expect_failures = [var.ghcr_credential_arns]
}

run "ghcr_secret_of_another_region_is_rejected" {
  command = plan

  variables {
    ghcr_credential_arns = { "us-east-1" = "arn:aws:secretsmanager:us-west-2:111122223333:secret:ecr-pullthroughcache/ghcr-AbCdEf" }
  }

  expect_failures = [var.ghcr_credential_arns]
}

run "unknown_cache_mutability_is_rejected" {
  command = plan

  variables {
    cache_image_tag_mutability = "IMMUTABLE_WITH_EXCLUSION"
  }

  expect_failures = [var.cache_image_tag_mutability]
}

run "short_deletion_window_is_rejected" {
  command = plan

  variables {
    kms_key_deletion_window_days = 6
  }

  expect_failures = [var.kms_key_deletion_window_days]
}

run "bad_name_is_rejected" {
  command = plan

  variables {
    name = "Org_App"
  }

  expect_failures = [var.name]
}
