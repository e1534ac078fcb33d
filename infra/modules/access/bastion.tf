# Bastions (operator_path "client_vpn" only; nothing in this file exists with
# "instance_connect_endpoint"): one per AZ (an ASG of one in each), private IPs
# only, IMDSv2 with hop limit 1, encrypted gp3, hardened sshd that only relays
# SSH to port 22 (ssh -J) and gives no shell. SSH in from the Client VPN only; out, SSH to the
# jump-host subnets and HTTPS to the package repositories. No IAM role.

data "aws_ssm_parameter" "bastion_ami" {
  count = local.client_vpn ? 1 : 0

  name = var.bastion_ami_ssm_parameter
}

# The Amazon Linux repositories are S3 buckets; the security VPC's S3 gateway
# endpoint (modules/network) serves them without the internet.
data "aws_ec2_managed_prefix_list" "s3" {
  count = local.client_vpn && var.bastion_patch_prefix_list_ids == null ? 1 : 0

  name = "com.amazonaws.${local.region}.s3"
}

locals {
  bastion_patch_prefix_list_ids = coalesce(var.bastion_patch_prefix_list_ids, try([data.aws_ec2_managed_prefix_list.s3[0].id], []))

  instance_tags = {
    bastion = merge(local.tags, { Name = "${var.name}-bastion", "access/role" = "bastion" })
    jump    = merge(local.tags, { Name = "${var.name}-jump-host", "access/role" = "jump-host" })
  }
}

resource "aws_security_group" "bastion" {
  count = local.client_vpn ? 1 : 0

  name        = "${var.name}-bastion"
  description = "Bastions: SSH from the Client VPN; SSH to the jump host; HTTPS to package repositories"
  vpc_id      = var.security_vpc_id

  tags = merge(local.tags, { Name = "${var.name}-bastion" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_launch_template" "bastion" {
  count = local.client_vpn ? 1 : 0

  name_prefix            = "${var.name}-bastion-"
  description            = "${var.name} bastion"
  image_id               = data.aws_ssm_parameter.bastion_ami[0].insecure_value
  instance_type          = var.bastion_instance_type
  key_name               = local.key_name
  update_default_version = true
  ebs_optimized          = true

  user_data = base64encode(templatefile("${path.module}/templates/user_data.sh.tftpl", {
    role                 = "bastion"
    allow_tcp_forwarding = "local"
    permit_open          = "*:22"
    forward_only         = true
    patch_on_boot        = true
  }))

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
    http_protocol_ipv6          = "disabled"
    instance_metadata_tags      = "disabled"
  }

  block_device_mappings {
    device_name = "/dev/xvda"

    ebs {
      volume_type           = "gp3"
      volume_size           = var.root_volume_size_gb
      encrypted             = "true"
      kms_key_id            = var.ebs_kms_key_arn
      delete_on_termination = "true"
    }
  }

  network_interfaces {
    device_index                = 0
    associate_public_ip_address = "false"
    delete_on_termination       = "true"
    security_groups             = [aws_security_group.bastion[0].id]
  }

  monitoring {
    enabled = true
  }

  tag_specifications {
    resource_type = "volume"
    tags          = local.instance_tags.bastion
  }

  tag_specifications {
    resource_type = "network-interface"
    tags          = local.instance_tags.bastion
  }

  tags = merge(local.tags, { Name = "${var.name}-bastion" })

  lifecycle {
    precondition {
      condition     = var.ebs_kms_key_arn == null || try(split(":", var.ebs_kms_key_arn)[1] == local.partition && split(":", var.ebs_kms_key_arn)[3] == local.region, false)
      error_message = "ebs_kms_key_arn must be a key of this partition and region (${local.partition}, ${local.region}): EBS cannot use a key of another region."
    }
  }
}

# One ASG per AZ: exactly one bastion in each AZ, replaced in place if it fails.
resource "aws_autoscaling_group" "bastion" {
  for_each = local.client_vpn ? var.bastion_subnets : {}

  name                      = "${var.name}-bastion-${each.key}"
  min_size                  = 1
  max_size                  = 1
  desired_capacity          = 1
  vpc_zone_identifier       = [each.value.id]
  health_check_type         = "EC2"
  health_check_grace_period = 120
  max_instance_lifetime     = var.instance_max_lifetime_days * 86400
  termination_policies      = ["OldestInstance"]

  launch_template {
    id      = aws_launch_template.bastion[0].id
    version = aws_launch_template.bastion[0].latest_version
  }

  instance_refresh {
    strategy = "Rolling"

    preferences {
      min_healthy_percentage = 0
    }
  }

  dynamic "tag" {
    for_each = merge(local.instance_tags.bastion, { Name = "${var.name}-bastion-${each.key}" })

    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }
}
