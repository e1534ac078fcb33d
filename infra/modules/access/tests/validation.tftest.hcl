# Bad inputs must be rejected by the variable validations, before any plan.

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

run "valid_inputs_plan" {
  command = plan

  assert {
    condition     = length(aws_autoscaling_group.bastion) == 3
    error_message = "The baseline inputs of this file must plan."
  }
}

run "vpn_cidr_overlapping_a_vpc_is_rejected" {
  command = plan

  variables {
    client_cidr_block = "10.100.0.0/22"
  }

  expect_failures = [var.client_cidr_block]
}

run "vpn_cidr_containing_a_vpc_is_rejected" {
  command = plan

  variables {
    client_cidr_block = "10.0.0.0/12"
  }

  expect_failures = [var.client_cidr_block]
}

run "vpn_cidr_smaller_than_22_is_rejected" {
  command = plan

  variables {
    client_cidr_block = "10.200.0.0/24"
  }

  expect_failures = [var.client_cidr_block]
}

run "vpn_cidr_larger_than_12_is_rejected" {
  command = plan

  variables {
    client_cidr_block = "10.192.0.0/11"
  }

  expect_failures = [var.client_cidr_block]
}

run "vpn_cidr_host_address_is_rejected" {
  command = plan

  variables {
    client_cidr_block = "10.200.1.0/22"
  }

  expect_failures = [var.client_cidr_block]
}

run "single_bastion_subnet_is_rejected" {
  command = plan

  variables {
    bastion_subnets = {
      "us-east-1a" = { id = "subnet-0bastion1a", cidr_block = "10.10.0.0/23" }
    }
  }

  expect_failures = [var.bastion_subnets]
}

run "bastion_subnet_outside_security_vpc_is_rejected" {
  command = plan

  variables {
    bastion_subnets = {
      "us-east-1a" = { id = "subnet-0bastion1a", cidr_block = "10.10.0.0/23" }
      "us-east-1b" = { id = "subnet-0bastion1b", cidr_block = "10.20.0.0/23" }
    }
  }

  expect_failures = [var.bastion_subnets]
}

run "jump_subnet_outside_app_vpc_is_rejected" {
  command = plan

  variables {
    jump_host_subnets = {
      "us-east-1a" = { id = "subnet-0jump1a", cidr_block = "10.10.14.0/28" }
    }
  }

  expect_failures = [var.jump_host_subnets]
}

run "zero_vpn_associations_is_rejected" {
  command = plan

  variables {
    vpn_association_count = 0
  }

  expect_failures = [var.vpn_association_count]
}

run "fractional_vpn_association_count_is_rejected" {
  command = plan

  variables {
    vpn_association_count = 1.5
  }

  expect_failures = [var.vpn_association_count]
}

run "more_vpn_associations_than_subnets_is_rejected" {
  command = plan

  variables {
    vpn_association_count = 4
  }

  expect_failures = [var.vpn_association_count]
}

run "bad_server_certificate_arn_is_rejected" {
  command = plan

  variables {
    server_certificate_arn = "arn:aws:iam::123456789012:server-certificate/vpn"
  }

  expect_failures = [var.server_certificate_arn]
}

run "bad_client_ca_arn_is_rejected" {
  command = plan

  variables {
    client_root_certificate_chain_arn = "not-an-arn"
  }

  expect_failures = [var.client_root_certificate_chain_arn]
}

run "unsupported_session_timeout_is_rejected" {
  command = plan

  variables {
    vpn_session_timeout_hours = 9
  }

  expect_failures = [var.vpn_session_timeout_hours]
}

run "unsupported_vpn_port_is_rejected" {
  command = plan

  variables {
    vpn_port = 22
  }

  expect_failures = [var.vpn_port]
}

run "unsupported_transport_is_rejected" {
  command = plan

  variables {
    vpn_transport_protocol = "quic"
  }

  expect_failures = [var.vpn_transport_protocol]
}

run "private_key_is_rejected" {
  command = plan

  variables {
    # Assembled with interpolation so secret scanners do not flag this fixture.
    ssh_public_key = "-----BEGIN ${"OPENSSH"} PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END ${"OPENSSH"} PRIVATE KEY-----\n"
  }

  expect_failures = [var.ssh_public_key]
}

