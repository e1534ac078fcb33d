# operator_path = "instance_connect_endpoint" (dev cost option, docs/cost.md
# step 4), planned against OpenTofu's mock provider: no Client VPN and no
# bastions; one EC2 Instance Connect Endpoint in the first AZ's jump-host
# subnet whose only reach is TCP 22 of the jump host; the jump host admits SSH
# from that endpoint's security group only; the operators' policy allows
# OpenTunnel on this endpoint to port 22 of the jump-host subnets only.
#
# Security group rules are compared as exact sets of strings, as in
# access.tftest.hcl: "<from>/<to> <protocol> <peer>..." where the peers are the
# arguments that hold a real value (unset ones get random mock values, which
# match none of cidr=/cidr6=/pl=/sg=).

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { region = "us-east-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
}

override_resource {
  target = aws_security_group.vpn
  values = { id = "sg-vpn" }
}
override_resource {
  target = aws_security_group.bastion
  values = { id = "sg-bastion" }
}
override_resource {
  target = aws_security_group.jump_host
  values = { id = "sg-jump" }
}
override_resource {
  target = aws_security_group.instance_connect_endpoint
  values = { id = "sg-eic" }
}
override_resource {
  target = aws_ec2_instance_connect_endpoint.this
  values = { id = "eice-0123456789abcdef0", arn = "arn:aws:ec2:us-east-1:123456789012:instance-connect-endpoint/eice-0123456789abcdef0" }
}
override_resource {
  target = aws_iam_policy.operator_tunnel
  values = { arn = "arn:aws:iam::123456789012:policy/unit-operator-tunnel" }
}
override_resource {
  target = aws_ec2_client_vpn_endpoint.this
  values = { id = "cvpn-endpoint-unit" }
}
override_resource {
  target = aws_launch_template.bastion
  values = { id = "lt-bastion", latest_version = 3 }
}
override_resource {
  target = aws_launch_template.jump_host
  values = { id = "lt-jump", latest_version = 5 }
}
override_data {
  target = data.aws_ec2_managed_prefix_list.s3
  values = { id = "pl-s3" }
}
override_data {
  target = data.aws_ssm_parameter.bastion_ami
  values = { insecure_value = "ami-bastion" }
}
override_data {
  target = data.aws_ssm_parameter.jump_host_ami
  values = { insecure_value = "ami-jump" }
}

# Only what the Instance Connect path uses: no security VPC, bastion or VPN
# subnets, client CIDR, certificates or SAML.
variables {
  operator_path = "instance_connect_endpoint"
  name          = "unit"
  vpc_cidrs = {
    security = "10.10.0.0/20"
    lb       = "10.20.0.0/20"
    app      = "10.100.0.0/16"
  }
  app_vpc_id = "vpc-app"
  jump_host_subnets = {
    "us-east-1b" = { id = "subnet-0jump1b", cidr_block = "10.100.254.16/28" }
    "us-east-1c" = { id = "subnet-0jump1c", cidr_block = "10.100.254.32/28" }
    "us-east-1a" = { id = "subnet-0jump1a", cidr_block = "10.100.254.0/28" }
  }
  eks_control_plane_subnets = {
    "us-east-1a" = { id = "subnet-0intra1a", cidr_block = "10.100.224.0/24" }
    "us-east-1b" = { id = "subnet-0intra1b", cidr_block = "10.100.225.0/24" }
    "us-east-1c" = { id = "subnet-0intra1c", cidr_block = "10.100.226.0/24" }
  }
}

