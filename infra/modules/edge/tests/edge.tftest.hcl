# modules/edge planned against OpenTofu's mock provider (offline). Every
# assertion is on a value the module decides: the per-AZ EIPs and subnet
# mappings, the listener, the target group, the security group rules and the
# access log bucket with its policy.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { region = "us-east-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
}

override_resource {
  target = aws_security_group.nlb
  values = { id = "sg-nlb" }
}
override_resource {
  target = aws_lb.this
  values = {
    arn        = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/unit-nlb/0123456789abcdef"
    arn_suffix = "net/unit-nlb/0123456789abcdef"
    dns_name   = "unit-nlb-0123456789abcdef.elb.us-east-1.amazonaws.com"
    zone_id    = "Z26RNL4JYFTOTI"
  }
}
override_resource {
  target = aws_lb_target_group.gateway
  values = {
    arn        = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/unit-gw80/0123456789abcdef"
    arn_suffix = "targetgroup/unit-gw80/0123456789abcdef"
  }
}
override_resource {
  target = aws_s3_bucket.access_logs
  values = {
    id  = "unit-nlb-logs-20260101000000000000000001"
    arn = "arn:aws:s3:::unit-nlb-logs-20260101000000000000000001"
  }
}

variables {
  name   = "unit"
  vpc_id = "vpc-lb"
  public_subnet_ids = {
    "us-east-1a" = "subnet-lba"
    "us-east-1b" = "subnet-lbb"
    "us-east-1c" = "subnet-lbc"
  }
  gateway_cidrs   = ["10.100.0.0/19", "10.100.32.0/19", "10.100.64.0/19"]
  certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/0b6c3a52-1f1e-4c1a-9a51-6f1d2c3b4a5e"
}

run "nlb_per_az" {
  command = plan

  assert {
    condition     = length(aws_eip.nlb) == 3 && toset(keys(aws_eip.nlb)) == toset(["us-east-1a", "us-east-1b", "us-east-1c"])
    error_message = "There must be exactly one EIP per AZ."
  }

  assert {
    condition     = alltrue([for e in aws_eip.nlb : e.domain == "vpc"])
    error_message = "Every EIP must be a VPC EIP (domain = \"vpc\")."
  }

  assert {
    condition     = length(aws_lb.this.subnet_mapping) == 3
    error_message = "The NLB must have exactly one subnet mapping per AZ."
  }

  assert {
    condition = toset([for m in aws_lb.this.subnet_mapping : "${m.subnet_id}=${m.allocation_id}"]) == toset([
      for az, id in var.public_subnet_ids : "${id}=${aws_eip.nlb[az].id}"
    ])
    error_message = "Each AZ's public subnet must be mapped to that AZ's own EIP."
  }

  # The mock provider gives every instance of a resource the same id, so the
  # mapping above is checked by key; the EIPs themselves are told apart by
  # their per-AZ Name tags (the offline apply of the live roots gives each
  # instance its own id and checks the wiring on state).
  assert {
    condition = (
      length(distinct([for m in aws_lb.this.subnet_mapping : m.subnet_id])) == 3 &&
      toset([for az, e in aws_eip.nlb : e.tags.Name]) == toset(["unit-nlb-us-east-1a", "unit-nlb-us-east-1b", "unit-nlb-us-east-1c"])
    )
    error_message = "The subnet mappings must use three different subnets, and each AZ its own EIP."
  }

  assert {
    condition = (
      aws_lb.this.load_balancer_type == "network" &&
      aws_lb.this.internal == false &&
      aws_lb.this.ip_address_type == "ipv4" &&
      aws_lb.this.enable_cross_zone_load_balancing == true &&
      aws_lb.this.enable_deletion_protection == true
    )
    error_message = "The NLB must be an internet-facing IPv4 network load balancer with cross-zone on and deletion protection on by default."
  }

  assert {
    condition     = aws_lb.this.security_groups == toset(["sg-nlb"])
    error_message = "The NLB must carry exactly the module's security group."
  }

  assert {
    condition     = aws_lb.this.name == "unit-nlb"
    error_message = "The NLB name must be <name>-nlb."
  }
}

