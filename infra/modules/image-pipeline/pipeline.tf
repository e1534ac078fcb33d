resource "aws_imagebuilder_infrastructure_configuration" "this" {
  name                          = local.image_name
  description                   = "Build and test instances in the security VPC: HTTPS out only, IMDSv2, terminated on failure"
  instance_profile_name         = aws_iam_instance_profile.instance.name
  instance_types                = var.instance_types
  subnet_id                     = var.subnet_id
  security_group_ids            = [aws_security_group.build.id]
  terminate_instance_on_failure = true
  sns_topic_arn                 = var.notification_topic_arn

  instance_metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  resource_tags = merge(local.tags, { Name = "${local.image_name}-build" })
  tags          = merge(local.tags, { Name = local.image_name })
}

resource "aws_imagebuilder_distribution_configuration" "this" {
  name        = local.image_name
  description = "${local.image_name} to ${join(", ", local.distribution_regions)}, AMI id in ${var.ami_ssm_parameter_name}"

  dynamic "distribution" {
    for_each = toset(local.distribution_regions)

    content {
      region = distribution.value

      ami_distribution_configuration {
        name        = "${local.image_name}-{{ imagebuilder:buildDate }}"
        description = "Hardened Amazon Linux 2023 (${var.name} image pipeline)"
        kms_key_id  = lookup(var.ami_kms_key_arns, distribution.value, null)
        ami_tags    = merge(local.tags, { Name = local.image_name, "image-pipeline" = local.image_name })
      }

      ssm_parameter_configuration {
        parameter_name = var.ami_ssm_parameter_name
        data_type      = "aws:ec2:image"
      }
    }
  }

  tags = merge(local.tags, { Name = local.image_name })

  lifecycle {
    precondition {
      condition     = length(var.ami_kms_key_arns) == 0 || alltrue([for r in local.distribution_regions : contains(keys(var.ami_kms_key_arns), r)])
      error_message = "ami_kms_key_arns must name a key for every distribution region (${join(", ", local.distribution_regions)}), or be empty."
    }
  }
}

resource "aws_imagebuilder_image_pipeline" "this" {
  name                             = local.image_name
  description                      = "Monthly hardened Amazon Linux 2023 for bastions and the jump host"
  image_recipe_arn                 = aws_imagebuilder_image_recipe.this.arn
  infrastructure_configuration_arn = aws_imagebuilder_infrastructure_configuration.this.arn
  distribution_configuration_arn   = aws_imagebuilder_distribution_configuration.this.arn
  execution_role                   = aws_iam_role.execution.arn
  enhanced_image_metadata_enabled  = true
  status                           = var.pipeline_enabled ? "ENABLED" : "DISABLED"

  schedule {
    schedule_expression                = var.schedule_expression
    timezone                           = var.schedule_timezone
    pipeline_execution_start_condition = var.pipeline_execution_start_condition
  }

  image_tests_configuration {
    image_tests_enabled = true
    timeout_minutes     = var.image_tests_timeout_minutes
  }

  image_scanning_configuration {
    image_scanning_enabled = var.image_scanning_enabled
  }

  tags = merge(local.tags, { Name = local.image_name })

  depends_on = [aws_iam_role_policy.execution, aws_iam_role_policy_attachment.execution, aws_cloudwatch_log_group.build]
}

# --- The SSM parameter, seeded ------------------------------------------------------------
# Launch templates read the parameter at plan time; seed it in every
# distribution region with the current stock AL2023 AMI so they plan before
# the first build. Image Builder overwrites the value after each build; the
# value is ignored here so OpenTofu never rolls it back.

data "aws_ssm_parameter" "stock_al2023" {
  for_each = var.seed_ami_ssm_parameter ? toset(local.distribution_regions) : toset([])

  region = each.value
  name   = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
}

resource "aws_ssm_parameter" "ami" {
  for_each = var.seed_ami_ssm_parameter ? toset(local.distribution_regions) : toset([])

  region      = each.value
  name        = var.ami_ssm_parameter_name
  description = "AMI id of the newest ${local.image_name} image (written by EC2 Image Builder; the stock AL2023 AMI until the first build)"
  type        = "String"
  data_type   = "aws:ec2:image"
  value       = data.aws_ssm_parameter.stock_al2023[each.value].insecure_value

  tags = merge(local.tags, { Name = local.image_name })

  lifecycle {
    ignore_changes = [value, insecure_value]
  }
}