run "no_client_vpn_and_no_bastions" {
  command = plan

  assert {
    condition = (
      length(aws_ec2_client_vpn_endpoint.this) == 0 &&
      length(aws_ec2_client_vpn_network_association.this) == 0 &&
      length(aws_ec2_client_vpn_authorization_rule.bastions) == 0 &&
      length(aws_security_group.vpn) == 0 &&
      length(aws_cloudwatch_log_group.vpn) == 0 &&
      length(aws_cloudwatch_log_stream.vpn) == 0 &&
      length(aws_kms_key.logs) == 0 &&
      length(aws_kms_alias.logs) == 0 &&
      length(data.aws_iam_policy_document.logs_kms) == 0
    )
    error_message = "With operator_path \"instance_connect_endpoint\" there must be no Client VPN endpoint, association, authorization rule, security group, log group/stream or log KMS key."
  }

  assert {
    condition = (
      length(aws_autoscaling_group.bastion) == 0 &&
      length(aws_launch_template.bastion) == 0 &&
      length(aws_security_group.bastion) == 0 &&
      length(data.aws_ssm_parameter.bastion_ami) == 0 &&
      length(data.aws_ec2_managed_prefix_list.s3) == 0
    )
    error_message = "With operator_path \"instance_connect_endpoint\" there must be no bastion ASG, launch template, security group or bastion-only lookup."
  }

  assert {
    condition     = length([for r in concat(values(aws_vpc_security_group_ingress_rule.this), values(aws_vpc_security_group_egress_rule.this)) : r if contains(["sg-vpn", "sg-bastion"], r.security_group_id) || contains(["sg-vpn", "sg-bastion"], r.referenced_security_group_id)]) == 0
    error_message = "No security group rule may belong to or name a Client VPN or bastion security group."
  }
}

run "endpoint" {
  command = plan

  assert {
    condition     = length(aws_ec2_instance_connect_endpoint.this) == 1 && aws_ec2_instance_connect_endpoint.this[0].subnet_id == "subnet-0jump1a"
    error_message = "Exactly one EC2 Instance Connect Endpoint, in the jump-host subnet of the first AZ (sorted keys: us-east-1a)."
  }

  assert {
    condition     = aws_ec2_instance_connect_endpoint.this[0].preserve_client_ip == false
    error_message = "preserve_client_ip must be false: the jump host then sees the endpoint's ENI, which its security group admits by the endpoint's security group."
  }

  assert {
    condition = (
      toset(aws_ec2_instance_connect_endpoint.this[0].security_group_ids) == toset(["sg-eic"]) &&
      length(aws_security_group.instance_connect_endpoint) == 1 &&
      aws_security_group.instance_connect_endpoint[0].vpc_id == "vpc-app" &&
      length(aws_security_group.instance_connect_endpoint[0].ingress) == 0 &&
      length(aws_security_group.instance_connect_endpoint[0].egress) == 0
    )
    error_message = "The endpoint must have its own security group in the app VPC, with no inline rules."
  }
}

run "endpoint_in_another_az" {
  command = plan

  variables {
    instance_connect_endpoint_az = "us-east-1c"
  }

  assert {
    condition     = aws_ec2_instance_connect_endpoint.this[0].subnet_id == "subnet-0jump1c"
    error_message = "instance_connect_endpoint_az must put the endpoint in that AZ's jump-host subnet."
  }
}

run "endpoint_az_outside_the_jump_host_subnets_is_rejected" {
  command = plan

  variables {
    instance_connect_endpoint_az = "us-east-1d"
  }

  expect_failures = [var.instance_connect_endpoint_az]
}