run "tls_listener" {
  command = plan

  assert {
    condition = (
      aws_lb_listener.tls.protocol == "TLS" &&
      aws_lb_listener.tls.port == 443 &&
      aws_lb_listener.tls.ssl_policy == "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09" &&
      aws_lb_listener.tls.certificate_arn == var.certificate_arn &&
      aws_lb_listener.tls.alpn_policy == "None"
    )
    error_message = "The listener must be TLS on 443 with the given certificate, the TLS 1.3/1.2 PQ policy and no ALPN."
  }

  assert {
    condition     = aws_lb_listener.tls.load_balancer_arn == aws_lb.this.arn
    error_message = "The listener must belong to the module's NLB."
  }

  assert {
    condition = (
      length(aws_lb_listener.tls.default_action) == 1 &&
      aws_lb_listener.tls.default_action[0].type == "forward" &&
      aws_lb_listener.tls.default_action[0].target_group_arn == "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/unit-gw80/0123456789abcdef"
    )
    error_message = "The listener must forward everything to the gateway target group."
  }
}

run "target_group" {
  command = plan

  assert {
    condition = (
      aws_lb_target_group.gateway.target_type == "ip" &&
      aws_lb_target_group.gateway.protocol == "TCP" &&
      aws_lb_target_group.gateway.port == 80 &&
      aws_lb_target_group.gateway.vpc_id == "vpc-lb" &&
      aws_lb_target_group.gateway.ip_address_type == "ipv4"
    )
    error_message = "The target group must be type ip, TCP, on the gateway port 80, in the LB VPC."
  }

  assert {
    condition = (
      aws_lb_target_group.gateway.preserve_client_ip == "false" &&
      aws_lb_target_group.gateway.connection_termination == true &&
      aws_lb_target_group.gateway.deregistration_delay == "60" &&
      aws_lb_target_group.gateway.proxy_protocol_v2 == false
    )
    error_message = "Client IP preservation must be off, connections terminated after a 60 s deregistration delay, PROXY protocol off by default."
  }

  assert {
    condition = (
      aws_lb_target_group.gateway.health_check[0].enabled == true &&
      aws_lb_target_group.gateway.health_check[0].protocol == "TCP" &&
      aws_lb_target_group.gateway.health_check[0].port == "traffic-port" &&
      aws_lb_target_group.gateway.health_check[0].interval == 10 &&
      aws_lb_target_group.gateway.health_check[0].timeout == 5 &&
      aws_lb_target_group.gateway.health_check[0].healthy_threshold == 3 &&
      aws_lb_target_group.gateway.health_check[0].unhealthy_threshold == 3
    )
    error_message = "The health check must be TCP on the traffic port with the default interval, timeout and thresholds."
  }

  assert {
    condition     = aws_lb_target_group.gateway.name == "unit-gw80"
    error_message = "The target group name must carry the gateway port."
  }

  assert {
    condition     = output.target_group_arn == aws_lb_target_group.gateway.arn && output.gateway_port == 80
    error_message = "The outputs must expose the target group ARN and gateway port."
  }
}

