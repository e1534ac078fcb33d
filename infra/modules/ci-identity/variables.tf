variable "name" {
  description = "Name prefix of the CI roles (e.g. \"org-app-prod\" gives org-app-prod-ci-plan, -ci-apply, -ci-build). Lower-case letters, digits and hyphens, 2-32 characters, starting with a letter."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,30}[a-z0-9]$", var.name))
    error_message = "name must be 2-32 characters of lower-case letters, digits and hyphens, start with a letter and not end with a hyphen."
  }
}

# --- GitHub ------------------------------------------------------------------------

variable "create_oidc_provider" {
  description = "Create the account's GitHub Actions OIDC provider (token.actions.githubusercontent.com). There is one per account: false when it exists already, then pass oidc_provider_arn."
  type        = bool
  default     = true
  nullable    = false
}

variable "oidc_provider_arn" {
  description = "ARN of an existing GitHub Actions OIDC provider, used when create_oidc_provider is false."
  type        = string
  default     = null

  validation {
    condition     = var.oidc_provider_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/token\\.actions\\.githubusercontent\\.com$", var.oidc_provider_arn))
    error_message = "oidc_provider_arn must be the ARN of the token.actions.githubusercontent.com OIDC provider (arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com)."
  }

  validation {
    condition     = var.create_oidc_provider || var.oidc_provider_arn != null
    error_message = "oidc_provider_arn is required when create_oidc_provider is false."
  }
}

variable "oidc_thumbprints" {
  description = "Certificate thumbprints of the OIDC provider. Empty: none (IAM verifies GitHub's certificate through its own trust store; hashicorp/aws 6.x makes them optional)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for t in var.oidc_thumbprints : can(regex("^[0-9a-fA-F]{40}$", t))])
    error_message = "oidc_thumbprints must be SHA-1 thumbprints (40 hex digits)."
  }
}

variable "github_owner" {
  description = "GitHub organisation or user that owns the repository (exact, no wildcard)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9-]{0,38}$", var.github_owner))
    error_message = "github_owner must be a GitHub owner name: letters, digits and hyphens, 1-39 characters (no \"*\" or other wildcard)."
  }
}

variable "github_repository" {
  description = "Repository name, without the owner (exact, no wildcard)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,100}$", var.github_repository)) && !contains([".", ".."], var.github_repository)
    error_message = "github_repository must be a repository name: letters, digits, \".\", \"_\" and \"-\", 1-100 characters (no \"*\" or other wildcard)."
  }
}

variable "plan_branches" {
  description = "Branches whose workflows may assume the plan role (subject repo:<owner>/<repo>:ref:refs/heads/<branch>), e.g. [\"main\"]. Exact names: no wildcard."
  type        = list(string)
  default     = ["main"]
  nullable    = false

  validation {
    condition     = alltrue([for b in var.plan_branches : can(regex("^[A-Za-z0-9._/-]{1,255}$", b)) && !strcontains(b, "..") && !startswith(b, "/") && !endswith(b, "/")])
    error_message = "plan_branches must be exact branch names (letters, digits, \".\", \"_\", \"-\", \"/\"; no \"*\", \"?\" or \"..\")."
  }
}

variable "plan_environments" {
  description = "GitHub environments whose jobs may assume the plan role (subject repo:<owner>/<repo>:environment:<environment>). Exact names: no wildcard."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for e in var.plan_environments : can(regex("^[A-Za-z0-9._-]{1,255}$", e))])
    error_message = "plan_environments must be exact environment names (letters, digits, \".\", \"_\", \"-\"; no \"*\" or other wildcard)."
  }

  validation {
    condition     = length(var.plan_branches) + length(var.plan_environments) > 0
    error_message = "The plan role needs at least one branch in plan_branches or one environment in plan_environments."
  }
}

variable "apply_branches" {
  description = "Branches whose workflows may assume the apply role. Prefer apply_environments (a GitHub environment can require reviewers). Exact names: no wildcard."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for b in var.apply_branches : can(regex("^[A-Za-z0-9._/-]{1,255}$", b)) && !strcontains(b, "..") && !startswith(b, "/") && !endswith(b, "/")])
    error_message = "apply_branches must be exact branch names (letters, digits, \".\", \"_\", \"-\", \"/\"; no \"*\", \"?\" or \"..\")."
  }
}

