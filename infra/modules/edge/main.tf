# The public edge of one region, in the LB VPC: an internet-facing Network
# Load Balancer with one Elastic IP per AZ, a TLS listener on 443 and a target
# group of type ip whose targets (gateway pod IPs in the app VPC, reached over
# the Transit Gateway) are registered by AWS Load Balancer Controller
# TargetGroupBinding, never by Terraform. See README.md and ADR 0120.

data "aws_region" "current" {}

data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

locals {
  region     = data.aws_region.current.region
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id

  azs = sort(keys(var.public_subnet_ids))

  tags = merge(var.tags, { "terraform-module" = "edge" })
}

# One static public address per AZ: clients and allow-lists see fixed IPs, and
# a replaced NLB keeps them as long as the EIPs survive.
resource "aws_eip" "nlb" {
  for_each = var.public_subnet_ids

  domain = "vpc"

  tags = merge(local.tags, { Name = "${var.name}-nlb-${each.key}" })
}

resource "aws_lb" "this" {
  name               = "${var.name}-nlb"
  load_balancer_type = "network"
  internal           = false
  ip_address_type    = "ipv4"
  security_groups    = [aws_security_group.nlb.id]

  enable_cross_zone_load_balancing = true
  enable_deletion_protection       = var.deletion_protection

  dynamic "subnet_mapping" {
    for_each = var.public_subnet_ids

    content {
      subnet_id     = subnet_mapping.value
      allocation_id = aws_eip.nlb[subnet_mapping.key].id
    }
  }

  access_logs {
    bucket  = aws_s3_bucket.access_logs.id
    prefix  = var.access_log_prefix
    enabled = true
  }

  tags = merge(local.tags, { Name = "${var.name}-nlb" })

  # ELB checks the bucket policy when access logging is turned on.
  depends_on = [
    aws_s3_bucket_policy.access_logs,
    aws_s3_bucket_public_access_block.access_logs,
    aws_s3_bucket_server_side_encryption_configuration.access_logs,
  ]
}

# Targets: gateway pod IPs in the app VPC, outside this VPC, so they are
# registered (by TargetGroupBinding with vpcID = this VPC) with availability
# zone "all". Client IP preservation stays off: with it, pods would answer
# internet addresses, which the app VPC cannot route (ADR 0101).
resource "aws_lb_target_group" "gateway" {
  name                   = "${var.name}-gw${var.gateway_port}"
  target_type            = "ip"
  protocol               = "TCP"
  port                   = var.gateway_port
  vpc_id                 = var.vpc_id
  ip_address_type        = "ipv4"
  deregistration_delay   = tostring(var.deregistration_delay)
  connection_termination = true
  preserve_client_ip     = "false"
  proxy_protocol_v2      = var.proxy_protocol_v2

  health_check {
    enabled             = true
    protocol            = "TCP"
    port                = "traffic-port"
    interval            = var.health_check_interval
    timeout             = var.health_check_timeout
    healthy_threshold   = var.healthy_threshold
    unhealthy_threshold = var.unhealthy_threshold
  }

  tags = merge(local.tags, { Name = "${var.name}-gw${var.gateway_port}" })

  # The name carries the port, so a port change creates the new group first
  # and moves the listener to it before the old one is deleted.
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_lb_listener" "tls" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "TLS"
  certificate_arn   = var.certificate_arn
  ssl_policy        = var.ssl_policy
  # The NLB forwards the decrypted bytes to a plain HTTP/1.1 port: it must not
  # negotiate h2 with clients through ALPN.
  alpn_policy = "None"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.gateway.arn
  }

  tags = merge(local.tags, { Name = "${var.name}-tls-443" })

  lifecycle {
    precondition {
      condition     = split(":", var.certificate_arn)[3] == local.region
      error_message = "certificate_arn must be an ACM certificate in the NLB's region (${local.region}); ACM certificates are regional."
    }
  }
}