run "security_groups" {
  command = plan

  assert {
    condition     = length([for r in aws_vpc_security_group_ingress_rule.this : r if r.security_group_id == "sg-eic"]) == 0
    error_message = "The EC2 Instance Connect Endpoint's security group must have no ingress rule (tunnels arrive through the AWS API)."
  }

  assert {
    condition = toset([
      for r in aws_vpc_security_group_egress_rule.this :
      "${r.from_port}/${r.to_port} ${r.ip_protocol} ${join(" ", compact([can(cidrhost(r.cidr_ipv4, 0)) ? "cidr=${r.cidr_ipv4}" : "", can(cidrhost(r.cidr_ipv6, 0)) ? "cidr6=${r.cidr_ipv6}" : "", startswith(r.prefix_list_id, "pl-") ? "pl=${r.prefix_list_id}" : "", startswith(r.referenced_security_group_id, "sg-") ? "sg=${r.referenced_security_group_id}" : ""]))}" if r.security_group_id == "sg-eic"
    ]) == toset(["22/22 tcp sg=sg-jump"]) && length([for r in aws_vpc_security_group_egress_rule.this : r if r.security_group_id == "sg-eic"]) == 1
    error_message = "The endpoint's egress must be exactly one rule: TCP 22 to the jump host's security group (a referenced group, not a CIDR)."
  }

  assert {
    condition = toset([
      for r in aws_vpc_security_group_ingress_rule.this :
      "${r.from_port}/${r.to_port} ${r.ip_protocol} ${join(" ", compact([can(cidrhost(r.cidr_ipv4, 0)) ? "cidr=${r.cidr_ipv4}" : "", can(cidrhost(r.cidr_ipv6, 0)) ? "cidr6=${r.cidr_ipv6}" : "", startswith(r.prefix_list_id, "pl-") ? "pl=${r.prefix_list_id}" : "", startswith(r.referenced_security_group_id, "sg-") ? "sg=${r.referenced_security_group_id}" : ""]))}" if r.security_group_id == "sg-jump"
    ]) == toset(["22/22 tcp sg=sg-eic"]) && length([for r in aws_vpc_security_group_ingress_rule.this : r if r.security_group_id == "sg-jump"]) == 1
    error_message = "The jump host's SSH ingress must come only from the endpoint's security group, with no CIDR."
  }

  assert {
    condition = toset([
      for r in aws_vpc_security_group_egress_rule.this :
      "${r.from_port}/${r.to_port} ${r.ip_protocol} ${join(" ", compact([can(cidrhost(r.cidr_ipv4, 0)) ? "cidr=${r.cidr_ipv4}" : "", can(cidrhost(r.cidr_ipv6, 0)) ? "cidr6=${r.cidr_ipv6}" : "", startswith(r.prefix_list_id, "pl-") ? "pl=${r.prefix_list_id}" : "", startswith(r.referenced_security_group_id, "sg-") ? "sg=${r.referenced_security_group_id}" : ""]))}" if r.security_group_id == "sg-jump"
      ]) == toset([
      "443/443 tcp cidr=10.100.224.0/24",
      "443/443 tcp cidr=10.100.225.0/24",
      "443/443 tcp cidr=10.100.226.0/24",
    ])
    error_message = "The jump host's egress must stay HTTPS to the EKS control-plane subnets only, as on the VPN path."
  }

  assert {
    condition     = length(aws_vpc_security_group_ingress_rule.this) == 1 && length(aws_vpc_security_group_egress_rule.this) == 4
    error_message = "Unexpected extra security group rule: one ingress (jump host from the endpoint) and four egress (endpoint to jump host, jump host to three control-plane subnets)."
  }

  assert {
    condition = alltrue([
      for r in concat(values(aws_vpc_security_group_ingress_rule.this), values(aws_vpc_security_group_egress_rule.this)) :
      r.cidr_ipv4 != "0.0.0.0/0" && r.cidr_ipv6 != "::/0" && r.ip_protocol != "-1" && r.from_port == r.to_port
    ])
    error_message = "No security group rule may admit 0.0.0.0/0 (or ::/0), all protocols or a port range."
  }

  assert {
    condition = (
      output.security_group_rules["jump-ssh-from-eic"] == { sg = "jump", direction = "ingress", port = 22, peer = "sg:eic" } &&
      output.security_group_rules["eic-ssh-to-jump"] == { sg = "eic", direction = "egress", port = 22, peer = "sg:jump" } &&
      length(output.security_group_rules) == 5
    )
    error_message = "security_group_rules must list the endpoint's rules by security group name."
  }
}

