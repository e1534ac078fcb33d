# modules/image-pipeline planned against OpenTofu's mock provider (offline).

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
  mock_data "aws_ssm_parameter" {
    defaults = { insecure_value = "ami-0123456789abcdef0" }
  }
}

override_resource {
  target = aws_security_group.build
  values = { id = "sg-build" }
}
override_resource {
  target = aws_iam_role.instance
  values = { arn = "arn:aws:iam::123456789012:role/unit-image-build-instance" }
}
override_resource {
  target = aws_iam_role.execution
  values = { arn = "arn:aws:iam::123456789012:role/unit-image-pipeline-execution" }
}
override_resource {
  target = aws_iam_instance_profile.instance
  values = { arn = "arn:aws:iam::123456789012:instance-profile/unit-image-build-instance" }
}

variables {
  name                 = "unit"
  vpc_id               = "vpc-security"
  subnet_id            = "subnet-0security1a"
  distribution_regions = ["us-east-1", "us-west-2"]
}

run "schedule_is_monthly" {
  command = plan

  assert {
    condition = (
      aws_imagebuilder_image_pipeline.this.schedule[0].schedule_expression == "cron(0 3 ? * 1#1 *)" &&
      aws_imagebuilder_image_pipeline.this.schedule[0].pipeline_execution_start_condition == "EXPRESSION_MATCH_ONLY" &&
      aws_imagebuilder_image_pipeline.this.schedule[0].timezone == "Etc/UTC" &&
      aws_imagebuilder_image_pipeline.this.status == "ENABLED"
    )
    error_message = "The pipeline must build at 03:00 UTC on the first Sunday of every month, whether or not a dependency changed."
  }

  assert {
    condition = (
      aws_imagebuilder_image_pipeline.this.image_tests_configuration[0].image_tests_enabled == true &&
      aws_imagebuilder_image_pipeline.this.image_tests_configuration[0].timeout_minutes == 60 &&
      aws_imagebuilder_image_pipeline.this.image_scanning_configuration[0].image_scanning_enabled == true &&
      aws_imagebuilder_image_pipeline.this.execution_role == "arn:aws:iam::123456789012:role/unit-image-pipeline-execution"
    )
    error_message = "The pipeline must run its test stage, scan images, and run with its own execution role."
  }
}

run "egress_443_only_no_ingress" {
  command = plan

  assert {
    condition = (
      length(aws_vpc_security_group_egress_rule.build) == 1 &&
      alltrue([
        for r in aws_vpc_security_group_egress_rule.build :
        r.ip_protocol == "tcp" && r.from_port == 443 && r.to_port == 443 && r.security_group_id == "sg-build"
      ]) &&
      aws_vpc_security_group_egress_rule.build["https-0.0.0.0/0"].cidr_ipv4 == "0.0.0.0/0"
    )
    error_message = "The build security group's only egress must be TCP 443."
  }

  assert {
    condition = (
      length(aws_security_group.build.ingress) == 0 &&
      aws_security_group.build.vpc_id == "vpc-security" &&
      alltrue([for r in values(output.security_group_rules) : r.direction == "egress" && r.port == 443 && r.protocol == "tcp"])
    )
    error_message = "The build security group must admit nothing."
  }

  assert {
    condition = (
      aws_imagebuilder_infrastructure_configuration.this.subnet_id == "subnet-0security1a" &&
      aws_imagebuilder_infrastructure_configuration.this.security_group_ids == toset(["sg-build"]) &&
      aws_imagebuilder_infrastructure_configuration.this.terminate_instance_on_failure == true &&
      aws_imagebuilder_infrastructure_configuration.this.instance_metadata_options[0].http_tokens == "required" &&
      aws_imagebuilder_infrastructure_configuration.this.instance_metadata_options[0].http_put_response_hop_limit == 1 &&
      aws_imagebuilder_infrastructure_configuration.this.instance_profile_name == "unit-image-build-instance"
    )
    error_message = "Builds must run in the security VPC subnet behind the build security group, with IMDSv2 and no leftover instances."
  }
}

