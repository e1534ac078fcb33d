# Bad inputs, above all wildcard subjects, must be rejected before any plan.

mock_provider "aws" {}

variables {
  name               = "org-app-prod"
  github_owner       = "example-org"
  github_repository  = "k8s-cluster-infra"
  apply_environments = ["prod"]
  state_bucket_arn   = "arn:aws:s3:::example-tofu-state"
}

run "valid_inputs_plan" {
  command = plan

  assert {
    condition     = length(aws_iam_role.ci) == 2
    error_message = "The baseline inputs of this file must plan (plan and apply roles)."
  }
}

run "wildcard_owner_is_rejected" {
  command = plan

  variables {
    github_owner = "*"
  }

  expect_failures = [var.github_owner]
}

run "wildcard_repository_is_rejected" {
  command = plan

  variables {
    github_repository = "k8s-*"
  }

  expect_failures = [var.github_repository]
}

run "wildcard_plan_branch_is_rejected" {
  command = plan

  variables {
    plan_branches = ["*"]
  }

  expect_failures = [var.plan_branches]
}

run "wildcard_apply_branch_is_rejected" {
  command = plan

  variables {
    apply_branches = ["release/*"]
  }

  expect_failures = [var.apply_branches]
}

run "wildcard_build_branch_is_rejected" {
  command = plan

  variables {
    build_branches = ["ma?n"]
  }

  expect_failures = [var.build_branches]
}

run "wildcard_environment_is_rejected" {
  command = plan

  variables {
    apply_environments = ["prod*"]
  }

  expect_failures = [var.apply_environments]
}

run "wildcard_plan_environment_is_rejected" {
  command = plan

  variables {
    plan_environments = ["*"]
  }

  expect_failures = [var.plan_environments]
}

run "apply_without_any_subject_is_rejected" {
  command = plan

  variables {
    apply_environments = []
  }

  expect_failures = [var.apply_environments]
}

run "plan_without_any_subject_is_rejected" {
  command = plan

  variables {
    plan_branches = []
  }

  expect_failures = [var.plan_environments]
}

run "owner_with_slash_is_rejected" {
  command = plan

  variables {
    github_owner = "example-org/k8s-cluster-infra"
  }

  expect_failures = [var.github_owner]
}

run "existing_provider_without_arn_is_rejected" {
  command = plan

  variables {
    create_oidc_provider = false
  }

  expect_failures = [var.oidc_provider_arn]
}

run "administrator_access_attachable_is_rejected" {
  command = plan

  variables {
    attachable_policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]
  }

  expect_failures = [var.attachable_policy_arns]
}

run "wildcard_region_is_rejected" {
  command = plan

  variables {
    allowed_regions = ["us-*"]
  }

  expect_failures = [var.allowed_regions]
}

run "state_prefix_with_wildcard_is_rejected" {
  command = plan

  variables {
    state_key_prefix = "*/"
  }

  expect_failures = [var.state_key_prefix]
}

run "wildcard_promotion_source_is_rejected" {
  command = plan

  variables {
    promotion_source_repository_arns = ["arn:aws:ecr:us-east-1:444455556666:repository/*"]
  }

  expect_failures = [var.promotion_source_repository_arns]
}

run "promotion_source_that_is_not_a_repository_is_rejected" {
  command = plan

  variables {
    promotion_source_repository_arns = ["arn:aws:iam::444455556666:role/org-app-staging-ci-apply"]
  }

  expect_failures = [var.promotion_source_repository_arns]
}
