# Jump host: one instance in the app VPC (an ASG of one across the jump-host
# subnets, so it comes back in another AZ if one fails). SSH in from the
# bastion subnets only; out, HTTPS inside the app VPC only (EKS private API
# endpoint, VPC endpoints for SSM, STS, ...). Its role has SSM core and
# eks:DescribeCluster; Kubernetes rights come from an EKS access entry.

data "aws_ssm_parameter" "jump_host_ami" {
  name = var.jump_host_ami_ssm_parameter
}

resource "aws_security_group" "jump_host" {
  name        = "${var.name}-jump-host"
  description = "Jump host: SSH from the bastion subnets; HTTPS inside the app VPC"
  vpc_id      = var.app_vpc_id

  tags = merge(local.tags, { Name = "${var.name}-jump-host" })

  lifecycle {
    create_before_destroy = true
  }
}

data "aws_iam_policy_document" "jump_host_assume" {
  statement {
    sid     = "Ec2"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    # No aws:SourceAccount/SourceArn condition: EC2 does not supply them when
    # it assumes an instance-profile role, so such a condition would break it.
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "jump_host" {
  name                 = "${var.name}-jump-host"
  description          = "${var.name} jump host: SSM core and read access to the EKS cluster"
  assume_role_policy   = data.aws_iam_policy_document.jump_host_assume.json
  max_session_duration = 3600

  tags = merge(local.tags, { Name = "${var.name}-jump-host" })
}

resource "aws_iam_role_policy_attachment" "jump_host_ssm" {
  role       = aws_iam_role.jump_host.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

data "aws_iam_policy_document" "jump_host_eks" {
  count = var.eks_cluster_arn == null ? 0 : 1

  statement {
    sid       = "DescribeTheCluster"
    effect    = "Allow"
    actions   = ["eks:DescribeCluster"]
    resources = [var.eks_cluster_arn]
  }
}

resource "aws_iam_role_policy" "jump_host_eks" {
  count = var.eks_cluster_arn == null ? 0 : 1

  name   = "describe-eks-cluster"
  role   = aws_iam_role.jump_host.id
  policy = data.aws_iam_policy_document.jump_host_eks[0].json
}

resource "aws_iam_instance_profile" "jump_host" {
  name = "${var.name}-jump-host"
  role = aws_iam_role.jump_host.name

  tags = merge(local.tags, { Name = "${var.name}-jump-host" })
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
    allow_tcp_forwarding = "no"
    permit_open          = "none"
    patch_on_boot        = false
  }))

  iam_instance_profile {
    arn = aws_iam_instance_profile.jump_host.arn
  }

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
