variable "name" {
  description = "Name prefix for every resource (e.g. \"org-app\"). Lower-case letters, digits and hyphens, 2-24 characters, starting with a letter."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,22}[a-z0-9]$", var.name))
    error_message = "name must be 2-24 characters of lower-case letters, digits and hyphens, start with a letter and not end with a hyphen."
  }
}

# --- Where builds run -----------------------------------------------------------

variable "vpc_id" {
  description = "Security VPC id (modules/network output vpc_ids.security): the build and test instances' security group lives here."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-z]+$", var.vpc_id))
    error_message = "vpc_id must be a VPC id (vpc-...)."
  }
}

variable "subnet_id" {
  description = "Private subnet of the security VPC for build and test instances (one of modules/network output security_private_subnet_ids). Its route to 0.0.0.0/0 goes through the Transit Gateway to the LB VPC NAT gateways."
  type        = string

  validation {
    condition     = can(regex("^subnet-[0-9a-z]+$", var.subnet_id))
    error_message = "subnet_id must be a subnet id (subnet-...)."
  }
}

variable "https_egress_cidrs" {
  description = "IPv4 CIDRs the build instance may reach on TCP 443 (its only egress): Systems Manager, Image Builder, CloudWatch Logs and S3 endpoints, the Amazon Linux repositories and the ClamAV signature CDN. Default 0.0.0.0/0 on 443 only, because those are public AWS and CDN endpoints reached through NAT; narrow it with a proxy or endpoints if you have them."
  type        = list(string)
  default     = ["0.0.0.0/0"]
  nullable    = false

  validation {
    condition = alltrue([
      for c in var.https_egress_cidrs :
      can(regex("^[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}$", c)) && try(cidrsubnet(c, 0, 0) == c, false)
    ])
    error_message = "https_egress_cidrs must be IPv4 network CIDRs such as \"10.0.0.0/8\" or \"0.0.0.0/0\"."
  }
}

variable "https_egress_prefix_list_ids" {
  description = "Managed prefix lists the build instance may reach on TCP 443, in addition to https_egress_cidrs (e.g. the region's S3 prefix list when https_egress_cidrs is narrowed)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for p in var.https_egress_prefix_list_ids : can(regex("^pl-[0-9a-z]+$", p))])
    error_message = "https_egress_prefix_list_ids must be prefix list ids (pl-...)."
  }
}