run "security_group" {
  command = plan

  assert {
    condition     = aws_security_group.nlb.vpc_id == "vpc-lb"
    error_message = "The NLB security group must be in the LB VPC."
  }

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.https_from_internet.security_group_id == "sg-nlb" &&
      aws_vpc_security_group_ingress_rule.https_from_internet.cidr_ipv4 == "0.0.0.0/0" &&
      aws_vpc_security_group_ingress_rule.https_from_internet.ip_protocol == "tcp" &&
      aws_vpc_security_group_ingress_rule.https_from_internet.from_port == 443 &&
      aws_vpc_security_group_ingress_rule.https_from_internet.to_port == 443
    )
    error_message = "The one ingress rule must admit exactly TCP 443 from 0.0.0.0/0."
  }

  assert {
    condition     = toset([for r in aws_vpc_security_group_egress_rule.to_gateway : r.cidr_ipv4]) == toset(var.gateway_cidrs) && length(aws_vpc_security_group_egress_rule.to_gateway) == 3
    error_message = "There must be one egress rule per gateway CIDR and no other destination."
  }

  assert {
    condition = alltrue([
      for r in aws_vpc_security_group_egress_rule.to_gateway :
      r.security_group_id == "sg-nlb" && r.ip_protocol == "tcp" && r.from_port == 80 && r.to_port == 80
    ])
    error_message = "Every egress rule must allow only TCP on the gateway port (80) to its gateway CIDR."
  }

  assert {
    condition     = !contains([for r in aws_vpc_security_group_egress_rule.to_gateway : r.cidr_ipv4], "0.0.0.0/0")
    error_message = "No egress rule may reach 0.0.0.0/0."
  }
}

run "access_log_bucket" {
  command = plan

  assert {
    condition = (
      aws_lb.this.access_logs[0].enabled == true &&
      aws_lb.this.access_logs[0].bucket == "unit-nlb-logs-20260101000000000000000001" &&
      aws_lb.this.access_logs[0].prefix == "nlb"
    )
    error_message = "Access logging must be on, into the module's bucket under the nlb prefix."
  }

  assert {
    condition     = aws_s3_bucket.access_logs.bucket_prefix == "unit-nlb-logs-" && aws_s3_bucket.access_logs.force_destroy == false
    error_message = "The bucket name must be a prefix (no re-create collision) and force_destroy must be off by default."
  }

  assert {
    condition = (
      aws_s3_bucket_public_access_block.access_logs.block_public_acls &&
      aws_s3_bucket_public_access_block.access_logs.block_public_policy &&
      aws_s3_bucket_public_access_block.access_logs.ignore_public_acls &&
      aws_s3_bucket_public_access_block.access_logs.restrict_public_buckets
    )
    error_message = "All four public access block settings must be on."
  }

  assert {
    condition     = aws_s3_bucket_ownership_controls.access_logs.rule[0].object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs must be disabled (BucketOwnerEnforced)."
  }

  assert {
    condition     = one([for r in aws_s3_bucket_server_side_encryption_configuration.access_logs.rule : r.apply_server_side_encryption_by_default[0].sse_algorithm]) == "AES256"
    error_message = "The bucket must be encrypted with SSE-S3 (AES256), the encryption NLB log delivery supports without a key policy."
  }

  assert {
    condition     = length(aws_s3_bucket_versioning.access_logs) == 1 && aws_s3_bucket_versioning.access_logs[0].versioning_configuration[0].status == "Enabled"
    error_message = "Versioning must be on by default."
  }

  assert {
    condition = (
      length(aws_s3_bucket_lifecycle_configuration.access_logs.rule) == 2 &&
      aws_s3_bucket_lifecycle_configuration.access_logs.rule[0].status == "Enabled" &&
      aws_s3_bucket_lifecycle_configuration.access_logs.rule[0].expiration[0].days == 90 &&
      aws_s3_bucket_lifecycle_configuration.access_logs.rule[0].noncurrent_version_expiration[0].noncurrent_days == 30 &&
      aws_s3_bucket_lifecycle_configuration.access_logs.rule[0].abort_incomplete_multipart_upload[0].days_after_initiation == 7 &&
      aws_s3_bucket_lifecycle_configuration.access_logs.rule[1].expiration[0].expired_object_delete_marker == true
    )
    error_message = "The lifecycle must expire logs after 90 days, noncurrent versions after 30, and clean up delete markers."
  }
}

