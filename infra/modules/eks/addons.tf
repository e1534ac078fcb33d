# Managed add-ons (ADR 0113). Two resources, so the order is structural:
#
#   before_compute: vpc-cni (network policy on), kube-proxy and the Pod
#                   Identity agent. DaemonSets: healthy with zero nodes, and a
#                   node turns Ready only once the CNI runs, so they come first
#                   and the node groups depend on them.
#   after_compute:  coredns, metrics-server and amazon-cloudwatch-observability.
#                   Deployments (and the CloudWatch operator): created before
#                   any node they would sit DEGRADED until the create times
#                   out, so they depend on the node groups.
#
# A null version takes the add-on's default version for kubernetes_version,
# so a cluster upgrade moves the add-ons along.

locals {
  addons = merge(
    {
      "vpc-cni" = {
        version_key          = "vpc_cni"
        before_compute       = true
        configuration_values = jsonencode({ enableNetworkPolicy = "true" })
        pod_identity         = var.vpc_cni_pod_identity ? [{ service_account = "aws-node", role = "aws-node" }] : []
      }
      "kube-proxy" = {
        version_key          = "kube_proxy"
        before_compute       = true
        configuration_values = null
        pod_identity         = []
      }
      "eks-pod-identity-agent" = {
        version_key          = "eks_pod_identity_agent"
        before_compute       = true
        configuration_values = null
        pod_identity         = []
      }
      "coredns" = {
        version_key          = "coredns"
        before_compute       = false
        configuration_values = null
        pod_identity         = []
      }
      "metrics-server" = {
        version_key          = "metrics_server"
        before_compute       = false
        configuration_values = null
        pod_identity         = []
      }
    },
    var.enable_cloudwatch_observability ? {
      "amazon-cloudwatch-observability" = {
        version_key          = "amazon_cloudwatch_observability"
        before_compute       = false
        configuration_values = null
        pod_identity         = [{ service_account = "cloudwatch-agent", role = "cloudwatch-agent" }]
      }
    } : {},
  )

  addon_versions = { for name, a in local.addons : name => var.addon_versions[a.version_key] }
}

data "aws_eks_addon_version" "this" {
  for_each = { for name, v in local.addon_versions : name => v if v == null }

  addon_name         = each.key
  kubernetes_version = var.kubernetes_version
  most_recent        = false
}

resource "aws_eks_addon" "before_compute" {
  for_each = { for name, a in local.addons : name => a if a.before_compute }

  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = each.key
  addon_version               = coalesce(local.addon_versions[each.key], try(data.aws_eks_addon_version.this[each.key].version, null))
  configuration_values        = each.value.configuration_values
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "OVERWRITE"
  preserve                    = false

  dynamic "pod_identity_association" {
    for_each = each.value.pod_identity

    content {
      service_account = pod_identity_association.value.service_account
      role_arn        = aws_iam_role.pod[pod_identity_association.value.role].arn
    }
  }

  tags = local.tags

  depends_on = [aws_iam_role_policy_attachment.pod_managed]
}

resource "aws_eks_addon" "after_compute" {
  for_each = { for name, a in local.addons : name => a if !a.before_compute }

  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = each.key
  addon_version               = coalesce(local.addon_versions[each.key], try(data.aws_eks_addon_version.this[each.key].version, null))
  configuration_values        = each.value.configuration_values
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "OVERWRITE"
  preserve                    = false

  dynamic "pod_identity_association" {
    for_each = each.value.pod_identity

    content {
      service_account = pod_identity_association.value.service_account
      role_arn        = aws_iam_role.pod[pod_identity_association.value.role].arn
    }
  }

  tags = local.tags

  depends_on = [
    aws_eks_node_group.this,
    aws_iam_role_policy.pod,
    aws_cloudwatch_log_group.container_insights,
  ]
}

# Container Insights log groups, made here (retention, the module's KMS key)
# rather than by the CloudWatch agent on first write (no retention, no key).
resource "aws_cloudwatch_log_group" "container_insights" {
  for_each = local.container_insights_log_groups

  name              = "${local.container_insights_log_prefix}/${each.key}"
  retention_in_days = var.container_insights_log_retention_days
  kms_key_id        = aws_kms_key.this.arn
  log_group_class   = "STANDARD"
  skip_destroy      = false

  tags = merge(local.tags, { Name = "${var.name}-container-insights-${each.key}" })
}