run "public_key_line_carrying_a_private_key_is_rejected" {
  command = plan

  variables {
    ssh_public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq6sJm7bTJ0Hj0p5D6Qx6cQ3yJ8mZq2yZ9Tt4o3K1aB ${"PRIVATE"} KEY"
  }

  expect_failures = [var.ssh_public_key]
}

run "garbage_public_key_is_rejected" {
  command = plan

  variables {
    ssh_public_key = "not a key"
  }

  expect_failures = [var.ssh_public_key]
}

run "patch_cidr_any_is_rejected" {
  command = plan

  variables {
    bastion_patch_cidrs = ["0.0.0.0/0"]
  }

  expect_failures = [var.bastion_patch_cidrs]
}

run "patch_cidr_too_wide_is_rejected" {
  command = plan

  variables {
    bastion_patch_cidrs = ["52.0.0.0/6"]
  }

  expect_failures = [var.bastion_patch_cidrs]
}

run "bad_prefix_list_id_is_rejected" {
  command = plan

  variables {
    bastion_patch_prefix_list_ids = ["0.0.0.0/0"]
  }

  expect_failures = [var.bastion_patch_prefix_list_ids]
}

run "jump_egress_outside_app_vpc_is_rejected" {
  command = plan

  variables {
    jump_host_https_egress_cidrs = ["0.0.0.0/0"]
  }

  expect_failures = [var.jump_host_https_egress_cidrs]
}


run "tiny_root_volume_is_rejected" {
  command = plan

  variables {
    root_volume_size_gb = 4
  }

  expect_failures = [var.root_volume_size_gb]
}

run "bad_retention_is_rejected" {
  command = plan

  variables {
    log_retention_days = 10
  }

  expect_failures = [var.log_retention_days]
}

run "bad_lifetime_is_rejected" {
  command = plan

  variables {
    instance_max_lifetime_days = 400
  }

  expect_failures = [var.instance_max_lifetime_days]
}

run "bad_vpc_id_is_rejected" {
  command = plan

  variables {
    security_vpc_id = "subnet-0bastion1a"
  }

  expect_failures = [var.security_vpc_id]
}

run "too_many_dns_servers_are_rejected" {
  command = plan

  variables {
    vpn_dns_servers = ["10.10.0.2", "1.1.1.1", "8.8.8.8"]
  }

  expect_failures = [var.vpn_dns_servers]
}

run "one_vpn_subnet_is_rejected" {
  command = plan

  variables {
    vpn_subnets = {
      "us-east-1a" = { id = "subnet-0vpn1a", cidr_block = "10.10.12.0/27" }
    }
  }

  expect_failures = [var.vpn_subnets]
}

run "vpn_subnet_smaller_than_27_is_rejected" {
  command = plan

  variables {
    vpn_subnets = {
      "us-east-1a" = { id = "subnet-0vpn1a", cidr_block = "10.10.12.0/27" }
      "us-east-1b" = { id = "subnet-0vpn1b", cidr_block = "10.10.12.32/28" }
    }
  }

  expect_failures = [var.vpn_subnets]
}

run "vpn_subnet_inside_a_bastion_subnet_is_rejected" {
  command = plan

  variables {
    vpn_subnets = {
      "us-east-1a" = { id = "subnet-0vpn1a", cidr_block = "10.10.0.0/27" }
      "us-east-1b" = { id = "subnet-0vpn1b", cidr_block = "10.10.12.32/27" }
    }
  }

  expect_failures = [var.vpn_subnets]
}

run "vpn_subnet_outside_security_vpc_is_rejected" {
  command = plan

  variables {
    vpn_subnets = {
      "us-east-1a" = { id = "subnet-0vpn1a", cidr_block = "10.20.12.0/27" }
      "us-east-1b" = { id = "subnet-0vpn1b", cidr_block = "10.10.12.32/27" }
    }
  }

  expect_failures = [var.vpn_subnets]
}

