# Build and test components. Component versions are derived from their
# documents, so editing a document creates a new version (components are
# immutable) and the recipe, whose version derives from all of them, follows.

locals {
  component_documents = merge(
    {
      hardening = {
        description = "CIS/STIG-style baseline: sshd, kernel parameters, modules, audit, core dumps, sudo, login defaults"
        data        = file("${path.module}/components/hardening.yaml")
      }
      clamav = {
        description = "ClamAV antivirus with build-time signatures and a scheduled scan"
        data = templatefile("${path.module}/components/clamav.yaml.tftpl", {
          private_mirror   = var.clamav_private_mirror
          scan_on_calendar = var.clamav_scan_on_calendar
        })
      }
      aide = {
        description = "AIDE file integrity baseline of the finished image and a daily check"
        data        = file("${path.module}/components/aide.yaml")
      }
      tests = {
        description = "Test stage: sshd hardening, kernel baseline, audit, AIDE database, ClamAV"
        data        = file("${path.module}/components/test.yaml")
      }
    },
    var.kubectl_version == null ? {} : {
      kubectl = {
        description = "kubectl ${var.kubectl_version}, checksum-verified"
        data        = templatefile("${path.module}/components/kubectl.yaml.tftpl", { version = var.kubectl_version })
      }
    },
  )

  # Semantic version "1.0.<first 28 bits of the hash of document and
  # description>": every replacement of a component gets a new version.
  component_versions = {
    for k, c in local.component_documents : k => "1.0.${parseint(substr(sha256("${c.description}\n${c.data}"), 0, 7), 16)}"
  }
}

resource "aws_imagebuilder_component" "this" {
  for_each = local.component_documents

  name                  = "${var.name}-${each.key}"
  description           = each.value.description
  platform              = "Linux"
  supported_os_versions = ["Amazon Linux 2023"]
  version               = local.component_versions[each.key]
  data                  = each.value.data

  tags = merge(local.tags, { Name = "${var.name}-${each.key}" })

  lifecycle {
    create_before_destroy = true
  }
}

locals {
  update_linux_arn = "arn:${local.partition}:imagebuilder:${local.region}:aws:component/update-linux/x.x.x"

  # Order matters: patch, harden, add tools, then record the AIDE baseline of
  # the finished file system last; the test component runs in the test stage.
  own_step = { for k, c in aws_imagebuilder_component.this : k => { name = c.name, arn = c.arn } }

  recipe_steps = concat(
    [{ name = "update-linux", arn = local.update_linux_arn }],
    [local.own_step["hardening"], local.own_step["clamav"]],
    var.kubectl_version == null ? [] : [local.own_step["kubectl"]],
    [for a in var.extra_component_arns : { name = a, arn = a }],
    [local.own_step["aide"], local.own_step["tests"]],
  )

  recipe_version = "1.0.${parseint(substr(sha256(jsonencode({
    parent     = local.parent_image
    components = local.component_versions
    extra      = var.extra_component_arns
    volume     = var.root_volume_size_gb
    kms        = lookup(var.ami_kms_key_arns, local.region, null)
  })), 0, 7), 16)}"
}

resource "aws_imagebuilder_image_recipe" "this" {
  name         = local.image_name
  description  = "Hardened Amazon Linux 2023 for bastions and the jump host"
  version      = local.recipe_version
  parent_image = local.parent_image

  dynamic "component" {
    for_each = local.recipe_steps

    content {
      component_arn = component.value.arn
    }
  }

  block_device_mapping {
    device_name = "/dev/xvda"

    ebs {
      volume_type           = "gp3"
      volume_size           = var.root_volume_size_gb
      encrypted             = "true"
      kms_key_id            = lookup(var.ami_kms_key_arns, local.region, null)
      delete_on_termination = "true"
    }
  }

  tags = merge(local.tags, { Name = local.image_name })

  lifecycle {
    create_before_destroy = true
  }
}