run "access_log_bucket_policy" {
  command = plan

  assert {
    condition = length([
      for s in jsondecode(aws_s3_bucket_policy.access_logs.policy).Statement : s
      if s.Effect == "Deny" && s.Principal == "*" && s.Action == "s3:*" &&
      try(s.Condition.Bool["aws:SecureTransport"], "") == "false" &&
      toset(s.Resource) == toset(["arn:aws:s3:::unit-nlb-logs-20260101000000000000000001", "arn:aws:s3:::unit-nlb-logs-20260101000000000000000001/*"])
    ]) == 1
    error_message = "The bucket policy must deny every request without TLS (aws:SecureTransport = false) on the bucket and its objects."
  }

  assert {
    condition = length([
      for s in jsondecode(aws_s3_bucket_policy.access_logs.policy).Statement : s
      if s.Effect == "Allow" && s.Principal == { Service = "delivery.logs.amazonaws.com" } && s.Action == "s3:PutObject" &&
      s.Resource == "arn:aws:s3:::unit-nlb-logs-20260101000000000000000001/nlb/AWSLogs/123456789012/*" &&
      s.Condition.StringEquals["s3:x-amz-acl"] == "bucket-owner-full-control" &&
      s.Condition.StringEquals["aws:SourceAccount"] == "123456789012" &&
      s.Condition.ArnLike["aws:SourceArn"] == "arn:aws:logs:us-east-1:123456789012:*"
    ]) == 1
    error_message = "Log delivery must be allowed to write only under <prefix>/AWSLogs/<account>/, for this account and region."
  }

  assert {
    condition = length([
      for s in jsondecode(aws_s3_bucket_policy.access_logs.policy).Statement : s
      if s.Effect == "Allow" && s.Principal == { Service = "delivery.logs.amazonaws.com" } && s.Action == "s3:GetBucketAcl" &&
      s.Resource == "arn:aws:s3:::unit-nlb-logs-20260101000000000000000001" &&
      s.Condition.StringEquals["aws:SourceAccount"] == "123456789012" &&
      s.Condition.ArnLike["aws:SourceArn"] == "arn:aws:logs:us-east-1:123456789012:*"
    ]) == 1
    error_message = "Log delivery must be allowed GetBucketAcl on the bucket, for this account and region."
  }

  assert {
    condition     = length(jsondecode(aws_s3_bucket_policy.access_logs.policy).Statement) == 3
    error_message = "The bucket policy must hold only the TLS-only deny and the two log delivery statements."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_s3_bucket_policy.access_logs.policy).Statement :
      s.Effect == "Deny" || s.Principal != "*"
    ])
    error_message = "No Allow statement may name the wildcard principal."
  }
}

run "outputs" {
  command = plan

  assert {
    condition = (
      output.lb_dns_name == "unit-nlb-0123456789abcdef.elb.us-east-1.amazonaws.com" &&
      output.lb_zone_id == "Z26RNL4JYFTOTI" &&
      output.lb_arn_suffix == "net/unit-nlb/0123456789abcdef" &&
      output.target_group_arn_suffix == "targetgroup/unit-gw80/0123456789abcdef" &&
      output.security_group_id == "sg-nlb" &&
      output.access_log_bucket_name == "unit-nlb-logs-20260101000000000000000001" &&
      toset(keys(output.eip_public_ips)) == toset(["us-east-1a", "us-east-1b", "us-east-1c"]) &&
      output.eip_allocation_ids["us-east-1b"] == aws_eip.nlb["us-east-1b"].id
    )
    error_message = "The outputs must expose the NLB, target group, security group, bucket and EIPs by AZ."
  }
}