run "instance_and_execution_roles" {
  command = plan

  assert {
    condition = (
      toset([for a in aws_iam_role_policy_attachment.instance : a.policy_arn]) == toset([
        "arn:aws:iam::aws:policy/EC2InstanceProfileForImageBuilder",
        "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
      ]) &&
      jsondecode(aws_iam_role.instance.assume_role_policy).Statement[0].Principal.Service == "ec2.amazonaws.com"
    )
    error_message = "The build instance role must hold exactly EC2InstanceProfileForImageBuilder and AmazonSSMManagedInstanceCore."
  }

  assert {
    condition = (
      jsondecode(aws_iam_role.execution.assume_role_policy).Statement[0].Principal.Service == "imagebuilder.amazonaws.com" &&
      jsondecode(aws_iam_role.execution.assume_role_policy).Statement[0].Condition.StringEquals["aws:SourceAccount"] == "123456789012" &&
      aws_iam_role_policy_attachment.execution.policy_arn == "arn:aws:iam::aws:policy/EC2ImageBuilderExecutionPolicy"
    )
    error_message = "The execution role must be assumable by Image Builder for this account only, with the managed execution policy."
  }

  assert {
    condition = (
      toset(one([for s in jsondecode(aws_iam_role_policy.execution.policy).Statement : s if s.Sid == "PublishTheAmiId"]).Resource) == toset([
        "arn:aws:ssm:us-east-1:123456789012:parameter/org-app/ami/hardened-al2023",
        "arn:aws:ssm:us-west-2:123456789012:parameter/org-app/ami/hardened-al2023",
      ]) &&
      one([for s in jsondecode(aws_iam_role_policy.execution.policy).Statement : s if s.Sid == "PassOnlyTheBuildInstanceRole"]).Effect == "Deny" &&
      one([for s in jsondecode(aws_iam_role_policy.execution.policy).Statement : s if s.Sid == "PassOnlyTheBuildInstanceRole"]).NotResource == "arn:aws:iam::123456789012:role/unit-image-build-instance" &&
      length(jsondecode(aws_iam_role_policy.execution.policy).Statement) == 3
    )
    error_message = "The execution role may write only the AMI parameter in each distribution region and pass only the build instance role."
  }
}

run "recipe" {
  command = plan

  assert {
    condition = (
      aws_imagebuilder_image_recipe.this.parent_image == "arn:aws:imagebuilder:us-east-1:aws:image/amazon-linux-2023-x86/x.x.x" &&
      aws_imagebuilder_image_recipe.this.name == "unit-hardened-al2023" &&
      can(regex("^1\\.0\\.[0-9]+$", aws_imagebuilder_image_recipe.this.version))
    )
    error_message = "The recipe must start from the newest managed Amazon Linux 2023 image, with a content-derived version."
  }

  assert {
    condition = (
      output.recipe_components == ["update-linux", "unit-hardening", "unit-clamav", "unit-aide", "unit-tests"] &&
      length(aws_imagebuilder_image_recipe.this.component) == 5 &&
      aws_imagebuilder_image_recipe.this.component[0].component_arn == "arn:aws:imagebuilder:us-east-1:aws:component/update-linux/x.x.x"
    )
    error_message = "Components must run update-linux, hardening, ClamAV, then the AIDE baseline last, and the test component."
  }

  assert {
    condition = (
      one(aws_imagebuilder_image_recipe.this.block_device_mapping).ebs[0].encrypted == "true" &&
      one(aws_imagebuilder_image_recipe.this.block_device_mapping).ebs[0].volume_type == "gp3" &&
      one(aws_imagebuilder_image_recipe.this.block_device_mapping).ebs[0].volume_size == 20
    )
    error_message = "The image's root volume must be encrypted gp3."
  }

  assert {
    condition = (
      alltrue([for c in aws_imagebuilder_component.this : c.platform == "Linux" && c.supported_os_versions == toset(["Amazon Linux 2023"]) && can(regex("^1\\.0\\.[0-9]+$", c.version))]) &&
      strcontains(aws_imagebuilder_component.this["hardening"].data, "PermitRootLogin no") &&
      strcontains(aws_imagebuilder_component.this["aide"].data, "aide --init") &&
      strcontains(aws_imagebuilder_component.this["aide"].data, "aide-check.timer") &&
      strcontains(aws_imagebuilder_component.this["clamav"].data, "freshclam") &&
      strcontains(aws_imagebuilder_component.this["clamav"].data, "OnCalendar=Sun *-*-* 03:30:00") &&
      !strcontains(aws_imagebuilder_component.this["clamav"].data, "PrivateMirror") &&
      strcontains(aws_imagebuilder_component.this["tests"].data, "- name: test") &&
      strcontains(aws_imagebuilder_component.this["tests"].data, "sshd -T") &&
      strcontains(aws_imagebuilder_component.this["tests"].data, "/var/lib/aide/aide.db.gz") &&
      strcontains(aws_imagebuilder_component.this["tests"].data, "clamscan")
    )
    error_message = "The hardening, AIDE, ClamAV and test components must carry their documents."
  }
}