variable "apply_environments" {
  description = "GitHub environments whose jobs may assume the apply role (e.g. [\"prod\"] in the prod account, protected by required reviewers). Exact names: no wildcard."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for e in var.apply_environments : can(regex("^[A-Za-z0-9._-]{1,255}$", e))])
    error_message = "apply_environments must be exact environment names (letters, digits, \".\", \"_\", \"-\"; no \"*\" or other wildcard)."
  }

  validation {
    condition     = length(var.apply_branches) + length(var.apply_environments) > 0
    error_message = "The apply role needs at least one branch in apply_branches or one environment in apply_environments."
  }
}

variable "build_branches" {
  description = "Branches whose workflows may assume the image build role (ECR push). Exact names: no wildcard."
  type        = list(string)
  default     = ["main"]
  nullable    = false

  validation {
    condition     = alltrue([for b in var.build_branches : can(regex("^[A-Za-z0-9._/-]{1,255}$", b)) && !strcontains(b, "..") && !startswith(b, "/") && !endswith(b, "/")])
    error_message = "build_branches must be exact branch names (letters, digits, \".\", \"_\", \"-\", \"/\"; no \"*\", \"?\" or \"..\")."
  }
}

variable "build_environments" {
  description = "GitHub environments whose jobs may assume the image build role. Exact names: no wildcard."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for e in var.build_environments : can(regex("^[A-Za-z0-9._-]{1,255}$", e))])
    error_message = "build_environments must be exact environment names (letters, digits, \".\", \"_\", \"-\"; no \"*\" or other wildcard)."
  }
}

# --- What the roles reach ----------------------------------------------------------

variable "state_bucket_arn" {
  description = "ARN of the OpenTofu state bucket (arn:aws:s3:::<bucket>)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket_arn))
    error_message = "state_bucket_arn must be an S3 bucket ARN (arn:aws:s3:::<bucket>)."
  }
}

variable "state_key_prefix" {
  description = "Key prefix of this project's state objects in the bucket (e.g. \"k8s-cluster-infra/\"). Empty: the whole bucket."
  type        = string
  default     = ""
  nullable    = false

  validation {
    condition     = var.state_key_prefix == "" || can(regex("^[A-Za-z0-9!_.'()/-]+/$", var.state_key_prefix))
    error_message = "state_key_prefix must be empty or a key prefix ending in \"/\" (no \"*\")."
  }
}