variable "instance_types" {
  description = "Instance types for build and test instances (x86_64). ClamAV needs about 2 GiB of memory to load its signatures, so the default has 4 GiB."
  type        = list(string)
  default     = ["t3.medium"]
  nullable    = false

  validation {
    condition     = length(var.instance_types) >= 1 && alltrue([for t in var.instance_types : can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", t))])
    error_message = "instance_types must hold at least one EC2 instance type such as \"t3.medium\"."
  }
}

# --- What is built --------------------------------------------------------------

variable "parent_image" {
  description = "Parent image: null for the Image Builder managed Amazon Linux 2023 x86 image (arn:<partition>:imagebuilder:<region>:aws:image/amazon-linux-2023-x86/x.x.x, always the newest), or an AMI id (ami-...), an Image Builder image ARN, or \"ssm:<parameter>\"."
  type        = string
  default     = null

  validation {
    condition     = var.parent_image == null || can(regex("^(ami-[0-9a-f]{8,17}|arn:aws[a-z-]*:imagebuilder:[a-z0-9-]+:(aws|[0-9]{12}):image/[a-z0-9-]+/[0-9x]+\\.[0-9x]+\\.[0-9x]+(/[0-9]+)?|ssm:/[A-Za-z0-9_./-]+)$", var.parent_image))
    error_message = "parent_image must be null, an AMI id, an Image Builder image ARN or \"ssm:/<parameter>\"."
  }
}

variable "root_volume_size_gb" {
  description = "Root volume of the image (encrypted gp3), in GiB: 8 to 100."
  type        = number
  default     = 20

  validation {
    condition     = var.root_volume_size_gb >= 8 && var.root_volume_size_gb <= 100 && floor(var.root_volume_size_gb) == var.root_volume_size_gb
    error_message = "root_volume_size_gb must be a whole number from 8 to 100."
  }
}

variable "ami_kms_key_arns" {
  description = "KMS key for the image's EBS snapshots, per distribution region ({ <region> = <key ARN> }). Empty: the account's default EBS key (aws/ebs) in every region. When set, every distribution region needs a key (KMS keys are regional)."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for k in values(var.ami_kms_key_arns) : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", k))])
    error_message = "ami_kms_key_arns values must be KMS key ARNs (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "kubectl_version" {
  description = "kubectl version to install for the jump host (e.g. \"1.36.1\", within one minor of the cluster), downloaded from dl.k8s.io and checked against its published SHA-256. Null: no kubectl."
  type        = string
  default     = null

  validation {
    condition     = var.kubectl_version == null || can(regex("^1\\.[0-9]{2}\\.[0-9]{1,2}$", var.kubectl_version))
    error_message = "kubectl_version must be a full Kubernetes version such as \"1.36.1\"."
  }
}

variable "clamav_private_mirror" {
  description = "HTTPS URL of a private ClamAV signature mirror (freshclam PrivateMirror) that instances built from the image can reach (e.g. through the S3 gateway endpoint). Null: signatures are fetched from the ClamAV CDN at build time only and refreshed by the monthly rebuild, because the bastions have no internet route."
  type        = string
  default     = null

  validation {
    condition     = var.clamav_private_mirror == null || can(regex("^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?$", var.clamav_private_mirror))
    error_message = "clamav_private_mirror must be an https:// URL."
  }
}

variable "clamav_scan_on_calendar" {
  description = "When the scheduled ClamAV scan of the whole file system runs, as a systemd OnCalendar expression (e.g. \"Sun *-*-* 03:30:00\" or \"daily\")."
  type        = string
  default     = "Sun *-*-* 03:30:00"

  validation {
    condition     = can(regex("^[A-Za-z0-9*:,. /~-]{1,64}$", var.clamav_scan_on_calendar))
    error_message = "clamav_scan_on_calendar must be a systemd OnCalendar expression (letters, digits, and * : , . / ~ - and spaces)."
  }
}

variable "extra_component_arns" {
  description = "Further build components, run after the hardening and antivirus components and before the AIDE baseline (e.g. an AWS-managed STIG component such as arn:aws:imagebuilder:<region>:aws:component/stig-build-linux-medium/x.x.x once it supports Amazon Linux 2023 in your region)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for a in var.extra_component_arns : can(regex("^arn:aws[a-z-]*:imagebuilder:[a-z0-9-]+:(aws|[0-9]{12}):component/[a-z0-9-]+/[0-9x]+\\.[0-9x]+\\.[0-9x]+(/[0-9]+)?$", a))])
    error_message = "extra_component_arns must be Image Builder component ARNs (arn:aws:imagebuilder:<region>:<aws|account>:component/<name>/<version>)."
  }
}

# --- When and where -------------------------------------------------------------

variable "schedule_expression" {
  description = "When the pipeline builds: a monthly Image Builder cron expression, cron(<minute> <hour> <day> * <day-of-week> *) with either a day of month (1-28, L or nW) and day-of-week \"?\", or day \"?\" and an nth/last weekday (e.g. 1#1 = first Sunday, MONL = last Monday)."
  type        = string
  default     = "cron(0 3 ? * 1#1 *)"

  validation {
    condition = can(regex(
      "^cron\\(([0-9]|[1-5][0-9]) ([0-9]|1[0-9]|2[0-3]) ((([1-9]|1[0-9]|2[0-8])W?|L|LW) \\* \\?|\\? \\* ([1-7]|SUN|MON|TUE|WED|THU|FRI|SAT|sun|mon|tue|wed|thu|fri|sat)(#[1-4]|L)) \\*\\)$",
      var.schedule_expression
    ))
    error_message = "schedule_expression must run once a month: cron(<minute> <hour> <day 1-28|L|nW> * ? *) or cron(<minute> <hour> ? * <weekday>#<1-4>|<weekday>L *), e.g. \"cron(0 3 ? * 1#1 *)\"."
  }
}

variable "schedule_timezone" {
  description = "IANA time zone of schedule_expression (e.g. \"Etc/UTC\", \"America/New_York\")."
  type        = string
  default     = "Etc/UTC"

  validation {
    condition     = can(regex("^[A-Za-z]+(/[A-Za-z0-9_+-]+){0,2}$", var.schedule_timezone))
    error_message = "schedule_timezone must be an IANA time zone name such as \"Etc/UTC\"."
  }
}

variable "pipeline_execution_start_condition" {
  description = "EXPRESSION_MATCH_ONLY (build on every scheduled run: security updates published since the parent image are applied monthly) or EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE (build only when the parent image or a component has a newer version)."
  type        = string
  default     = "EXPRESSION_MATCH_ONLY"

  validation {
    condition     = contains(["EXPRESSION_MATCH_ONLY", "EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE"], var.pipeline_execution_start_condition)
    error_message = "pipeline_execution_start_condition must be EXPRESSION_MATCH_ONLY or EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE."
  }
}

variable "pipeline_enabled" {
  description = "Whether the pipeline runs on its schedule (false: DISABLED, manual runs only)."
  type        = bool
  default     = true
  nullable    = false
}

variable "image_scanning_enabled" {
  description = "Scan each new image with Amazon Inspector (requires Inspector enabled for EC2 in the build region: modules/security)."
  type        = bool
  default     = true
  nullable    = false
}

variable "image_tests_timeout_minutes" {
  description = "Time limit of the test stage, in minutes: 60 to 1440."
  type        = number
  default     = 60

  validation {
    condition     = var.image_tests_timeout_minutes >= 60 && var.image_tests_timeout_minutes <= 1440 && floor(var.image_tests_timeout_minutes) == var.image_tests_timeout_minutes
    error_message = "image_tests_timeout_minutes must be a whole number from 60 to 1440."
  }
}

variable "distribution_regions" {
  description = "Regions the AMI is copied to, each with its own SSM parameter. Null: the build region only. Include the build region."
  type        = list(string)
  default     = null

  validation {
    condition     = var.distribution_regions == null || try(length(var.distribution_regions) >= 1 && alltrue([for r in var.distribution_regions : can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", r))]) && length(distinct(var.distribution_regions)) == length(var.distribution_regions), false)
    error_message = "distribution_regions must be a non-empty list of distinct AWS region names such as \"us-east-1\"."
  }
}

variable "ami_ssm_parameter_name" {
  description = "SSM parameter Image Builder writes the new AMI id to, in every distribution region (data type aws:ec2:image). Pass the same name to modules/access as bastion_ami_ssm_parameter and jump_host_ami_ssm_parameter."
  type        = string
  default     = "/org-app/ami/hardened-al2023"

  validation {
    condition     = can(regex("^/[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$", var.ami_ssm_parameter_name)) && length(var.ami_ssm_parameter_name) <= 1011 && !startswith(lower(var.ami_ssm_parameter_name), "/aws/")
    error_message = "ami_ssm_parameter_name must be a path such as \"/org-app/ami/hardened-al2023\" (letters, digits, _ . - separated by /), not under /aws/."
  }
}

variable "seed_ami_ssm_parameter" {
  description = "Create the SSM parameter in every distribution region now, holding the current stock AL2023 AMI until the first build replaces it, so launch templates that read it plan before the first build. Later values written by Image Builder are left alone."
  type        = bool
  default     = true
  nullable    = false
}

# --- Logs and notifications -----------------------------------------------------

variable "log_retention_days" {
  description = "Retention of the build log group (/aws/imagebuilder/<recipe>). One of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  type        = number
  default     = 90

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "log_kms_key_arn" {
  description = "KMS key for the build log group (its key policy must allow logs.<region>.amazonaws.com). Null: CloudWatch Logs' own encryption."
  type        = string
  default     = null

  validation {
    condition     = var.log_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.log_kms_key_arn))
    error_message = "log_kms_key_arn must be a KMS key ARN."
  }
}

variable "notification_topic_arn" {
  description = "SNS topic Image Builder notifies of each build's result (e.g. modules/observability alarm_topic_arn). Null: none."
  type        = string
  default     = null

  validation {
    condition     = var.notification_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$", var.notification_topic_arn))
    error_message = "notification_topic_arn must be an SNS topic ARN."
  }
}

variable "tags" {
  description = "Tags added to every resource (and to the AMIs)."
  type        = map(string)
  default     = {}
  nullable    = false
}
