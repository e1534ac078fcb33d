# Jump host: one instance in the app VPC (an ASG of one across the jump-host
# subnets, so it comes back in another AZ if one fails). Its only job is to
# relay the operators' SSH port forwards to the EKS private API endpoint
# (docs/adr/0105-per-person-kubernetes-identity.md): kubectl runs on the
# operator's machine and signs its requests with the operator's own IAM
# identity, so the jump host needs no AWS permission at all.
#
# - SSH in from the bastion subnets only (operator_path "client_vpn"), or
#   from the EC2 Instance Connect Endpoint's security group only
#   ("instance_connect_endpoint"); HTTPS out to the EKS control-plane subnets
#   only (jump_host_https_egress_cidrs). The host itself is the same on both
#   paths: same image, same sshd, same user data.
# - No instance profile, no IAM role: nothing on the host can call AWS, and
#   there is no EKS access entry for it. No Systems Manager agent path either
#   (no role, no ssm/ssmmessages/ec2messages endpoints): SSH, through the
#   bastions or through the Instance Connect Endpoint's tunnel, is the only way
#   in (docs/adr/0104-one-operator-path.md).
# - sshd allows local port forwarding to the API endpoint on 443 only, and no
#   shell: it is a relay, not a workstation.

data "aws_ssm_parameter" "jump_host_ami" {
  name = var.jump_host_ami_ssm_parameter
}

locals {
  # sshd PermitOpen: exactly the API endpoint host when it is known, else any
  # host on 443 (the security group still limits where 443 may go).
  eks_endpoint_host     = var.eks_cluster_endpoint == null ? null : trimprefix(var.eks_cluster_endpoint, "https://")
  jump_host_permit_open = local.eks_endpoint_host == null ? "*:443" : "${local.eks_endpoint_host}:443"
}

resource "aws_security_group" "jump_host" {
  name        = "${var.name}-jump-host"
  description = local.client_vpn ? "Jump host: SSH from the bastion subnets; HTTPS to the EKS control-plane subnets" : "Jump host: SSH from the EC2 Instance Connect Endpoint; HTTPS to the EKS control-plane subnets"
  vpc_id      = var.app_vpc_id

  tags = merge(local.tags, { Name = "${var.name}-jump-host" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_launch_template" "jump_host" {
  name_prefix            = "${var.name}-jump-host-"
  description            = "${var.name} jump host"
  image_id               = data.aws_ssm_parameter.jump_host_ami.insecure_value
  instance_type          = var.jump_host_instance_type
  key_name               = local.key_name
  update_default_version = true
  ebs_optimized          = true

  user_data = base64encode(templatefile("${path.module}/templates/user_data.sh.tftpl", {
    role                 = "jump host"
    allow_tcp_forwarding = "local"
    permit_open          = local.jump_host_permit_open
    forward_only         = true
    patch_on_boot        = false
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
    security_groups             = [aws_security_group.jump_host.id]
  }

  monitoring {
    enabled = true
  }

  tag_specifications {
    resource_type = "volume"
    tags          = local.instance_tags.jump
  }

  tag_specifications {
    resource_type = "network-interface"
    tags          = local.instance_tags.jump
  }

  tags = merge(local.tags, { Name = "${var.name}-jump-host" })

  lifecycle {
    precondition {
      condition     = var.ebs_kms_key_arn == null || try(split(":", var.ebs_kms_key_arn)[1] == local.partition && split(":", var.ebs_kms_key_arn)[3] == local.region, false)
      error_message = "ebs_kms_key_arn must be a key of this partition and region (${local.partition}, ${local.region}): EBS cannot use a key of another region."
    }
  }
}

resource "aws_autoscaling_group" "jump_host" {
  name                      = "${var.name}-jump-host"
  min_size                  = 1
  max_size                  = 1
  desired_capacity          = 1
  vpc_zone_identifier       = [for az in sort(keys(var.jump_host_subnets)) : var.jump_host_subnets[az].id]
  health_check_type         = "EC2"
  health_check_grace_period = 120
  max_instance_lifetime     = var.instance_max_lifetime_days * 86400
  termination_policies      = ["OldestInstance"]

  launch_template {
    id      = aws_launch_template.jump_host.id
    version = aws_launch_template.jump_host.latest_version
  }

  instance_refresh {
    strategy = "Rolling"

    preferences {
      min_healthy_percentage = 0
    }
  }

  dynamic "tag" {
    for_each = local.instance_tags.jump

    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }
}