variable "state_kms_key_arn" {
  description = "KMS key encrypting the state bucket (both roles may use it for state objects). Null: the bucket uses SSE-S3."
  type        = string
  default     = null

  validation {
    condition     = var.state_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]+$", var.state_kms_key_arn))
    error_message = "state_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "allowed_regions" {
  description = "Regions the apply role may act in (global services such as IAM and Route 53 excepted)."
  type        = list(string)
  default     = ["us-east-1", "us-west-2"]
  nullable    = false

  validation {
    condition     = length(var.allowed_regions) >= 1 && alltrue([for r in var.allowed_regions : can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", r))])
    error_message = "allowed_regions must hold AWS region names such as \"us-east-1\" (no wildcard)."
  }
}

variable "resource_name_prefixes" {
  description = "Name prefixes of the project's IAM roles, policies and instance profiles, S3 buckets, SNS topics, Secrets Manager secrets, CloudTrail trails, EKS clusters and log groups under /aws/<service>/: the apply role may change only those. Every stack's `name` should start with one of them."
  type        = list(string)
  default     = ["org-app"]
  nullable    = false

  validation {
    condition     = length(var.resource_name_prefixes) >= 1 && alltrue([for p in var.resource_name_prefixes : can(regex("^[a-z][a-z0-9-]{1,30}$", p))])
    error_message = "resource_name_prefixes must hold lower-case name prefixes of 2-31 letters, digits and hyphens (no wildcard)."
  }
}

variable "ssm_parameter_path_prefix" {
  description = "SSM parameter path the apply role may write (e.g. the image pipeline's /org-app/ami/...)."
  type        = string
  default     = "/org-app/"

  validation {
    condition     = can(regex("^/[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*/$", var.ssm_parameter_path_prefix)) && !startswith(lower(var.ssm_parameter_path_prefix), "/aws/")
    error_message = "ssm_parameter_path_prefix must be a path like \"/org-app/\" (starting and ending with \"/\", not under /aws/, no wildcard)."
  }
}

variable "ecr_repository_prefixes" {
  description = "ECR repository name prefixes the apply role may manage: the org-app repository and the pull-through cache prefixes (registry module)."
  type        = list(string)
  default     = ["org-app", "ecr-public", "k8s", "ghcr"]
  nullable    = false

  validation {
    condition     = length(var.ecr_repository_prefixes) >= 1 && alltrue([for p in var.ecr_repository_prefixes : can(regex("^[a-z0-9][a-z0-9._/-]{0,100}$", p))])
    error_message = "ecr_repository_prefixes must hold ECR repository name prefixes (lower-case; no wildcard)."
  }
}

variable "attachable_policy_arns" {
  description = "AWS managed policies the apply role may attach to the project's roles. Null: the ones the modules use (EKS cluster/worker/CNI/ECR pull, SSM core, Image Builder instance/execution, Config, CloudWatch agent). The project's own customer-managed policies (name prefixes) are always attachable."
  type        = list(string)
  default     = null

  validation {
    condition     = var.attachable_policy_arns == null || alltrue([for a in coalesce(var.attachable_policy_arns, []) : can(regex("^arn:aws[a-z-]*:iam::aws:policy/[A-Za-z0-9_/+=,.@-]+$", a)) && !strcontains(a, "*")])
    error_message = "attachable_policy_arns must be AWS managed policy ARNs (arn:aws:iam::aws:policy/...), without wildcards."
  }

  validation {
    condition     = var.attachable_policy_arns == null || alltrue([for a in coalesce(var.attachable_policy_arns, []) : !contains(["AdministratorAccess", "IAMFullAccess", "PowerUserAccess"], element(split("/", a), length(split("/", a)) - 1))])
    error_message = "attachable_policy_arns must not include AdministratorAccess, IAMFullAccess or PowerUserAccess."
  }
}

variable "ecr_repository_arn" {
  description = "ARN of the org-app ECR repository the build role pushes to (registry module output). Null: no build role."
  type        = string
  default     = null

  validation {
    condition     = var.ecr_repository_arn == null || can(regex("^arn:aws[a-z-]*:ecr:[a-z0-9-]+:[0-9]{12}:repository/[a-z0-9][a-z0-9._/-]*$", var.ecr_repository_arn))
    error_message = "ecr_repository_arn must be an ECR repository ARN (arn:aws:ecr:<region>:<account>:repository/<name>)."
  }
}

variable "promotion_source_repository_arns" {
  description = "ECR repositories of OTHER accounts the apply role copies released images from: the previous environment's org-app repository (staging: dev's, prod: staging's), e.g. [\"arn:aws:ecr:us-east-1:111122223333:repository/org-app\"] (ADR 0404). The apply role may pull (BatchGetImage, GetDownloadUrlForLayer, BatchCheckLayerAvailability) from exactly these, and image pulls from any other account's repository are denied. The source repository's policy must name this account's apply role (modules/registry promotion_pull_principal_arns). Empty: images only from this account's registries."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for a in var.promotion_source_repository_arns : can(regex("^arn:aws[a-z-]*:ecr:[a-z]{2}(-gov)?-[a-z]+-[0-9]:[0-9]{12}:repository/[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$", a))]) && length(distinct(var.promotion_source_repository_arns)) == length(var.promotion_source_repository_arns) && length(var.promotion_source_repository_arns) <= 5
    error_message = "promotion_source_repository_arns must hold at most 5 distinct ECR repository ARNs (arn:aws:ecr:<region>:<account>:repository/<name>), without wildcards."
  }
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary attached to the three CI roles (caps what they can do whatever their policies say). Null: none."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/[A-Za-z0-9_/+=,.@-]+$", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be an IAM policy ARN."
  }
}

variable "max_session_duration_seconds" {
  description = "Longest session a CI job gets, in seconds: 3600 to 43200."
  type        = number
  default     = 3600

  validation {
    condition     = var.max_session_duration_seconds >= 3600 && var.max_session_duration_seconds <= 43200 && floor(var.max_session_duration_seconds) == var.max_session_duration_seconds
    error_message = "max_session_duration_seconds must be a whole number from 3600 to 43200."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
  nullable    = false
}