run "operator_policy" {
  command = plan

  assert {
    condition = (
      length(aws_iam_policy.operator_tunnel) == 1 &&
      aws_iam_policy.operator_tunnel[0].name == "unit-operator-tunnel" &&
      jsondecode(aws_iam_policy.operator_tunnel[0].policy).Version == "2012-10-17" &&
      length(jsondecode(aws_iam_policy.operator_tunnel[0].policy).Statement) == 2
    )
    error_message = "One operators' managed policy with exactly two statements."
  }

  assert {
    condition = (
      jsondecode(aws_iam_policy.operator_tunnel[0].policy).Statement[0].Effect == "Allow" &&
      jsondecode(aws_iam_policy.operator_tunnel[0].policy).Statement[0].Action == ["ec2-instance-connect:OpenTunnel"] &&
      jsondecode(aws_iam_policy.operator_tunnel[0].policy).Statement[0].Resource == ["arn:aws:ec2:us-east-1:123456789012:instance-connect-endpoint/eice-0123456789abcdef0"]
    )
    error_message = "OpenTunnel must be allowed on exactly this endpoint's ARN."
  }

  assert {
    condition = jsonencode(jsondecode(aws_iam_policy.operator_tunnel[0].policy).Statement[0].Condition) == jsonencode({
      IpAddress             = { "ec2-instance-connect:privateIpAddress" = ["10.100.254.0/28", "10.100.254.16/28", "10.100.254.32/28"] }
      NumericEquals         = { "ec2-instance-connect:remotePort" = ["22"] }
      NumericLessThanEquals = { "ec2-instance-connect:maxTunnelDuration" = ["3600"] }
    })
    error_message = "OpenTunnel must be conditioned on remote port 22, a private address in the jump-host subnets, and a tunnel of at most 3600 seconds by default."
  }

  assert {
    condition = (
      jsondecode(aws_iam_policy.operator_tunnel[0].policy).Statement[1].Effect == "Allow" &&
      jsondecode(aws_iam_policy.operator_tunnel[0].policy).Statement[1].Action == ["ec2:DescribeInstanceConnectEndpoints", "ec2:DescribeInstances"] &&
      jsondecode(aws_iam_policy.operator_tunnel[0].policy).Statement[1].Resource == ["*"] &&
      !can(jsondecode(aws_iam_policy.operator_tunnel[0].policy).Statement[1].Condition)
    )
    error_message = "The only other grant must be the two read-only Describe calls the AWS CLI needs (no resource-level scoping: \"*\")."
  }

  assert {
    condition = alltrue(flatten([
      for st in jsondecode(aws_iam_policy.operator_tunnel[0].policy).Statement : [
        for a in st.Action : !strcontains(a, "*") && contains(["ec2-instance-connect:OpenTunnel", "ec2:DescribeInstanceConnectEndpoints", "ec2:DescribeInstances"], a)
      ]
    ]))
    error_message = "The policy may grant no wildcard action and nothing beyond OpenTunnel and the two Describe calls."
  }

  assert {
    condition     = output.operator_tunnel_policy_arn == "arn:aws:iam::123456789012:policy/unit-operator-tunnel"
    error_message = "operator_tunnel_policy_arn must be the policy's ARN."
  }
}

run "shorter_tunnels" {
  command = plan

  variables {
    instance_connect_max_tunnel_seconds = 900
  }

  assert {
    condition     = jsonencode(jsondecode(aws_iam_policy.operator_tunnel[0].policy).Statement[0].Condition.NumericLessThanEquals) == jsonencode({ "ec2-instance-connect:maxTunnelDuration" = ["900"] })
    error_message = "instance_connect_max_tunnel_seconds must become the maxTunnelDuration limit."
  }
}