run "custom_port_and_settings" {
  command = plan

  variables {
    public_subnet_ids = {
      "us-west-2a" = "subnet-lba"
      "us-west-2b" = "subnet-lbb"
    }
    gateway_cidrs              = ["172.20.0.0/19", "172.20.32.0/19"]
    gateway_port               = 8080
    deregistration_delay       = 0
    health_check_interval      = 30
    health_check_timeout       = 10
    healthy_threshold          = 2
    unhealthy_threshold        = 5
    proxy_protocol_v2          = true
    deletion_protection        = false
    ssl_policy                 = "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04"
    access_log_prefix          = "edge/nlb"
    access_log_expiration_days = 30
    access_log_versioning      = false
    access_log_force_destroy   = true
    certificate_arn            = "arn:aws:acm:us-west-2:123456789012:certificate/0b6c3a52-1f1e-4c1a-9a51-6f1d2c3b4a5e"
  }

  override_data {
    target = data.aws_region.current
    values = { region = "us-west-2" }
  }

  assert {
    condition     = length(aws_eip.nlb) == 2 && length(aws_lb.this.subnet_mapping) == 2
    error_message = "Two AZs must give two EIPs and two subnet mappings."
  }

  assert {
    condition     = aws_lb_target_group.gateway.port == 8080 && aws_lb_target_group.gateway.name == "unit-gw8080" && aws_lb_target_group.gateway.deregistration_delay == "0" && aws_lb_target_group.gateway.proxy_protocol_v2 == true
    error_message = "The target group must follow gateway_port, deregistration_delay and proxy_protocol_v2."
  }

  assert {
    condition = (
      aws_lb_target_group.gateway.health_check[0].interval == 30 &&
      aws_lb_target_group.gateway.health_check[0].timeout == 10 &&
      aws_lb_target_group.gateway.health_check[0].healthy_threshold == 2 &&
      aws_lb_target_group.gateway.health_check[0].unhealthy_threshold == 5
    )
    error_message = "The health check must follow its inputs."
  }

  assert {
    condition     = alltrue([for r in aws_vpc_security_group_egress_rule.to_gateway : r.from_port == 8080 && r.to_port == 8080]) && toset([for r in aws_vpc_security_group_egress_rule.to_gateway : r.cidr_ipv4]) == toset(["172.20.0.0/19", "172.20.32.0/19"])
    error_message = "Egress must follow gateway_port and gateway_cidrs."
  }

  assert {
    condition     = aws_vpc_security_group_ingress_rule.https_from_internet.from_port == 443 && aws_vpc_security_group_ingress_rule.https_from_internet.to_port == 443
    error_message = "Ingress stays 443 whatever the gateway port."
  }

  assert {
    condition     = aws_lb.this.enable_deletion_protection == false && aws_lb_listener.tls.ssl_policy == "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04"
    error_message = "deletion_protection and ssl_policy must follow their inputs."
  }

  assert {
    condition     = length(aws_s3_bucket_versioning.access_logs) == 0 && length(aws_s3_bucket_lifecycle_configuration.access_logs.rule) == 1 && length(aws_s3_bucket_lifecycle_configuration.access_logs.rule[0].noncurrent_version_expiration) == 0 && aws_s3_bucket_lifecycle_configuration.access_logs.rule[0].expiration[0].days == 30
    error_message = "Without versioning there must be no versioning resource and no noncurrent-version rules."
  }

  assert {
    condition     = aws_s3_bucket.access_logs.force_destroy == true && aws_lb.this.access_logs[0].prefix == "edge/nlb"
    error_message = "access_log_force_destroy and access_log_prefix must follow their inputs."
  }

  assert {
    condition = length([
      for s in jsondecode(aws_s3_bucket_policy.access_logs.policy).Statement : s
      if s.Action == "s3:PutObject" &&
      s.Resource == "arn:aws:s3:::unit-nlb-logs-20260101000000000000000001/edge/nlb/AWSLogs/123456789012/*" &&
      s.Condition.ArnLike["aws:SourceArn"] == "arn:aws:logs:us-west-2:123456789012:*"
    ]) == 1
    error_message = "The log delivery grant must follow the prefix and the region."
  }
}

run "certificate_in_another_region_is_rejected" {
  command = plan

  variables {
    certificate_arn = "arn:aws:acm:us-west-2:123456789012:certificate/0b6c3a52-1f1e-4c1a-9a51-6f1d2c3b4a5e"
  }

  expect_failures = [aws_lb_listener.tls]
}