run "distribution_and_parameter" {
  command = plan

  assert {
    condition = (
      toset([for d in aws_imagebuilder_distribution_configuration.this.distribution : d.region]) == toset(["us-east-1", "us-west-2"]) &&
      alltrue([
        for d in aws_imagebuilder_distribution_configuration.this.distribution :
        one(d.ssm_parameter_configuration).parameter_name == "/org-app/ami/hardened-al2023" &&
        one(d.ssm_parameter_configuration).data_type == "aws:ec2:image" &&
        strcontains(d.ami_distribution_configuration[0].name, "{{ imagebuilder:buildDate }}")
      ])
    )
    error_message = "Every distribution region must receive the AMI and the AMI id in /org-app/ami/hardened-al2023."
  }

  assert {
    condition = (
      toset(keys(aws_ssm_parameter.ami)) == toset(["us-east-1", "us-west-2"]) &&
      alltrue([for r, p in aws_ssm_parameter.ami : p.region == r && p.name == "/org-app/ami/hardened-al2023" && p.data_type == "aws:ec2:image" && p.type == "String"]) &&
      output.ami_ssm_parameter_name == "/org-app/ami/hardened-al2023"
    )
    error_message = "The parameter must be seeded in every distribution region and named in the output modules/access reads."
  }

  assert {
    condition     = aws_cloudwatch_log_group.build.name == "/aws/imagebuilder/unit-hardened-al2023" && aws_cloudwatch_log_group.build.retention_in_days == 90
    error_message = "Build logs must go to a log group with retention."
  }
}

run "options" {
  command = plan

  variables {
    distribution_regions         = null
    kubectl_version              = "1.36.1"
    clamav_private_mirror        = "https://clamav-mirror.example.com/db"
    https_egress_cidrs           = ["10.0.0.0/8"]
    https_egress_prefix_list_ids = ["pl-63a5400a"]
    seed_ami_ssm_parameter       = false
    pipeline_enabled             = false
    schedule_expression          = "cron(30 2 ? * MONL *)"
    ami_kms_key_arns             = { "us-east-1" = "arn:aws:kms:us-east-1:123456789012:key/ami" }
    extra_component_arns         = ["arn:aws:imagebuilder:us-east-1:aws:component/stig-build-linux-medium/x.x.x"]
  }

  assert {
    condition = (
      [for d in aws_imagebuilder_distribution_configuration.this.distribution : d.region] == ["us-east-1"] &&
      one(aws_imagebuilder_distribution_configuration.this.distribution).ami_distribution_configuration[0].kms_key_id == "arn:aws:kms:us-east-1:123456789012:key/ami" &&
      one(aws_imagebuilder_image_recipe.this.block_device_mapping).ebs[0].kms_key_id == "arn:aws:kms:us-east-1:123456789012:key/ami" &&
      length(aws_ssm_parameter.ami) == 0 &&
      aws_imagebuilder_image_pipeline.this.status == "DISABLED" &&
      aws_imagebuilder_image_pipeline.this.schedule[0].schedule_expression == "cron(30 2 ? * MONL *)"
    )
    error_message = "Without distribution_regions the build region only; the AMI KMS key, seeding, status and schedule inputs must apply."
  }

  assert {
    condition = (
      strcontains(aws_imagebuilder_component.this["kubectl"].data, "https://dl.k8s.io/release/v1.36.1/bin/linux/amd64/kubectl") &&
      strcontains(aws_imagebuilder_component.this["kubectl"].data, "sha256sum --check") &&
      strcontains(aws_imagebuilder_component.this["clamav"].data, "PrivateMirror %s\\n' 'https://clamav-mirror.example.com/db'") &&
      strcontains(aws_imagebuilder_component.this["clamav"].data, "clamav-signatures.timer") &&
      output.recipe_components == ["update-linux", "unit-hardening", "unit-clamav", "unit-kubectl", "arn:aws:imagebuilder:us-east-1:aws:component/stig-build-linux-medium/x.x.x", "unit-aide", "unit-tests"] &&
      aws_imagebuilder_image_recipe.this.component[4].component_arn == "arn:aws:imagebuilder:us-east-1:aws:component/stig-build-linux-medium/x.x.x"
    )
    error_message = "kubectl (checksum-verified), the ClamAV mirror and extra components must be built in, before the AIDE baseline."
  }

  assert {
    condition = (
      toset([for r in values(output.security_group_rules) : r.peer]) == toset(["10.0.0.0/8", "pl-63a5400a"]) &&
      aws_vpc_security_group_egress_rule.build["https-10.0.0.0/8"].cidr_ipv4 == "10.0.0.0/8" &&
      aws_vpc_security_group_egress_rule.build["https-pl-63a5400a"].prefix_list_id == "pl-63a5400a" &&
      alltrue([for r in aws_vpc_security_group_egress_rule.build : r.from_port == 443 && r.to_port == 443]) &&
      one([for s in jsondecode(aws_iam_role_policy.execution.policy).Statement : s if s.Sid == "EncryptTheImageSnapshots"]).Resource == ["arn:aws:kms:us-east-1:123456789012:key/ami"]
    )
    error_message = "Narrowed egress stays on 443; the execution role may use the AMI key."
  }
}

run "kms_key_missing_for_a_distribution_region_fails" {
  command = plan

  variables {
    ami_kms_key_arns = { "us-east-1" = "arn:aws:kms:us-east-1:123456789012:key/ami" }
  }

  expect_failures = [aws_imagebuilder_distribution_configuration.this]
}