run "jump_host_unchanged" {
  command = plan

  assert {
    condition = (
      aws_autoscaling_group.jump_host.min_size == 1 && aws_autoscaling_group.jump_host.max_size == 1 &&
      toset(aws_autoscaling_group.jump_host.vpc_zone_identifier) == toset(["subnet-0jump1a", "subnet-0jump1b", "subnet-0jump1c"]) &&
      aws_launch_template.jump_host.image_id == "ami-jump" &&
      aws_launch_template.jump_host.metadata_options[0].http_tokens == "required" &&
      aws_launch_template.jump_host.network_interfaces[0].associate_public_ip_address == "false" &&
      toset(aws_launch_template.jump_host.network_interfaces[0].security_groups) == toset(["sg-jump"]) &&
      length(aws_launch_template.jump_host.iam_instance_profile) == 0
    )
    error_message = "The jump host must be the same ASG of one across the jump-host subnets, IMDSv2, no public IP, no instance profile."
  }

  assert {
    condition     = base64decode(aws_launch_template.jump_host.user_data) == templatefile("${path.module}/templates/user_data.sh.tftpl", { role = "jump host", allow_tcp_forwarding = "local", permit_open = "*:443", forward_only = true, patch_on_boot = false })
    error_message = "The jump host's hardened, relay-only sshd must be exactly the one of the VPN path."
  }

  assert {
    condition     = strcontains(aws_security_group.jump_host.description, "EC2 Instance Connect Endpoint") && !strcontains(aws_security_group.jump_host.description, "bastion")
    error_message = "The jump host's security group description must name its real SSH source."
  }
}

run "outputs" {
  command = plan

  assert {
    condition = (
      output.operator_path == "instance_connect_endpoint" &&
      output.instance_connect_endpoint_id == "eice-0123456789abcdef0" &&
      output.instance_connect_endpoint_security_group_id == "sg-eic"
    )
    error_message = "The Instance Connect outputs must name the endpoint and its security group."
  }

  assert {
    condition = (
      output.client_vpn_endpoint_id == null &&
      output.client_vpn_dns_name == null &&
      length(output.client_vpn_association_azs) == 0 &&
      output.client_vpn_enabled == false &&
      length(output.client_vpn_association_subnet_ids) == 0 &&
      length(output.client_vpn_authorized_cidrs) == 0 &&
      output.client_vpn_authentication_mode == null &&
      length(output.client_vpn_authorization_rules) == 0 &&
      output.client_vpn_log_group_name == null &&
      output.logs_kms_key_arn == null
    )
    error_message = "Every Client VPN output must be null or empty without a Client VPN."
  }

  assert {
    condition = (
      output.security_group_ids.vpn == null &&
      output.security_group_ids.bastion == null &&
      output.security_group_ids.jump_host == "sg-jump" &&
      length(output.bastion_autoscaling_group_names) == 0 &&
      output.bastion_launch_template_id == null
    )
    error_message = "Bastion and VPN security group, ASG and launch template outputs must be null or empty without bastions."
  }

  assert {
    condition = (
      output.jump_host_security_group_id == "sg-jump" &&
      output.jump_host_launch_template_id == "lt-jump" &&
      output.jump_host_permit_open == "*:443" &&
      output.jump_host_https_egress_cidrs == tolist(["10.100.224.0/24", "10.100.225.0/24", "10.100.226.0/24"]) &&
      output.key_pair_name == null
    )
    error_message = "The jump host outputs must be unchanged."
  }
}

# Module source: the operators' policy is the only IAM resource, and nothing
# gives an instance a role or grants SSM, Session Manager or EKS (ADR 0104).
run "only_iam_resource_is_the_operator_policy" {
  command = plan

  assert {
    condition = (
      length(regexall("resource \"aws_iam_", join("\n", [for f in fileset(path.module, "*.tf") : file("${path.module}/${f}")]))) == 1 &&
      strcontains(file("${path.module}/instance_connect.tf"), "resource \"aws_iam_policy\" \"operator_tunnel\"") &&
      !anytrue(flatten([
        for f in fileset(path.module, "*.tf") : [
          for pattern in ["iam_instance_profile {", "aws_iam_role", "policy_attachment", "AmazonSSMManagedInstanceCore", "\"ssm:", "\"ssmmessages:", "\"ec2messages:", "\"eks:"] :
          strcontains(file("${path.module}/${f}"), pattern)
        ]
      ]))
    )
    error_message = "The access module's only IAM resource may be the operators' tunnel policy: no role, instance profile, attachment, SSM or EKS grant."
  }
}

