# The apply role's write policy (on top of ReadOnlyAccess, which every refresh
# needs). What it must be able to create, by module: VPCs, subnets, routes,
# gateways, endpoints, security groups, flow logs, Transit Gateway, Client VPN,
# launch templates (ec2); ASGs (autoscaling); the NLB (elasticloadbalancing);
# EKS; KMS keys; log groups, metric filters, alarms, dashboards (logs,
# cloudwatch); SNS topics; buckets (s3); Route 53 zones, records, health
# checks and the Resolver DNS firewall; ACM certificates; ECR repositories and
# registry settings; the app secret's container; SSM parameters; Image
# Builder; GuardDuty, Inspector, Security Hub, Config, CloudTrail; the deploy
# executor's CodeBuild project and its builds; and the IAM roles of all of those. ADR 0134 explains each limit and its trade-off.

locals {
  arn_prefix = "arn:${local.partition}"

  # Actions of global services, exempt from the region limit.
  global_actions = [
    "iam:*", "sts:*", "route53:*", "route53domains:*", "cloudfront:*", "support:*", "health:*",
    "organizations:Describe*", "organizations:List*", "account:Get*", "s3:ListAllMyBuckets",
  ]

  # AWS managed policies the modules attach to their roles.
  attachable_policy_arns = coalesce(var.attachable_policy_arns, [
    for p in [
      "AmazonEKSClusterPolicy", "AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryPullOnly",
      "AmazonSSMManagedInstanceCore", "EC2InstanceProfileForImageBuilder", "EC2ImageBuilderExecutionPolicy",
      "service-role/AWS_ConfigRole", "CloudWatchAgentServerPolicy",
    ] : "${local.arn_prefix}:iam::aws:policy/${p}"
  ])

  # Services the project's roles are passed to.
  passed_to_services = [
    "ec2.amazonaws.com", "eks.amazonaws.com", "pods.eks.amazonaws.com", "vpc-flow-logs.amazonaws.com",
    "imagebuilder.amazonaws.com", "cloudtrail.amazonaws.com", "config.amazonaws.com", "ecr.amazonaws.com",
    "codebuild.amazonaws.com",
  ]

  # Service-linked roles the services create on first use.
  service_linked_roles = [
    "autoscaling.amazonaws.com", "elasticloadbalancing.amazonaws.com", "eks.amazonaws.com", "eks-nodegroup.amazonaws.com",
    "transitgateway.amazonaws.com", "guardduty.amazonaws.com", "malware-protection.guardduty.amazonaws.com",
    "inspector2.amazonaws.com", "securityhub.amazonaws.com", "config.amazonaws.com", "imagebuilder.amazonaws.com",
    "replication.ecr.amazonaws.com", "route53resolver.amazonaws.com",
  ]

  iam_project_arns = flatten([
    for p in var.resource_name_prefixes : [
      "${local.arn_prefix}:iam::${local.account_id}:role/${p}*",
      "${local.arn_prefix}:iam::${local.account_id}:instance-profile/${p}*",
      "${local.arn_prefix}:iam::${local.account_id}:policy/${p}*",
    ]
  ])
  iam_project_roles = [for p in var.resource_name_prefixes : "${local.arn_prefix}:iam::${local.account_id}:role/${p}*"]

  log_group_arns = flatten([
    for p in var.resource_name_prefixes : [
      for g in ["/${p}/", "/aws/eks/${p}", "/aws/vpc-flow-logs/${p}", "/aws/client-vpn/${p}", "/aws/imagebuilder/${p}", "/aws/cloudtrail/${p}", "/aws/codebuild/${p}"] :
      "${local.arn_prefix}:logs:*:${local.account_id}:log-group:${g}*"
    ]
  ])

  oidc_provider_arn_literal = "${local.arn_prefix}:iam::${local.account_id}:oidc-provider/${local.oidc_host}"

  # Image promotion (ADR 0404): the deploy copies the exact signed digest
  # from the previous environment's registry (another account) into this
  # account's. ReadOnlyAccess would let the role read any account's
  # repository that shares itself; the deny keeps image reads to this
  # account's repositories and the named source repositories only, so no
  # other registry's image can be copied into this environment.
  image_pull_actions = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]
  promotion_statements = concat(
    [{
      Sid         = "DenyImagesFromOtherAccounts"
      Effect      = "Deny"
      Action      = local.image_pull_actions
      NotResource = concat(["${local.arn_prefix}:ecr:*:${local.account_id}:repository/*"], var.promotion_source_repository_arns)
    }],
    length(var.promotion_source_repository_arns) == 0 ? [] : [{
      Sid      = "PullPromotedImagesFromPreviousEnvironment"
      Effect   = "Allow"
      Action   = local.image_pull_actions
      Resource = var.promotion_source_repository_arns
    }],
  )

  apply_statements = [
    {
      Sid       = "DenyOutsideAllowedRegions"
      Effect    = "Deny"
      NotAction = local.global_actions
      Resource  = "*"
      Condition = { StringNotEquals = { "aws:RequestedRegion" = var.allowed_regions } }
    },
    {
      Sid    = "DenyLongTermCredentialsAndAccountChanges"
      Effect = "Deny"
      Action = [
        "iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile",
        "iam:AttachUserPolicy", "iam:PutUserPolicy", "iam:AddUserToGroup", "iam:CreateServiceSpecificCredential",
        "iam:UpdateAccountPasswordPolicy", "iam:DeleteAccountPasswordPolicy", "iam:CreateSAMLProvider",
        "iam:CreateOpenIDConnectProvider", "iam:DeleteRolePermissionsBoundary",
        "organizations:*", "account:*",
      ]
      Resource = "*"
    },
    {
      # CI cannot widen its own access: changes to these roles and the OIDC
      # provider are made by an administrator (they can still be read).
      Sid       = "DenyChangesToCiIdentity"
      Effect    = "Deny"
      NotAction = ["iam:Get*", "iam:List*"]
      Resource  = concat(values(local.role_arns), [local.oidc_provider_arn_literal])
    },
    {
      # The app secret's value is set out of band and never enters state.
      Sid      = "DenySecretValues"
      Effect   = "Deny"
      Action   = ["secretsmanager:GetSecretValue", "secretsmanager:BatchGetSecretValue", "secretsmanager:PutSecretValue"]
      Resource = "*"
    },
    {
      Sid      = "DenyStoppingTheTrail"
      Effect   = "Deny"
      Action   = "cloudtrail:StopLogging"
      Resource = "*"
    },
    {
      Sid      = "ProtectTheStateBucket"
      Effect   = "Deny"
      Action   = ["s3:DeleteBucket*", "s3:PutBucket*", "s3:PutLifecycleConfiguration", "s3:PutEncryptionConfiguration", "s3:PutReplicationConfiguration"]
      Resource = var.state_bucket_arn
    },
    {
      # Services whose resources carry generated ids, not names.
      Sid    = "ProjectServices"
      Effect = "Allow"
      Action = [
        "ec2:*", "elasticloadbalancing:*", "autoscaling:*", "eks:*", "cloudwatch:*", "route53:*", "route53resolver:*",
        "acm:*", "guardduty:*", "inspector2:*", "securityhub:*", "config:*", "imagebuilder:*",
      ]
      Resource = "*"
    },
    {
      # Keys can be created and administered; no data-plane use of them.
      Sid    = "KmsKeysWithoutDataAccess"
      Effect = "Allow"
      Action = [
        "kms:CreateKey", "kms:DescribeKey", "kms:GetKeyPolicy", "kms:PutKeyPolicy", "kms:GetKeyRotationStatus",
        "kms:EnableKeyRotation", "kms:ListResourceTags", "kms:TagResource", "kms:UntagResource",
        "kms:UpdateKeyDescription", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion",
      ]
      Resource = "*"
    },
    {
      Sid      = "KmsProjectAliases"
      Effect   = "Allow"
      Action   = ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"]
      Resource = concat([for p in var.resource_name_prefixes : "${local.arn_prefix}:kms:*:${local.account_id}:alias/${p}*"], ["${local.arn_prefix}:kms:*:${local.account_id}:key/*"])
    },
    {
      Sid       = "KmsGrantsForAwsServices"
      Effect    = "Allow"
      Action    = "kms:CreateGrant"
      Resource  = "*"
      Condition = { Bool = { "kms:GrantIsForAWSResource" = "true" } }
    },
    {
      Sid    = "IamProjectRoles"
      Effect = "Allow"
      Action = [
        "iam:CreateRole", "iam:DeleteRole", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy",
        "iam:TagRole", "iam:UntagRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:DetachRolePolicy",
        "iam:CreateInstanceProfile", "iam:DeleteInstanceProfile", "iam:AddRoleToInstanceProfile",
        "iam:RemoveRoleFromInstanceProfile", "iam:TagInstanceProfile", "iam:UntagInstanceProfile",
        "iam:CreatePolicy", "iam:DeletePolicy", "iam:CreatePolicyVersion", "iam:DeletePolicyVersion",
        "iam:SetDefaultPolicyVersion", "iam:TagPolicy", "iam:UntagPolicy",
      ]
      Resource = local.iam_project_arns
    },
    {
      # Only known managed policies and the project's own: never
      # AdministratorAccess on a role CI created.
      Sid      = "IamAttachKnownPolicies"
      Effect   = "Allow"
      Action   = "iam:AttachRolePolicy"
      Resource = local.iam_project_roles
      Condition = {
        ArnLike = {
          "iam:PolicyARN" = concat(local.attachable_policy_arns, [for p in var.resource_name_prefixes : "${local.arn_prefix}:iam::${local.account_id}:policy/${p}*"])
        }
      }
    },
    {
      Sid       = "IamPassProjectRoles"
      Effect    = "Allow"
      Action    = "iam:PassRole"
      Resource  = local.iam_project_roles
      Condition = { StringEquals = { "iam:PassedToService" = local.passed_to_services } }
    },
    {
      Sid       = "IamServiceLinkedRoles"
      Effect    = "Allow"
      Action    = "iam:CreateServiceLinkedRole"
      Resource  = "*"
      Condition = { StringEquals = { "iam:AWSServiceName" = local.service_linked_roles } }
    },
    {
      Sid      = "S3ProjectBuckets"
      Effect   = "Allow"
      Action   = "s3:*"
      Resource = flatten([for p in var.resource_name_prefixes : ["${local.arn_prefix}:s3:::${p}*", "${local.arn_prefix}:s3:::${p}*/*"]])
    },
    {
      Sid      = "LogsProjectGroups"
      Effect   = "Allow"
      Action   = "logs:*"
      Resource = local.log_group_arns
    },
    {
      Sid      = "SnsProjectTopics"
      Effect   = "Allow"
      Action   = "sns:*"
      Resource = [for p in var.resource_name_prefixes : "${local.arn_prefix}:sns:*:${local.account_id}:${p}*"]
    },
    {
      Sid      = "EcrProjectRepositories"
      Effect   = "Allow"
      Action   = "ecr:*"
      Resource = [for p in var.ecr_repository_prefixes : "${local.arn_prefix}:ecr:*:${local.account_id}:repository/${p}*"]
    },
    {
      Sid    = "EcrRegistrySettings"
      Effect = "Allow"
      Action = [
        "ecr:PutReplicationConfiguration", "ecr:PutRegistryScanningConfiguration", "ecr:PutRegistryPolicy",
        "ecr:DeleteRegistryPolicy", "ecr:CreatePullThroughCacheRule", "ecr:UpdatePullThroughCacheRule",
        "ecr:DeletePullThroughCacheRule", "ecr:ValidatePullThroughCacheRule", "ecr:CreateRepositoryCreationTemplate",
        "ecr:UpdateRepositoryCreationTemplate", "ecr:DeleteRepositoryCreationTemplate",
      ]
      Resource = "*"
    },
    {
      Sid      = "SecretsProjectSecrets"
      Effect   = "Allow"
      Action   = "secretsmanager:*"
      Resource = [for p in var.resource_name_prefixes : "${local.arn_prefix}:secretsmanager:*:${local.account_id}:secret:${p}*"]
    },
    {
      Sid    = "SsmProjectParameters"
      Effect = "Allow"
      Action = [
        "ssm:PutParameter", "ssm:DeleteParameter", "ssm:DeleteParameters", "ssm:LabelParameterVersion",
        "ssm:AddTagsToResource", "ssm:RemoveTagsFromResource",
      ]
      Resource = "${local.arn_prefix}:ssm:*:${local.account_id}:parameter${var.ssm_parameter_path_prefix}*"
    },
    {
      # The deploy executor (ADR 0407): the project is managed here, and the
      # deploy job starts, watches and stops its builds. S3 (bundles, results)
      # and the build log group fall under S3ProjectBuckets and
      # LogsProjectGroups.
      Sid      = "CodeBuildProjectProjects"
      Effect   = "Allow"
      Action   = "codebuild:*"
      Resource = [for p in var.resource_name_prefixes : "${local.arn_prefix}:codebuild:*:${local.account_id}:project/${p}*"]
    },
    {
      # Bundles up, tokens down: data keys of the executors' keys only, and
      # only through S3.
      Sid      = "KmsDeployExecutorObjects"
      Effect   = "Allow"
      Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
      Resource = "${local.arn_prefix}:kms:*:${local.account_id}:key/*"
      Condition = {
        "ForAnyValue:StringLike" = { "kms:ResourceAliases" = [for p in var.resource_name_prefixes : "alias/${p}*-deploy-executor"] }
        StringLike               = { "kms:ViaService" = "s3.*.amazonaws.com" }
      }
    },
    {
      Sid      = "CloudTrailProjectTrails"
      Effect   = "Allow"
      Action   = "cloudtrail:*"
      Resource = [for p in var.resource_name_prefixes : "${local.arn_prefix}:cloudtrail:*:${local.account_id}:trail/${p}*"]
    },
  ]

  apply_policy = {
    Version   = "2012-10-17"
    Statement = concat(local.apply_statements, local.promotion_statements)
  }
}

resource "aws_iam_role_policy" "apply" {
  name   = "project-write"
  role   = aws_iam_role.ci["apply"].id
  policy = jsonencode(local.apply_policy)

  lifecycle {
    # IAM caps a role's inline policies at 10,240 characters in total; fail
    # at plan rather than half-way through an apply.
    precondition {
      condition     = length(jsonencode(local.apply_policy)) + length(jsonencode(local.state_policies["apply"])) < 10240
      error_message = "The apply role's inline policies exceed IAM's 10,240-character limit: use fewer or shorter resource_name_prefixes, ecr_repository_prefixes, allowed_regions or promotion_source_repository_arns."
    }

    precondition {
      condition     = alltrue([for a in var.promotion_source_repository_arns : split(":", a)[4] != local.account_id])
      error_message = "promotion_source_repository_arns must be repositories of other accounts (the previous environment's registry); this account's (${local.account_id}) repositories are readable already."
    }

    precondition {
      condition     = alltrue([for a in var.promotion_source_repository_arns : contains(var.allowed_regions, split(":", a)[3])])
      error_message = "Every promotion_source_repository_arns region must be in allowed_regions (${join(", ", var.allowed_regions)}): DenyOutsideAllowedRegions would refuse the pull."
    }
  }
}