run "eks_subnet_outside_app_vpc_is_rejected" {
  command = plan

  variables {
    eks_control_plane_subnets = {
      "us-east-1a" = { id = "subnet-0intra1a", cidr_block = "10.100.224.0/24" }
      "us-east-1b" = { id = "subnet-0intra1b", cidr_block = "10.10.14.0/24" }
    }
  }

  expect_failures = [var.eks_control_plane_subnets]
}

run "empty_jump_egress_is_rejected" {
  command = plan

  variables {
    jump_host_https_egress_cidrs = []
  }

  expect_failures = [var.jump_host_https_egress_cidrs]
}

run "eks_endpoint_with_path_is_rejected" {
  command = plan

  variables {
    eks_cluster_endpoint = "https://0123456789ABCDEF.gr7.us-east-1.eks.amazonaws.com/api"
  }

  expect_failures = [var.eks_cluster_endpoint]
}

run "eks_endpoint_without_scheme_is_rejected" {
  command = plan

  variables {
    eks_cluster_endpoint = "0123456789ABCDEF.gr7.us-east-1.eks.amazonaws.com"
  }

  expect_failures = [var.eks_cluster_endpoint]
}

run "unknown_authentication_mode_is_rejected" {
  command = plan

  variables {
    vpn_authentication_mode = "active-directory"
  }

  expect_failures = [var.vpn_authentication_mode]
}

run "federated_without_saml_provider_is_rejected" {
  command = plan

  variables {
    vpn_authentication_mode           = "federated"
    client_root_certificate_chain_arn = null
    vpn_authorized_group_ids          = ["ops"]
  }

  expect_failures = [var.vpn_saml_provider_arn]
}

run "federated_without_groups_is_rejected" {
  command = plan

  variables {
    vpn_authentication_mode           = "federated"
    client_root_certificate_chain_arn = null
    vpn_saml_provider_arn             = "arn:aws:iam::123456789012:saml-provider/unit-client-vpn"
  }

  expect_failures = [var.vpn_authorized_group_ids]
}

run "groups_in_certificate_mode_are_rejected" {
  command = plan

  variables {
    vpn_authorized_group_ids = ["ops"]
  }

  expect_failures = [var.vpn_authorized_group_ids]
}

run "saml_provider_in_certificate_mode_is_rejected" {
  command = plan

  variables {
    vpn_saml_provider_arn = "arn:aws:iam::123456789012:saml-provider/unit-client-vpn"
  }

  expect_failures = [var.vpn_saml_provider_arn]
}

run "client_ca_in_federated_mode_is_rejected" {
  command = plan

  variables {
    vpn_authentication_mode  = "federated"
    vpn_saml_provider_arn    = "arn:aws:iam::123456789012:saml-provider/unit-client-vpn"
    vpn_authorized_group_ids = ["ops"]
  }

  expect_failures = [var.client_root_certificate_chain_arn]
}

run "certificate_mode_without_client_ca_is_rejected" {
  command = plan

  variables {
    client_root_certificate_chain_arn = null
  }

  expect_failures = [var.client_root_certificate_chain_arn]
}

run "bad_saml_provider_arn_is_rejected" {
  command = plan

  variables {
    vpn_authentication_mode           = "federated"
    client_root_certificate_chain_arn = null
    vpn_saml_provider_arn             = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    vpn_authorized_group_ids          = ["ops"]
  }

  expect_failures = [var.vpn_saml_provider_arn]
}

run "duplicate_group_ids_are_rejected" {
  command = plan

  variables {
    vpn_authentication_mode           = "federated"
    client_root_certificate_chain_arn = null
    vpn_saml_provider_arn             = "arn:aws:iam::123456789012:saml-provider/unit-client-vpn"
    vpn_authorized_group_ids          = ["ops", "ops"]
  }

  expect_failures = [var.vpn_authorized_group_ids]
}

run "unknown_partition_in_arn_is_rejected" {
  command = plan

  variables {
    server_certificate_arn = "arn:awsx:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
  }

  expect_failures = [var.server_certificate_arn]
}

run "ebs_key_of_unknown_partition_is_rejected" {
  command = plan

  variables {
    ebs_kms_key_arn = "arn:awsx:kms:us-east-1:123456789012:key/0a1b2c3d"
  }

  expect_failures = [var.ebs_kms_key_arn]
}
