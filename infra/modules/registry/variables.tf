variable "name" {
  description = "Name prefix of the module's KMS key aliases and IAM role (e.g. \"org-app-prod\"). Lower-case letters, digits and hyphens, 2-32 characters, starting with a letter."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,30}[a-z0-9]$", var.name))
    error_message = "name must be 2-32 characters of lower-case letters, digits and hyphens, start with a letter and not end with a hyphen."
  }
}

variable "repository_name" {
  description = "Name of the application's ECR repository, created in the primary region (the provider's) and in every replica region."
  type        = string
  default     = "org-app"

  validation {
    condition     = length(var.repository_name) >= 2 && length(var.repository_name) <= 256 && can(regex("^[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$", var.repository_name))
    error_message = "repository_name must be 2-256 characters: lower-case letters and digits, separated by single '.', '_', '-' or '/' (e.g. \"org-app\")."
  }

  validation {
    condition     = !anytrue([for p in ["ecr-public", "k8s", "ghcr"] : var.repository_name == p || startswith(var.repository_name, "${p}/")])
    error_message = "repository_name must not be or start with a pull-through cache prefix (ecr-public, k8s, ghcr)."
  }
}

variable "replica_regions" {
  description = "Regions the repository is replicated to from the primary region (the provider's region), e.g. [\"us-west-2\"]. The module creates the repository (same settings, a KMS key of that region), the lifecycle and repository policies, and the pull-through cache rules in each of them, and one registry replication configuration in the primary region. Empty: no replication."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for r in var.replica_regions : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", r))])
    error_message = "replica_regions must hold region names such as \"us-west-2\"."
  }

  validation {
    condition     = length(distinct(var.replica_regions)) == length(var.replica_regions) && length(var.replica_regions) <= 10
    error_message = "replica_regions must not repeat a region and may hold at most 10 (the ECR limit of replication destinations)."
  }
}

variable "kms_key_arns" {
  description = "Existing KMS keys to encrypt the repositories with, by region ({ \"us-east-1\" = \"arn:aws:kms:us-east-1:...:key/...\" }). Regions not listed get a key made by this module (rotation on)."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition = alltrue([
      for region, arn in var.kms_key_arns :
      can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]+$", arn)) && try(split(":", arn)[3] == region, false)
    ])
    error_message = "kms_key_arns values must be KMS key ARNs (arn:aws:kms:<region>:<account>:key/<id>, not aliases) of the region they are listed under."
  }
}

variable "kms_key_deletion_window_days" {
  description = "Waiting period, in days, before a module-made KMS key is deleted after destroy: 7 to 30."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_key_deletion_window_days >= 7 && var.kms_key_deletion_window_days <= 30 && floor(var.kms_key_deletion_window_days) == var.kms_key_deletion_window_days
    error_message = "kms_key_deletion_window_days must be a whole number from 7 to 30."
  }
}

variable "max_image_count" {
  description = "Lifecycle: keep only the newest N release images, those with a tag matching release_tag_patterns (and, in the pull-through cache repositories, the newest N tagged images); older ones expire. Untagged manifests (platform images of an index, cosign signatures and attestations stored as OCI referrers) are never selected, so a kept release keeps its signatures. 1 to 1000."
  type        = number
  default     = 50

  validation {
    condition     = var.max_image_count >= 1 && var.max_image_count <= 1000 && floor(var.max_image_count) == var.max_image_count
    error_message = "max_image_count must be a whole number from 1 to 1000."
  }
}

variable "release_tag_patterns" {
  description = "Lifecycle: tag patterns of the release images max_image_count counts (ECR tagPatternList: an image is selected when one of its tags matches every pattern; \"*\" is the wildcard). Default: CI's tag sha-<commit>. Images with other tags never expire."
  type        = list(string)
  default     = ["sha-*"]
  nullable    = false

  validation {
    condition = length(var.release_tag_patterns) >= 1 && length(var.release_tag_patterns) <= 10 && alltrue([
      for p in var.release_tag_patterns : can(regex("^[A-Za-z0-9._*-]{1,128}$", p)) && length(regexall("\\*", p)) <= 4
    ])
    error_message = "release_tag_patterns must hold 1 to 10 tag patterns of letters, digits, '.', '_', '-' and at most 4 '*' wildcards each (e.g. \"sha-*\")."
  }
}

