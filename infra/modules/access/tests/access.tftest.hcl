# modules/access planned against OpenTofu's mock provider (offline; the
# tfoffline stand-in only supplies the hashicorp/aws schema).
#
# Security group rules are compared as exact sets of strings
# "<from>/<to> <protocol> <peer>...", where the peers are every argument of the
# rule that holds a real value: cidr=<IPv4 CIDR>, cidr6=<IPv6 CIDR>,
# pl=<pl-...>, sg=<sg-...> (arguments a rule leaves unset get random
# alphanumeric mock values, which match none of these). The three security
# groups get distinct ids, so a rule with the wrong peer, port or group fails.

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
override_resource {
  target = aws_kms_key.logs
  values = { arn = "arn:aws:kms:us-east-1:123456789012:key/vpn-logs" }
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

variables {
  name = "unit"
  vpc_cidrs = {
    security = "10.10.0.0/20"
    lb       = "10.20.0.0/20"
    app      = "10.100.0.0/16"
  }
  security_vpc_id = "vpc-security"
  app_vpc_id      = "vpc-app"
  bastion_subnets = {
    "us-east-1a" = { id = "subnet-0bastion1a", cidr_block = "10.10.0.0/23" }
    "us-east-1b" = { id = "subnet-0bastion1b", cidr_block = "10.10.2.0/23" }
    "us-east-1c" = { id = "subnet-0bastion1c", cidr_block = "10.10.4.0/23" }
  }
  vpn_subnets = {
    "us-east-1a" = { id = "subnet-0vpn1a", cidr_block = "10.10.12.0/27" }
    "us-east-1b" = { id = "subnet-0vpn1b", cidr_block = "10.10.12.32/27" }
    "us-east-1c" = { id = "subnet-0vpn1c", cidr_block = "10.10.12.64/27" }
  }
  jump_host_subnets = {
    "us-east-1a" = { id = "subnet-0jump1a", cidr_block = "10.100.254.0/28" }
    "us-east-1b" = { id = "subnet-0jump1b", cidr_block = "10.100.254.16/28" }
    "us-east-1c" = { id = "subnet-0jump1c", cidr_block = "10.100.254.32/28" }
  }
  eks_control_plane_subnets = {
    "us-east-1a" = { id = "subnet-0intra1a", cidr_block = "10.100.224.0/24" }
    "us-east-1b" = { id = "subnet-0intra1b", cidr_block = "10.100.225.0/24" }
    "us-east-1c" = { id = "subnet-0intra1c", cidr_block = "10.100.226.0/24" }
  }
  client_cidr_block                 = "10.200.0.0/22"
  server_certificate_arn            = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
  client_root_certificate_chain_arn = "arn:aws:acm:us-east-1:123456789012:certificate/66666666-7777-8888-9999-000000000000"
}

run "client_vpn" {
  command = plan

  assert {
    condition = (
      aws_ec2_client_vpn_endpoint.this[0].split_tunnel == true &&
      aws_ec2_client_vpn_endpoint.this[0].client_cidr_block == "10.200.0.0/22" &&
      aws_ec2_client_vpn_endpoint.this[0].vpc_id == "vpc-security" &&
      toset(aws_ec2_client_vpn_endpoint.this[0].security_group_ids) == toset(["sg-vpn"]) &&
      aws_ec2_client_vpn_endpoint.this[0].self_service_portal == "disabled"
    )
    error_message = "The Client VPN must split-tunnel into the security VPC behind its own security group."
  }

  assert {
    condition = (
      length(aws_ec2_client_vpn_endpoint.this[0].authentication_options) == 1 &&
      one(aws_ec2_client_vpn_endpoint.this[0].authentication_options).type == "certificate-authentication" &&
      one(aws_ec2_client_vpn_endpoint.this[0].authentication_options).root_certificate_chain_arn == "arn:aws:acm:us-east-1:123456789012:certificate/66666666-7777-8888-9999-000000000000" &&
      aws_ec2_client_vpn_endpoint.this[0].server_certificate_arn == "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
    )
    error_message = "The Client VPN must use mutual certificate authentication only, with the given server certificate and client CA."
  }

  assert {
    condition = (
      aws_ec2_client_vpn_endpoint.this[0].connection_log_options[0].enabled == true &&
      aws_ec2_client_vpn_endpoint.this[0].connection_log_options[0].cloudwatch_log_group == "/aws/client-vpn/unit/connections" &&
      aws_ec2_client_vpn_endpoint.this[0].connection_log_options[0].cloudwatch_log_stream == "connections" &&
      aws_cloudwatch_log_group.vpn[0].kms_key_id == "arn:aws:kms:us-east-1:123456789012:key/vpn-logs" &&
      aws_cloudwatch_log_group.vpn[0].retention_in_days == 365 &&
      aws_kms_key.logs[0].enable_key_rotation == true
    )
    error_message = "Client VPN connection logging must be on, into a KMS-encrypted log group with retention."
  }

  assert {
    condition     = aws_ec2_client_vpn_endpoint.this[0].session_timeout_hours == 8 && aws_ec2_client_vpn_endpoint.this[0].disconnect_on_session_timeout == true
    error_message = "Client VPN sessions must end after 8 hours by default."
  }

  assert {
    condition = (
      length(aws_ec2_client_vpn_network_association.this) == 2 &&
      toset([for a in aws_ec2_client_vpn_network_association.this : a.subnet_id]) == toset(["subnet-0vpn1a", "subnet-0vpn1b"]) &&
      alltrue([for a in aws_ec2_client_vpn_network_association.this : a.client_vpn_endpoint_id == "cvpn-endpoint-unit"]) &&
      output.client_vpn_association_azs == tolist(["us-east-1a", "us-east-1b"])
    )
    error_message = "The Client VPN must be associated with the dedicated VPN subnets (not the bastion subnets) in two distinct AZs."
  }

  assert {
    condition = (
      length(aws_ec2_client_vpn_authorization_rule.bastions) == 3 &&
      toset([for r in aws_ec2_client_vpn_authorization_rule.bastions : r.target_network_cidr]) == toset(["10.10.0.0/23", "10.10.2.0/23", "10.10.4.0/23"]) &&
      alltrue([for r in aws_ec2_client_vpn_authorization_rule.bastions : r.client_vpn_endpoint_id == "cvpn-endpoint-unit" && r.target_network_cidr != "0.0.0.0/0"])
    )
    error_message = "Client VPN authorization rules must cover exactly the bastion subnets."
  }

  assert {
    condition = (
      alltrue([for r in aws_ec2_client_vpn_authorization_rule.bastions : r.authorize_all_groups == true]) &&
      output.client_vpn_authentication_mode == "certificate" &&
      output.client_vpn_authorization_rules == [
        { cidr = "10.10.0.0/23", group = null },
        { cidr = "10.10.2.0/23", group = null },
        { cidr = "10.10.4.0/23", group = null },
      ]
    )
    error_message = "In certificate mode (no groups in certificates) each bastion-subnet rule admits every authenticated client."
  }
}

# One association (cost toggle, ADR 0151): the endpoint is associated with the
# first VPN subnet only, and still authorizes every AZ's bastion subnet (an
# association routes to the whole security VPC), so every bastion stays
# reachable through it.
run "client_vpn_one_association" {
  command = plan

  variables {
    vpn_association_count = 1
  }

  assert {
    condition = (
      length(aws_ec2_client_vpn_network_association.this) == 1 &&
      [for a in aws_ec2_client_vpn_network_association.this : a.subnet_id] == ["subnet-0vpn1a"] &&
      output.client_vpn_association_azs == tolist(["us-east-1a"]) &&
      output.client_vpn_association_subnet_ids == { "us-east-1a" = "subnet-0vpn1a" } &&
      output.client_vpn_enabled == true
    )
    error_message = "vpn_association_count = 1 must associate exactly the first AZ's dedicated VPN subnet."
  }

  assert {
    condition = (
      output.client_vpn_authorized_cidrs == tolist(["10.10.0.0/23", "10.10.2.0/23", "10.10.4.0/23"]) &&
      length(aws_ec2_client_vpn_authorization_rule.bastions) == 3 &&
      length(aws_autoscaling_group.bastion) == 3
    )
    error_message = "With one association, clients must still be authorized for the bastion subnet of every AZ, and every AZ keeps its bastion."
  }

  assert {
    condition     = output.security_group_rules["bastion-ssh-from-vpn"].peer == "sg:vpn" && output.security_group_rules["vpn-ssh-to-bastions"].peer == "sg:bastion"
    error_message = "The VPN-to-bastion SSH rules must not depend on the association count."
  }
}

# Idle endpoint: kept with its certificates, authorization rules, security
# group and logs, but associated with no subnet (nothing billed per hour,
# nobody can connect).
run "client_vpn_idle" {
  command = plan

  variables {
    vpn_enabled = false
  }

  assert {
    condition = (
      length(aws_ec2_client_vpn_network_association.this) == 0 &&
      length(output.client_vpn_association_azs) == 0 &&
      length(output.client_vpn_association_subnet_ids) == 0 &&
      output.client_vpn_enabled == false
    )
    error_message = "vpn_enabled = false must leave the endpoint without any subnet association."
  }

  assert {
    condition = (
      aws_ec2_client_vpn_endpoint.this[0].vpc_id == "vpc-security" &&
      aws_ec2_client_vpn_endpoint.this[0].connection_log_options[0].enabled == true &&
      length(aws_ec2_client_vpn_authorization_rule.bastions) == 3 &&
      toset(aws_ec2_client_vpn_endpoint.this[0].security_group_ids) == toset(["sg-vpn"])
    )
    error_message = "The idle endpoint must keep its VPC, security group, connection logging and authorization rules, so enabling it again is only the associations."
  }

  assert {
    condition     = length(aws_autoscaling_group.bastion) == 3 && length(aws_autoscaling_group.jump_host.vpc_zone_identifier) == 3
    error_message = "Idling the VPN must not remove the bastions or the jump host."
  }
}

run "client_vpn_federated" {
  command = plan

  variables {
    vpn_authentication_mode           = "federated"
    client_root_certificate_chain_arn = null
    vpn_saml_provider_arn             = "arn:aws:iam::123456789012:saml-provider/unit-client-vpn"
    vpn_authorized_group_ids          = ["11111111-aaaa-bbbb-cccc-000000000001", "11111111-aaaa-bbbb-cccc-000000000002"]
  }

  assert {
    condition = (
      length(aws_ec2_client_vpn_endpoint.this[0].authentication_options) == 1 &&
      one(aws_ec2_client_vpn_endpoint.this[0].authentication_options).type == "federated-authentication" &&
      one(aws_ec2_client_vpn_endpoint.this[0].authentication_options).saml_provider_arn == "arn:aws:iam::123456789012:saml-provider/unit-client-vpn"
    )
    error_message = "Federated mode must authenticate through the given IAM SAML provider only."
  }

  assert {
    condition = length(aws_ec2_client_vpn_authorization_rule.bastions) == 6 && toset([
      for r in aws_ec2_client_vpn_authorization_rule.bastions : "${r.target_network_cidr} ${r.access_group_id}"
      ]) == toset([
      "10.10.0.0/23 11111111-aaaa-bbbb-cccc-000000000001",
      "10.10.0.0/23 11111111-aaaa-bbbb-cccc-000000000002",
      "10.10.2.0/23 11111111-aaaa-bbbb-cccc-000000000001",
      "10.10.2.0/23 11111111-aaaa-bbbb-cccc-000000000002",
      "10.10.4.0/23 11111111-aaaa-bbbb-cccc-000000000001",
      "10.10.4.0/23 11111111-aaaa-bbbb-cccc-000000000002",
    ])
    error_message = "Federated mode needs one authorization rule per bastion subnet and authorized group (access_group_id)."
  }

  assert {
    condition     = alltrue([for r in aws_ec2_client_vpn_authorization_rule.bastions : r.authorize_all_groups == false])
    error_message = "With federation no rule may authorize all groups: a person removed from the groups must lose access."
  }

  assert {
    condition     = output.client_vpn_authentication_mode == "federated" && output.client_vpn_authorized_cidrs == tolist(["10.10.0.0/23", "10.10.2.0/23", "10.10.4.0/23"])
    error_message = "Federated mode still reaches exactly the bastion subnets."
  }
}

run "client_vpn_certificate_and_federated" {
  command = plan

  variables {
    vpn_authentication_mode  = "certificate-and-federated"
    vpn_saml_provider_arn    = "arn:aws:iam::123456789012:saml-provider/unit-client-vpn"
    vpn_authorized_group_ids = ["11111111-aaaa-bbbb-cccc-000000000001"]
  }

  assert {
    condition = toset([
      for o in aws_ec2_client_vpn_endpoint.this[0].authentication_options : "${o.type} ${o.type == "certificate-authentication" ? o.root_certificate_chain_arn : o.saml_provider_arn}"
      ]) == toset([
      "certificate-authentication arn:aws:acm:us-east-1:123456789012:certificate/66666666-7777-8888-9999-000000000000",
      "federated-authentication arn:aws:iam::123456789012:saml-provider/unit-client-vpn",
    ]) && length(aws_ec2_client_vpn_endpoint.this[0].authentication_options) == 2
    error_message = "certificate-and-federated must require both the client certificate and the SAML login."
  }

  assert {
    condition = length(aws_ec2_client_vpn_authorization_rule.bastions) == 3 && alltrue([
      for r in aws_ec2_client_vpn_authorization_rule.bastions : r.access_group_id == "11111111-aaaa-bbbb-cccc-000000000001" && r.authorize_all_groups == false
    ])
    error_message = "With a SAML login in the chain, authorization must be by group."
  }
}

run "security_groups" {
  command = plan

  assert {
    condition = (
      aws_security_group.vpn[0].vpc_id == "vpc-security" &&
      aws_security_group.bastion[0].vpc_id == "vpc-security" &&
      aws_security_group.jump_host.vpc_id == "vpc-app"
    )
    error_message = "VPN and bastion security groups belong to the security VPC, the jump host's to the app VPC."
  }

  assert {
    condition = toset([
      for r in aws_vpc_security_group_ingress_rule.this :
      "${r.from_port}/${r.to_port} ${r.ip_protocol} ${join(" ", compact([can(cidrhost(r.cidr_ipv4, 0)) ? "cidr=${r.cidr_ipv4}" : "", can(cidrhost(r.cidr_ipv6, 0)) ? "cidr6=${r.cidr_ipv6}" : "", startswith(r.prefix_list_id, "pl-") ? "pl=${r.prefix_list_id}" : "", startswith(r.referenced_security_group_id, "sg-") ? "sg=${r.referenced_security_group_id}" : ""]))}" if r.security_group_id == "sg-bastion"
    ]) == toset(["22/22 tcp sg=sg-vpn"]) && length([for r in aws_vpc_security_group_ingress_rule.this : r if r.security_group_id == "sg-bastion"]) == 1
    error_message = "Bastion ingress must be exactly SSH (22) from the Client VPN (its ENIs' security group)."
  }

  assert {
    condition = toset([
      for r in aws_vpc_security_group_ingress_rule.this :
      "${r.from_port}/${r.to_port} ${r.ip_protocol} ${join(" ", compact([can(cidrhost(r.cidr_ipv4, 0)) ? "cidr=${r.cidr_ipv4}" : "", can(cidrhost(r.cidr_ipv6, 0)) ? "cidr6=${r.cidr_ipv6}" : "", startswith(r.prefix_list_id, "pl-") ? "pl=${r.prefix_list_id}" : "", startswith(r.referenced_security_group_id, "sg-") ? "sg=${r.referenced_security_group_id}" : ""]))}" if r.security_group_id == "sg-jump"
      ]) == toset([
      "22/22 tcp cidr=10.10.0.0/23",
      "22/22 tcp cidr=10.10.2.0/23",
      "22/22 tcp cidr=10.10.4.0/23",
    ]) && length([for r in aws_vpc_security_group_ingress_rule.this : r if r.security_group_id == "sg-jump"]) == 3
    error_message = "Jump-host ingress must be exactly SSH (22) from each bastion subnet."
  }

  # The VPN ENIs live in their own subnets: no rule that names a bastion
  # subnet may also admit a VPN subnet address.
  assert {
    condition = !anytrue(flatten([
      for r in values(aws_vpc_security_group_ingress_rule.this) : [
        for v in values(var.vpn_subnets) :
        can(cidrhost(r.cidr_ipv4, 0)) && try(cidrhost("${split("/", v.cidr_block)[0]}/${split("/", r.cidr_ipv4)[1]}", 0) == cidrhost(r.cidr_ipv4, 0), false)
      ]
    ]))
    error_message = "A CIDR ingress rule admits addresses of a Client VPN subnet."
  }

  assert {
    condition     = length([for r in aws_vpc_security_group_ingress_rule.this : r if r.security_group_id == "sg-vpn"]) == 0
    error_message = "The Client VPN security group needs no ingress rule."
  }

  assert {
    condition = toset([
      for r in aws_vpc_security_group_egress_rule.this :
      "${r.from_port}/${r.to_port} ${r.ip_protocol} ${join(" ", compact([can(cidrhost(r.cidr_ipv4, 0)) ? "cidr=${r.cidr_ipv4}" : "", can(cidrhost(r.cidr_ipv6, 0)) ? "cidr6=${r.cidr_ipv6}" : "", startswith(r.prefix_list_id, "pl-") ? "pl=${r.prefix_list_id}" : "", startswith(r.referenced_security_group_id, "sg-") ? "sg=${r.referenced_security_group_id}" : ""]))}" if r.security_group_id == "sg-vpn"
    ]) == toset(["22/22 tcp sg=sg-bastion"]) && length([for r in aws_vpc_security_group_egress_rule.this : r if r.security_group_id == "sg-vpn"]) == 1
    error_message = "Client VPN egress must be exactly SSH (22) to the bastions."
  }

  assert {
    condition = toset([
      for r in aws_vpc_security_group_egress_rule.this :
      "${r.from_port}/${r.to_port} ${r.ip_protocol} ${join(" ", compact([can(cidrhost(r.cidr_ipv4, 0)) ? "cidr=${r.cidr_ipv4}" : "", can(cidrhost(r.cidr_ipv6, 0)) ? "cidr6=${r.cidr_ipv6}" : "", startswith(r.prefix_list_id, "pl-") ? "pl=${r.prefix_list_id}" : "", startswith(r.referenced_security_group_id, "sg-") ? "sg=${r.referenced_security_group_id}" : ""]))}" if r.security_group_id == "sg-bastion"
      ]) == toset([
      "22/22 tcp cidr=10.100.254.0/28",
      "22/22 tcp cidr=10.100.254.16/28",
      "22/22 tcp cidr=10.100.254.32/28",
      "443/443 tcp pl=pl-s3",
    ]) && length([for r in aws_vpc_security_group_egress_rule.this : r if r.security_group_id == "sg-bastion"]) == 4
    error_message = "Bastion egress must be exactly SSH to each jump-host subnet and HTTPS to the S3 prefix list (package repositories)."
  }

  assert {
    condition = toset([
      for r in aws_vpc_security_group_egress_rule.this :
      "${r.from_port}/${r.to_port} ${r.ip_protocol} ${join(" ", compact([can(cidrhost(r.cidr_ipv4, 0)) ? "cidr=${r.cidr_ipv4}" : "", can(cidrhost(r.cidr_ipv6, 0)) ? "cidr6=${r.cidr_ipv6}" : "", startswith(r.prefix_list_id, "pl-") ? "pl=${r.prefix_list_id}" : "", startswith(r.referenced_security_group_id, "sg-") ? "sg=${r.referenced_security_group_id}" : ""]))}" if r.security_group_id == "sg-jump"
      ]) == toset([
      "443/443 tcp cidr=10.100.224.0/24",
      "443/443 tcp cidr=10.100.225.0/24",
      "443/443 tcp cidr=10.100.226.0/24",
    ]) && length([for r in aws_vpc_security_group_egress_rule.this : r if r.security_group_id == "sg-jump"]) == 3
    error_message = "Jump-host egress must be exactly HTTPS to the EKS control-plane (intra) subnets by default, not the whole app VPC."
  }

  assert {
    condition = alltrue([
      for r in concat(values(aws_vpc_security_group_ingress_rule.this), values(aws_vpc_security_group_egress_rule.this)) :
      r.cidr_ipv4 != "0.0.0.0/0" && r.cidr_ipv6 != "::/0" && r.ip_protocol != "-1" && r.from_port == r.to_port
    ])
    error_message = "No security group rule may admit 0.0.0.0/0 (or ::/0), all protocols or a port range."
  }

  assert {
    condition     = length(aws_vpc_security_group_ingress_rule.this) == 4 && length(aws_vpc_security_group_egress_rule.this) == 8
    error_message = "Unexpected extra security group rule."
  }
}

run "bastions" {
  command = plan

  assert {
    condition = length(aws_autoscaling_group.bastion) == 3 && alltrue([
      for az, g in aws_autoscaling_group.bastion :
      g.min_size == 1 && g.max_size == 1 && g.desired_capacity == 1 && toset(g.vpc_zone_identifier) == toset([var.bastion_subnets[az].id])
    ])
    error_message = "There must be one bastion ASG per AZ, each exactly one instance in that AZ's bastion subnet."
  }

  assert {
    condition     = length(distinct(flatten([for g in aws_autoscaling_group.bastion : tolist(g.vpc_zone_identifier)]))) == 3
    error_message = "Bastion ASGs must use distinct subnets (distinct AZs)."
  }

  assert {
    condition = alltrue([
      for g in aws_autoscaling_group.bastion :
      g.launch_template[0].id == "lt-bastion" && g.launch_template[0].version == "3" && g.health_check_type == "EC2" && g.max_instance_lifetime == 604800
    ])
    error_message = "Bastion ASGs must launch the current bastion launch template version and recycle instances weekly."
  }

  assert {
    condition = (
      aws_launch_template.bastion[0].image_id == "ami-bastion" &&
      aws_launch_template.bastion[0].metadata_options[0].http_tokens == "required" &&
      aws_launch_template.bastion[0].metadata_options[0].http_put_response_hop_limit == 1 &&
      aws_launch_template.bastion[0].metadata_options[0].http_endpoint == "enabled"
    )
    error_message = "Bastions must use the AMI from SSM and require IMDSv2 with hop limit 1."
  }

  assert {
    condition = (
      length(aws_launch_template.bastion[0].block_device_mappings) == 1 &&
      aws_launch_template.bastion[0].block_device_mappings[0].ebs[0].encrypted == "true" &&
      aws_launch_template.bastion[0].block_device_mappings[0].ebs[0].volume_type == "gp3" &&
      aws_launch_template.bastion[0].block_device_mappings[0].ebs[0].volume_size == 20
    )
    error_message = "Bastion root volumes must be encrypted gp3."
  }

  assert {
    condition = (
      length(aws_launch_template.bastion[0].network_interfaces) == 1 &&
      aws_launch_template.bastion[0].network_interfaces[0].associate_public_ip_address == "false" &&
      toset(aws_launch_template.bastion[0].network_interfaces[0].security_groups) == toset(["sg-bastion"])
    )
    error_message = "Bastions must have no public IP and only the bastion security group."
  }

  assert {
    condition = alltrue([
      for line in [
        "PermitRootLogin no", "PasswordAuthentication no", "KbdInteractiveAuthentication no", "AuthenticationMethods publickey",
        "X11Forwarding no", "AllowAgentForwarding no", "AllowTcpForwarding local", "PermitOpen *:22", "PermitTunnel no", "MaxAuthTries 3",
        "PermitTTY no", "ForceCommand /usr/sbin/nologin",
      ] : strcontains(base64decode(aws_launch_template.bastion[0].user_data), "\n${line}\n")
    ]) && strcontains(base64decode(aws_launch_template.bastion[0].user_data), "dnf -y upgrade --security")
    error_message = "Bastion user data must harden sshd (no root, no passwords, forwarding only to port 22, no shell) and apply security updates."
  }

  assert {
    condition     = length(aws_key_pair.operators) == 0 && output.key_pair_name == null
    error_message = "Without ssh_public_key no key pair may be created (EC2 Instance Connect)."
  }
}

run "jump_host" {
  command = plan

  assert {
    condition = (
      aws_autoscaling_group.jump_host.min_size == 1 && aws_autoscaling_group.jump_host.max_size == 1 && aws_autoscaling_group.jump_host.desired_capacity == 1 &&
      toset(aws_autoscaling_group.jump_host.vpc_zone_identifier) == toset(["subnet-0jump1a", "subnet-0jump1b", "subnet-0jump1c"]) &&
      aws_autoscaling_group.jump_host.launch_template[0].id == "lt-jump" && aws_autoscaling_group.jump_host.launch_template[0].version == "5"
    )
    error_message = "The jump host must be an ASG of exactly one instance across the jump-host subnets."
  }

  assert {
    condition = (
      aws_launch_template.jump_host.image_id == "ami-jump" &&
      aws_launch_template.jump_host.metadata_options[0].http_tokens == "required" &&
      aws_launch_template.jump_host.metadata_options[0].http_put_response_hop_limit == 1 &&
      aws_launch_template.jump_host.block_device_mappings[0].ebs[0].encrypted == "true" &&
      aws_launch_template.jump_host.block_device_mappings[0].ebs[0].volume_type == "gp3" &&
      aws_launch_template.jump_host.network_interfaces[0].associate_public_ip_address == "false" &&
      toset(aws_launch_template.jump_host.network_interfaces[0].security_groups) == toset(["sg-jump"])
    )
    error_message = "The jump host needs IMDSv2 (hop 1), encrypted gp3, no public IP and its own SG."
  }

  # One operator path (issue 8 item 1) and per-person identity (item 2): no
  # instance profile, so no Session Manager, no SSM parameters, no EKS rights.
  assert {
    condition     = length(aws_launch_template.jump_host.iam_instance_profile) == 0 && length(aws_launch_template.bastion[0].iam_instance_profile) == 0
    error_message = "Neither the jump host nor the bastions may have an instance profile."
  }

  assert {
    condition = !anytrue(flatten([
      for f in ["main.tf", "bastion.tf", "jump_host.tf", "vpn.tf", "outputs.tf"] : [
        for pattern in ["resource \"aws_iam_", "iam_instance_profile {", "AmazonSSMManagedInstanceCore", "\"ssm:", "\"ssmmessages:", "\"ec2messages:", "\"eks:"] :
        strcontains(file("${path.module}/${f}"), pattern)
      ]
    ]))
    error_message = "The access module must create no IAM role, instance profile or policy, and grant no SSM, Session Manager or EKS permission: SSH through the bastions is the only way in, and kubectl signs with the operator's own identity."
  }

  assert {
    condition = alltrue([
      for line in [
        "PermitRootLogin no", "PasswordAuthentication no", "AuthenticationMethods publickey", "AllowAgentForwarding no",
        "AllowTcpForwarding local", "PermitOpen *:443", "AllowStreamLocalForwarding no", "GatewayPorts no", "PermitTunnel no",
        "X11Forwarding no", "PermitTTY no", "ForceCommand /usr/sbin/nologin",
      ] : strcontains(base64decode(aws_launch_template.jump_host.user_data), "\n${line}\n")
    ]) && !strcontains(base64decode(aws_launch_template.jump_host.user_data), "AllowTcpForwarding no")
    error_message = "Jump-host sshd must allow local port forwarding to port 443 only (the API tunnel) and keep the rest of the hardening: no agent, tunnel, gateway ports, TTY or shell."
  }

  assert {
    condition     = output.jump_host_permit_open == "*:443" && output.jump_host_https_egress_cidrs == tolist(["10.100.224.0/24", "10.100.225.0/24", "10.100.226.0/24"])
    error_message = "Without eks_cluster_endpoint the jump host forwards to any host on 443, within the EKS control-plane subnets."
  }
}

# The sshd hardening must fail closed: the template writes the drop-in, checks
# it with sshd -t and, if that fails, stops sshd and exits non-zero rather than
# leaving sshd at its defaults. Rendered here from the template for both roles
# (and compared with what the launch templates carry).

run "user_data_fails_closed" {
  command = plan

  assert {
    condition = alltrue([
      for vars in [
        { role = "bastion", allow_tcp_forwarding = "local", permit_open = "*:22", forward_only = true, patch_on_boot = true },
        { role = "jump host", allow_tcp_forwarding = "local", permit_open = "*:443", forward_only = true, patch_on_boot = false },
        ] : can(regex(
          "(?s)^#!/bin/bash\\n.*\\nset -euo pipefail\\n.*cat > /etc/ssh/sshd_config\\.d/00-hardening\\.conf <<'SSHD'\\n.*\\nSSHD\\n.*\\nif sshd -t; then\\n  systemctl restart sshd\\nelse\\n  echo \"[^\"]*fail closed[^\"]*\" >&2\\n  systemctl stop sshd\\n  exit 1\\nfi\\n",
          templatefile("${path.module}/templates/user_data.sh.tftpl", vars)
      ))
    ])
    error_message = "The user data must write the sshd drop-in, validate it with sshd -t, and on failure stop sshd and exit 1 (fail closed)."
  }

  assert {
    condition = (
      base64decode(aws_launch_template.bastion[0].user_data) == templatefile("${path.module}/templates/user_data.sh.tftpl", { role = "bastion", allow_tcp_forwarding = "local", permit_open = "*:22", forward_only = true, patch_on_boot = true }) &&
      base64decode(aws_launch_template.jump_host.user_data) == templatefile("${path.module}/templates/user_data.sh.tftpl", { role = "jump host", allow_tcp_forwarding = "local", permit_open = "*:443", forward_only = true, patch_on_boot = false })
    )
    error_message = "The launch templates must carry exactly the rendered hardening template."
  }

  # The drop-in must come first (sshd keeps the first value it reads) and the
  # check must run after it is written, before sshd is restarted.
  assert {
    condition = (
      strcontains(base64decode(aws_launch_template.jump_host.user_data), "/etc/ssh/sshd_config.d/00-hardening.conf") &&
      length(split("if sshd -t; then", base64decode(aws_launch_template.jump_host.user_data))) == 2 &&
      strcontains(split("if sshd -t; then", base64decode(aws_launch_template.jump_host.user_data))[0], "chmod 0600 /etc/ssh/sshd_config.d/00-hardening.conf") &&
      !strcontains(split("if sshd -t; then", base64decode(aws_launch_template.jump_host.user_data))[0], "systemctl")
    )
    error_message = "sshd must only be (re)started after the hardened drop-in is written and validated."
  }
}

run "eks_endpoint_narrows_the_forward" {
  command = plan

  variables {
    eks_cluster_endpoint = "https://0123456789ABCDEF0123456789ABCDEF.gr7.us-east-1.eks.amazonaws.com"
  }

  assert {
    condition = (
      strcontains(base64decode(aws_launch_template.jump_host.user_data), "\nPermitOpen 0123456789ABCDEF0123456789ABCDEF.gr7.us-east-1.eks.amazonaws.com:443\n") &&
      output.jump_host_permit_open == "0123456789ABCDEF0123456789ABCDEF.gr7.us-east-1.eks.amazonaws.com:443"
    )
    error_message = "With eks_cluster_endpoint the jump host may forward only to that host on 443."
  }
}

run "ssh_key" {
  command = plan

  variables {
    ssh_public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq6sJm7bTJ0Hj0p5D6Qx6cQ3yJ8mZq2yZ9Tt4o3K1aB operator@example"
  }

  assert {
    condition = (
      length(aws_key_pair.operators) == 1 &&
      aws_key_pair.operators[0].key_name == "unit-operators" &&
      startswith(aws_key_pair.operators[0].public_key, "ssh-ed25519 ") &&
      aws_launch_template.bastion[0].key_name == "unit-operators" &&
      aws_launch_template.jump_host.key_name == "unit-operators"
    )
    error_message = "ssh_public_key must become one key pair (public key only) used by bastions and jump host."
  }
}

run "extra_patch_sources_and_jump_egress_override" {
  command = plan

  variables {
    bastion_patch_prefix_list_ids = ["pl-0a1b2c3d"]
    bastion_patch_cidrs           = ["203.0.113.0/24"]
    jump_host_https_egress_cidrs  = ["10.100.224.0/24"]
    vpn_association_count         = 3
  }

  assert {
    condition = toset([
      for r in aws_vpc_security_group_egress_rule.this :
      "${r.from_port}/${r.to_port} ${r.ip_protocol} ${join(" ", compact([can(cidrhost(r.cidr_ipv4, 0)) ? "cidr=${r.cidr_ipv4}" : "", can(cidrhost(r.cidr_ipv6, 0)) ? "cidr6=${r.cidr_ipv6}" : "", startswith(r.prefix_list_id, "pl-") ? "pl=${r.prefix_list_id}" : "", startswith(r.referenced_security_group_id, "sg-") ? "sg=${r.referenced_security_group_id}" : ""]))}" if r.security_group_id == "sg-bastion" && r.from_port == 443
    ]) == toset(["443/443 tcp pl=pl-0a1b2c3d", "443/443 tcp cidr=203.0.113.0/24"])
    error_message = "Bastion HTTPS egress must go exactly to the given prefix lists and CIDRs."
  }

  assert {
    condition     = length(data.aws_ec2_managed_prefix_list.s3) == 0
    error_message = "With explicit prefix lists the S3 prefix list is not looked up."
  }

  assert {
    condition = toset([
      for r in aws_vpc_security_group_egress_rule.this : r.cidr_ipv4 if r.security_group_id == "sg-jump"
    ]) == toset(["10.100.224.0/24"]) && alltrue([for r in aws_vpc_security_group_egress_rule.this : r.from_port == 443 if r.security_group_id == "sg-jump"])
    error_message = "Jump-host egress must be HTTPS to exactly the given app VPC CIDRs."
  }

  assert {
    condition     = length(aws_ec2_client_vpn_network_association.this) == 3 && toset([for a in aws_ec2_client_vpn_network_association.this : a.subnet_id]) == toset(["subnet-0vpn1a", "subnet-0vpn1b", "subnet-0vpn1c"])
    error_message = "vpn_association_count = 3 must associate the three VPN subnets."
  }

  assert {
    condition = alltrue([
      for r in concat(values(aws_vpc_security_group_ingress_rule.this), values(aws_vpc_security_group_egress_rule.this)) :
      r.cidr_ipv4 != "0.0.0.0/0" && r.cidr_ipv6 != "::/0"
    ])
    error_message = "No security group rule may admit 0.0.0.0/0."
  }
}

run "customer_managed_ebs_key" {
  command = plan

  variables {
    ebs_kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
  }

  assert {
    condition = (
      aws_launch_template.bastion[0].block_device_mappings[0].ebs[0].kms_key_id == "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d" &&
      aws_launch_template.jump_host.block_device_mappings[0].ebs[0].kms_key_id == "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
    )
    error_message = "Both launch templates must encrypt the root volume with ebs_kms_key_arn."
  }

  # The statements the key's owner must add for the Auto Scaling
  # service-linked role (the instances are launched by Auto Scaling).
  assert {
    condition = (
      [for st in jsondecode(output.ebs_kms_key_policy_json).Statement : st.Sid] == ["AutoScalingServiceLinkedRoleUseOfTheKey", "AutoScalingServiceLinkedRoleGrantsForAwsResources"] &&
      alltrue([
        for st in jsondecode(output.ebs_kms_key_policy_json).Statement :
        st.Effect == "Allow" && jsonencode(st.Principal) == jsonencode({ AWS = ["arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"] })
      ]) &&
      jsondecode(output.ebs_kms_key_policy_json).Statement[0].Action == ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"] &&
      jsondecode(output.ebs_kms_key_policy_json).Statement[1].Action == ["kms:CreateGrant"] &&
      jsonencode(jsondecode(output.ebs_kms_key_policy_json).Statement[1].Condition) == jsonencode({ Bool = { "kms:GrantIsForAWSResource" = ["true"] } })
    )
    error_message = "ebs_kms_key_policy_json must grant the Auto Scaling service-linked role use of the key and kms:CreateGrant only with kms:GrantIsForAWSResource = true."
  }
}

run "ebs_key_of_another_region_is_rejected" {
  command = plan

  variables {
    ebs_kms_key_arn = "arn:aws:kms:us-west-2:123456789012:key/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
  }

  expect_failures = [aws_launch_template.bastion, aws_launch_template.jump_host]
}

run "vpn_certificate_of_another_region_is_rejected" {
  command = plan

  variables {
    server_certificate_arn = "arn:aws:acm:us-west-2:123456789012:certificate/11111111-2222-3333-4444-555555555555"
  }

  expect_failures = [aws_ec2_client_vpn_endpoint.this]
}

run "vpn_certificate_of_another_partition_is_rejected" {
  command = plan

  variables {
    client_root_certificate_chain_arn = "arn:aws-us-gov:acm:us-east-1:123456789012:certificate/66666666-7777-8888-9999-000000000000"
  }

  expect_failures = [aws_ec2_client_vpn_endpoint.this]
}

run "saml_provider_of_another_partition_is_rejected" {
  command = plan

  variables {
    vpn_authentication_mode           = "federated"
    client_root_certificate_chain_arn = null
    vpn_saml_provider_arn             = "arn:aws-us-gov:iam::123456789012:saml-provider/unit-client-vpn"
    vpn_authorized_group_ids          = ["ops"]
  }

  expect_failures = [aws_ec2_client_vpn_endpoint.this]
}