# The VPN and bastion inputs the stack passes anyway (network outputs, dev
# tfvars) are accepted and unused; certificate-mode cross-checks do not apply.
run "vpn_inputs_given_are_ignored" {
  command = plan

  variables {
    security_vpc_id = "vpc-security"
    bastion_subnets = {
      "us-east-1a" = { id = "subnet-0bastion1a", cidr_block = "10.10.0.0/23" }
      "us-east-1b" = { id = "subnet-0bastion1b", cidr_block = "10.10.2.0/23" }
    }
    vpn_subnets = {
      "us-east-1a" = { id = "subnet-0vpn1a", cidr_block = "10.10.12.0/27" }
      "us-east-1b" = { id = "subnet-0vpn1b", cidr_block = "10.10.12.32/27" }
    }
    client_cidr_block      = "10.200.0.0/22"
    server_certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
  }

  assert {
    condition = (
      length(aws_ec2_client_vpn_endpoint.this) == 0 &&
      length(aws_autoscaling_group.bastion) == 0 &&
      length(aws_vpc_security_group_ingress_rule.this) == 1 &&
      length(aws_ec2_instance_connect_endpoint.this) == 1
    )
    error_message = "VPN and bastion inputs must not create a Client VPN or bastions, nor add a rule, with operator_path \"instance_connect_endpoint\"."
  }
}

# The default path has no Instance Connect resources at all.
run "client_vpn_has_no_instance_connect_endpoint" {
  command = plan

  variables {
    operator_path   = "client_vpn"
    security_vpc_id = "vpc-security"
    bastion_subnets = {
      "us-east-1a" = { id = "subnet-0bastion1a", cidr_block = "10.10.0.0/23" }
      "us-east-1b" = { id = "subnet-0bastion1b", cidr_block = "10.10.2.0/23" }
    }
    vpn_subnets = {
      "us-east-1a" = { id = "subnet-0vpn1a", cidr_block = "10.10.12.0/27" }
      "us-east-1b" = { id = "subnet-0vpn1b", cidr_block = "10.10.12.32/27" }
    }
    client_cidr_block                 = "10.200.0.0/22"
    server_certificate_arn            = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
    client_root_certificate_chain_arn = "arn:aws:acm:us-east-1:123456789012:certificate/66666666-7777-8888-9999-000000000000"
  }

  assert {
    condition = (
      length(aws_ec2_instance_connect_endpoint.this) == 0 &&
      length(aws_security_group.instance_connect_endpoint) == 0 &&
      length(aws_iam_policy.operator_tunnel) == 0 &&
      output.instance_connect_endpoint_id == null &&
      output.instance_connect_endpoint_security_group_id == null &&
      output.operator_tunnel_policy_arn == null &&
      output.operator_path == "client_vpn"
    )
    error_message = "operator_path \"client_vpn\" must create no EC2 Instance Connect Endpoint, security group or policy, and its outputs must be null."
  }

  assert {
    condition = (
      length(aws_ec2_client_vpn_endpoint.this) == 1 &&
      length(aws_autoscaling_group.bastion) == 2 &&
      toset([for r in aws_vpc_security_group_ingress_rule.this : r.cidr_ipv4 if r.security_group_id == "sg-jump"]) == toset(["10.10.0.0/23", "10.10.2.0/23"]) &&
      aws_security_group.jump_host.description == "Jump host: SSH from the bastion subnets; HTTPS to the EKS control-plane subnets"
    )
    error_message = "operator_path \"client_vpn\" keeps the Client VPN, a bastion per AZ, jump-host SSH from the bastion subnets and the jump host's security group description (no replacement)."
  }
}

run "tunnel_longer_than_an_hour_is_rejected" {
  command = plan

  variables {
    instance_connect_max_tunnel_seconds = 3601
  }

  expect_failures = [var.instance_connect_max_tunnel_seconds]
}