variable "pull_principal_arns" {
  description = "IAM role ARNs (of this account) that may pull images: the EKS node roles of every region, optionally the CI role. '*' wildcards are allowed (e.g. \"arn:aws:iam::111122223333:role/org-app-prod-*-node\"). When set, the repository policy (and that of the pull-through cache repositories) denies image pulls by any other principal except AWS service-linked roles. Empty: no repository policy; IAM alone decides."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for a in var.pull_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/*-]+$", a)) && !endswith(a, ":role/*")])
    error_message = "pull_principal_arns must be IAM role ARNs (arn:aws:iam::<account>:role/<path/name>, '*' allowed inside the name) and must not be the bare \"role/*\" wildcard."
  }
}

variable "promotion_pull_principal_arns" {
  description = "IAM roles of OTHER accounts that may pull from the application repository (every region): the next environment's CI apply role, which copies a released digest with its signature and attestations into its own registry (ADR 0404), e.g. [\"arn:aws:iam::444455556666:role/org-app-prod-ci-apply\"]. Exact role ARNs, no wildcard. The repository policy allows pull actions only (BatchGetImage, GetDownloadUrlForLayer, BatchCheckLayerAvailability) to those accounts, narrowed to these roles by aws:PrincipalArn; the cache repositories are not shared. Empty: no cross-account access."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for a in var.promotion_pull_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", a))]) && length(distinct(var.promotion_pull_principal_arns)) == length(var.promotion_pull_principal_arns)
    error_message = "promotion_pull_principal_arns must be distinct IAM role ARNs (arn:aws:iam::<account>:role/<path/name>) without wildcards."
  }
}

variable "repository_force_delete" {
  description = "Let destroy delete the repositories with their images. Off by default: destroy fails while images remain."
  type        = bool
  default     = false
  nullable    = false
}

# --- Pull-through cache ------------------------------------------------------

variable "enable_ecr_public_cache" {
  description = "Pull-through cache rule with repository prefix \"ecr-public\" for public.ecr.aws (no credentials), in every region of the module."
  type        = bool
  default     = true
  nullable    = false
}

variable "enable_k8s_cache" {
  description = "Pull-through cache rule with repository prefix \"k8s\" for registry.k8s.io (no credentials), in every region of the module."
  type        = bool
  default     = true
  nullable    = false
}

variable "enable_ghcr_cache" {
  description = "Pull-through cache rule with repository prefix \"ghcr\" for ghcr.io, in every region of the module. Needs ghcr_credential_arns for every region."
  type        = bool
  default     = false
  nullable    = false
}

variable "ghcr_credential_arns" {
  description = "Secrets Manager secret holding the GitHub user name and access token for ghcr.io, by region ({ \"us-east-1\" = \"arn:aws:secretsmanager:us-east-1:...:secret:ecr-pullthroughcache/ghcr-...\" }). ECR requires the secret in the rule's region and its name to start with \"ecr-pullthroughcache/\". The value is set out of band, never in Terraform."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition = alltrue([
      for region, arn in var.ghcr_credential_arns :
      can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:ecr-pullthroughcache/.+$", arn)) && try(split(":", arn)[3] == region, false)
    ])
    error_message = "ghcr_credential_arns values must be Secrets Manager secret ARNs of the region they are listed under, whose name starts with \"ecr-pullthroughcache/\"."
  }
}

variable "cache_image_tag_mutability" {
  description = "Tag mutability of the repositories ECR creates for the pull-through cache prefixes (repository creation template): IMMUTABLE (default; a cached tag keeps the image it was first pulled with) or MUTABLE (a cached tag follows the upstream tag when ECR re-syncs it)."
  type        = string
  default     = "IMMUTABLE"

  validation {
    condition     = contains(["IMMUTABLE", "MUTABLE"], var.cache_image_tag_mutability)
    error_message = "cache_image_tag_mutability must be IMMUTABLE or MUTABLE."
  }
}

variable "tags" {
  description = "Tags added to every resource (and to the repositories ECR creates for the cache prefixes)."
  type        = map(string)
  default     = {}
  nullable    = false
}
