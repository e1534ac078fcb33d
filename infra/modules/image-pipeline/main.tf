# EC2 Image Builder pipeline for the hardened Amazon Linux 2023 image of the
# bastions and the jump host: update, hardening, antivirus, file integrity,
# a test stage, a monthly schedule, distribution to every configured region
# and the AMI id written to an SSM parameter in each (read by modules/access).

data "aws_region" "current" {}

data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

locals {
  region     = data.aws_region.current.region
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id

  image_name           = "${var.name}-hardened-al2023"
  distribution_regions = coalesce(var.distribution_regions, [local.region])

  parent_image = coalesce(var.parent_image, "arn:${local.partition}:imagebuilder:${local.region}:aws:image/amazon-linux-2023-x86/x.x.x")

  ssm_parameter_arns = [
    for r in local.distribution_regions :
    "arn:${local.partition}:ssm:${r}:${local.account_id}:parameter${var.ami_ssm_parameter_name}"
  ]

  tags = merge(var.tags, { "terraform-module" = "image-pipeline" })
}

# --- Security group: egress TCP 443 only, no ingress ---------------------------
# Image Builder drives the build through Systems Manager (the agent polls out
# over HTTPS); nothing ever connects in.

locals {
  egress_rules = merge(
    { for c in var.https_egress_cidrs : "https-${c}" => { cidr = c, prefix_list = null } },
    { for p in var.https_egress_prefix_list_ids : "https-${p}" => { cidr = null, prefix_list = p } },
  )
}

resource "aws_security_group" "build" {
  name        = "${var.name}-image-build"
  description = "Image Builder build and test instances: HTTPS out only, nothing in"
  vpc_id      = var.vpc_id

  # No inline egress (the rules below), and no ingress at all: an empty list
  # also removes any ingress rule added outside OpenTofu.
  ingress = []

  tags = merge(local.tags, { Name = "${var.name}-image-build" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_egress_rule" "build" {
  for_each = local.egress_rules

  security_group_id = aws_security_group.build.id
  description       = "HTTPS to AWS APIs, package repositories and signature updates"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = each.value.cidr
  prefix_list_id    = each.value.prefix_list

  tags = merge(local.tags, { Name = "${var.name}-image-build-${each.key}" })
}

# --- Build instance role ----------------------------------------------------------
# Exactly what Image Builder requires of the instance: EC2InstanceProfileForImageBuilder
# (component documents, build logs, image metadata) and AmazonSSMManagedInstanceCore
# (Image Builder runs every build and test step as an SSM command on the
# instance; this is the build instance's control channel, not an operator path:
# the instance lives for the build and has no ingress).

locals {
  ec2_assume_policy = {
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  }

  instance_managed_policies = {
    image_builder = "arn:${local.partition}:iam::aws:policy/EC2InstanceProfileForImageBuilder"
    ssm_core      = "arn:${local.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"
  }
}

resource "aws_iam_role" "instance" {
  name               = "${var.name}-image-build-instance"
  description        = "Image Builder build and test instances of ${local.image_name}"
  assume_role_policy = jsonencode(local.ec2_assume_policy)

  tags = merge(local.tags, { Name = "${var.name}-image-build-instance" })
}

resource "aws_iam_role_policy_attachment" "instance" {
  for_each = local.instance_managed_policies

  role       = aws_iam_role.instance.name
  policy_arn = each.value
}

resource "aws_iam_instance_profile" "instance" {
  name = "${var.name}-image-build-instance"
  role = aws_iam_role.instance.name

  tags = merge(local.tags, { Name = "${var.name}-image-build-instance" })
}

# --- Execution role ------------------------------------------------------------------
# The role Image Builder itself assumes to run the pipeline (launch, snapshot,
# copy, distribute). A custom role instead of the service-linked one, because
# writing the AMI id to an SSM parameter outside /imagebuilder/ needs
# ssm:PutParameter that the service-linked role cannot be given.

locals {
  imagebuilder_assume_policy = {
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "imagebuilder.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  }

  execution_statements = [
    {
      on = true
      doc = {
        Sid      = "PublishTheAmiId"
        Effect   = "Allow"
        Action   = ["ssm:PutParameter", "ssm:GetParameter"]
        Resource = local.ssm_parameter_arns
      }
    },
    {
      # Needed to validate an aws:ec2:image parameter value; DescribeImages
      # supports no resource-level restriction.
      on = true
      doc = {
        Sid      = "ValidateTheAmiId"
        Effect   = "Allow"
        Action   = "ec2:DescribeImages"
        Resource = "*"
      }
    },
    {
      # The managed policy may pass roles to EC2 broadly; this pipeline passes
      # only its build instance role.
      on = true
      doc = {
        Sid         = "PassOnlyTheBuildInstanceRole"
        Effect      = "Deny"
        Action      = "iam:PassRole"
        NotResource = aws_iam_role.instance.arn
      }
    },
    {
      on = length(var.ami_kms_key_arns) > 0
      doc = {
        Sid      = "EncryptTheImageSnapshots"
        Effect   = "Allow"
        Action   = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant"]
        Resource = sort(values(var.ami_kms_key_arns))
      }
    },
  ]
}

resource "aws_iam_role" "execution" {
  name               = "${var.name}-image-pipeline-execution"
  description        = "EC2 Image Builder runs the ${local.image_name} pipeline with this role"
  assume_role_policy = jsonencode(local.imagebuilder_assume_policy)

  tags = merge(local.tags, { Name = "${var.name}-image-pipeline-execution" })
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/EC2ImageBuilderExecutionPolicy"
}

resource "aws_iam_role_policy" "execution" {
  name = "publish-ami-id"
  role = aws_iam_role.execution.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [for st in local.execution_statements : st.doc if st.on]
  })
}

# --- Build logs ------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "build" {
  name              = "/aws/imagebuilder/${local.image_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn

  tags = merge(local.tags, { Name = "${local.image_name}-build" })
}