run "zero_tunnel_duration_is_rejected" {
  command = plan

  variables {
    instance_connect_max_tunnel_seconds = 0
  }

  expect_failures = [var.instance_connect_max_tunnel_seconds]
}

run "fractional_tunnel_duration_is_rejected" {
  command = plan

  variables {
    instance_connect_max_tunnel_seconds = 90.5
  }

  expect_failures = [var.instance_connect_max_tunnel_seconds]
}

run "unknown_operator_path_is_rejected" {
  command = plan

  variables {
    operator_path = "session_manager"
  }

  expect_failures = [var.operator_path]
}

# The default path still requires its inputs.
run "client_vpn_without_server_certificate_is_rejected" {
  command = plan

  variables {
    operator_path   = "client_vpn"
    security_vpc_id = "vpc-security"
    bastion_subnets = {
      "us-east-1a" = { id = "subnet-0bastion1a", cidr_block = "10.10.0.0/23" }
      "us-east-1b" = { id = "subnet-0bastion1b", cidr_block = "10.10.2.0/23" }
    }
    vpn_subnets = {
      "us-east-1a" = { id = "subnet-0vpn1a", cidr_block = "10.10.12.0/27" }
      "us-east-1b" = { id = "subnet-0vpn1b", cidr_block = "10.10.12.32/27" }
    }
    client_cidr_block                 = "10.200.0.0/22"
    client_root_certificate_chain_arn = "arn:aws:acm:us-east-1:123456789012:certificate/66666666-7777-8888-9999-000000000000"
  }

  expect_failures = [var.server_certificate_arn]
}

# (A variable whose validation reads a variable that already failed is not
# checked, so the missing inputs are tested in two runs.)
run "client_vpn_without_security_vpc_bastions_or_client_cidr_is_rejected" {
  command = plan

  variables {
    operator_path = "client_vpn"
    vpn_subnets = {
      "us-east-1a" = { id = "subnet-0vpn1a", cidr_block = "10.10.12.0/27" }
      "us-east-1b" = { id = "subnet-0vpn1b", cidr_block = "10.10.12.32/27" }
    }
    server_certificate_arn            = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
    client_root_certificate_chain_arn = "arn:aws:acm:us-east-1:123456789012:certificate/66666666-7777-8888-9999-000000000000"
  }

  expect_failures = [var.security_vpc_id, var.bastion_subnets, var.client_cidr_block]
}

run "client_vpn_without_vpn_subnets_is_rejected" {
  command = plan

  variables {
    operator_path   = "client_vpn"
    security_vpc_id = "vpc-security"
    bastion_subnets = {
      "us-east-1a" = { id = "subnet-0bastion1a", cidr_block = "10.10.0.0/23" }
      "us-east-1b" = { id = "subnet-0bastion1b", cidr_block = "10.10.2.0/23" }
    }
    client_cidr_block                 = "10.200.0.0/22"
    server_certificate_arn            = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
    client_root_certificate_chain_arn = "arn:aws:acm:us-east-1:123456789012:certificate/66666666-7777-8888-9999-000000000000"
  }

  expect_failures = [var.vpn_subnets]
}

run "client_vpn_certificate_mode_without_client_ca_is_rejected" {
  command = plan

  variables {
    operator_path   = "client_vpn"
    security_vpc_id = "vpc-security"
    bastion_subnets = {
      "us-east-1a" = { id = "subnet-0bastion1a", cidr_block = "10.10.0.0/23" }
      "us-east-1b" = { id = "subnet-0bastion1b", cidr_block = "10.10.2.0/23" }
    }
    vpn_subnets = {
      "us-east-1a" = { id = "subnet-0vpn1a", cidr_block = "10.10.12.0/27" }
      "us-east-1b" = { id = "subnet-0vpn1b", cidr_block = "10.10.12.32/27" }
    }
    client_cidr_block      = "10.200.0.0/22"
    server_certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
  }

  expect_failures = [var.client_root_certificate_chain_arn]
}
