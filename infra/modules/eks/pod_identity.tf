# EKS Pod Identity (ADR 0113): one IAM role per ServiceAccount of
# CONTRACTS.md, each with least privilege, and a trust policy that lets only
# the EKS Pod Identity service assume it, for this account, for this cluster,
# for that one namespace/ServiceAccount. No IRSA, no node-role credentials for
# pods (IMDS hop limit 1), no static keys.

locals {
  # ServiceAccounts this module associates itself (aws_eks_pod_identity_association).
  workload_identities = {
    "org-app"                      = { namespace = "org-app", service_account = "org-app" }
    "org-app-canary"               = { namespace = "org-app", service_account = "org-app-canary" }
    "aws-load-balancer-controller" = { namespace = "kube-system", service_account = "aws-load-balancer-controller" }
    "cluster-autoscaler"           = { namespace = "kube-system", service_account = "cluster-autoscaler" }
  }

  # ServiceAccounts of managed add-ons: associated through the add-on (addons.tf).
  addon_identities = merge(
    var.vpc_cni_pod_identity ? { "aws-node" = { namespace = "kube-system", service_account = "aws-node" } } : {},
    var.enable_cloudwatch_observability ? { "cloudwatch-agent" = { namespace = "amazon-cloudwatch", service_account = "cloudwatch-agent" } } : {},
  )

  pod_identities = merge(local.workload_identities, local.addon_identities)

  pod_trust_policies = {
    for k, id in local.pod_identities : k => {
      Version = "2012-10-17"
      Statement = [{
        Sid       = "EksPodIdentityForOneServiceAccount"
        Effect    = "Allow"
        Principal = { Service = "pods.eks.amazonaws.com" }
        Action    = ["sts:AssumeRole", "sts:TagSession"]
        Condition = {
          # The session tags EKS Pod Identity sets (documented): this
          # cluster, this namespace, this ServiceAccount.
          StringEquals = {
            "aws:SourceAccount"                         = local.account_id
            "aws:RequestTag/eks-cluster-arn"            = local.cluster_arn
            "aws:RequestTag/kubernetes-namespace"       = id.namespace
            "aws:RequestTag/kubernetes-service-account" = id.service_account
          }
          # Checked when the service supplies it (the cluster, or one of its
          # associations); EKS does not document it for pods.eks.amazonaws.com,
          # so it is IfExists and the session tags above are the hard bound.
          ArnLikeIfExists = {
            "aws:SourceArn" = [
              local.cluster_arn,
              "arn:${local.partition}:eks:${local.region}:${local.account_id}:podidentityassociation/${var.name}/*",
            ]
          }
        }
      }]
    }
  }

  app_log_group_arn     = trimsuffix(var.app_log_group_arn, ":*")
  metrics_log_group_arn = trimsuffix(var.metrics_log_group_arn, ":*")
  canary_log_group_arn  = trimsuffix(var.canary_log_group_arn, ":*")

  log_writer_actions = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]

  # Read exactly the app secret, decrypting it only through Secrets Manager.
  app_secret_statements = [
    {
      Sid      = "ReadTheAppSecret"
      Effect   = "Allow"
      Action   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
      Resource = var.app_secret_arn
    },
    {
      Sid      = "DecryptTheAppSecretThroughSecretsManager"
      Effect   = "Allow"
      Action   = "kms:Decrypt"
      Resource = coalesce(var.app_secret_kms_key_arn, "arn:${local.partition}:kms:${local.region}:${local.account_id}:key/*")
      Condition = {
        StringEquals = {
          "kms:ViaService"                  = "secretsmanager.${local.region}.amazonaws.com"
          "kms:EncryptionContext:SecretARN" = var.app_secret_arn
        }
      }
    }
  ]

  pod_policies = merge(
    {
      # org-app and its Fluent Bit and ADOT sidecars (one ServiceAccount).
      "org-app" = {
        Version = "2012-10-17"
        Statement = concat(local.app_secret_statements, [
          {
            Sid    = "WriteAppAndMetricsLogs"
            Effect = "Allow"
            Action = local.log_writer_actions
            Resource = [
              local.app_log_group_arn,
              "${local.app_log_group_arn}:log-stream:*",
              local.metrics_log_group_arn,
              "${local.metrics_log_group_arn}:log-stream:*",
            ]
          },
        ])
      }

      # The canary mints its test tokens with the same signing secret
      # (mounted by the Secrets Store CSI driver, ADR 0200).
      "org-app-canary" = {
        Version = "2012-10-17"
        Statement = concat(local.app_secret_statements, [{
          Sid      = "WriteCanaryLogs"
          Effect   = "Allow"
          Action   = local.log_writer_actions
          Resource = [local.canary_log_group_arn, "${local.canary_log_group_arn}:log-stream:*"]
        }])
      }

      # TargetGroupBinding only: read target groups and the VPC/SG/ENI facts
      # the controller looks up, register/deregister pod IPs in the module's
      # target group(s). No Create*/Modify*/Delete* of load balancers, target
      # groups, listeners or security group rules.
      "aws-load-balancer-controller" = {
        Version = "2012-10-17"
        Statement = [
          {
            Sid      = "DescribeLoadBalancing"
            Effect   = "Allow"
            Action   = ["elasticloadbalancing:Describe*"]
            Resource = "*"
          },
          {
            Sid    = "DescribeNetworking"
            Effect = "Allow"
            Action = [
              "ec2:DescribeAvailabilityZones",
              "ec2:DescribeInstances",
              "ec2:DescribeNetworkInterfaces",
              "ec2:DescribeSecurityGroups",
              "ec2:DescribeSubnets",
              "ec2:DescribeVpcs",
            ]
            Resource = "*"
          },
          {
            Sid      = "RegisterPodTargets"
            Effect   = "Allow"
            Action   = ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"]
            Resource = var.target_group_arns
          },
        ]
      }

      # Cluster Autoscaler: read everything it needs to model node groups;
      # scale and terminate only this cluster's managed node group ASGs.
      "cluster-autoscaler" = {
        Version = "2012-10-17"
        Statement = [
          {
            Sid    = "DescribeScalingState"
            Effect = "Allow"
            Action = [
              "autoscaling:DescribeAutoScalingGroups",
              "autoscaling:DescribeAutoScalingInstances",
              "autoscaling:DescribeLaunchConfigurations",
              "autoscaling:DescribeScalingActivities",
              "autoscaling:DescribeTags",
              "ec2:DescribeImages",
              "ec2:DescribeInstanceTypes",
              "ec2:DescribeLaunchTemplateVersions",
              "ec2:GetInstanceTypesFromInstanceRequirements",
            ]
            Resource = "*"
          },
          {
            Sid      = "DescribeThisClustersNodeGroups"
            Effect   = "Allow"
            Action   = "eks:DescribeNodegroup"
            Resource = "arn:${local.partition}:eks:${local.region}:${local.account_id}:nodegroup/${var.name}/*/*"
          },
          {
            Sid      = "ScaleThisClustersNodeGroups"
            Effect   = "Allow"
            Action   = ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"]
            Resource = "arn:${local.partition}:autoscaling:${local.region}:${local.account_id}:autoScalingGroup:*:autoScalingGroupName/eks-${var.name}-*"
            Condition = {
              StringEquals = {
                "aws:ResourceTag/k8s.io/cluster-autoscaler/${var.name}" = "owned"
                "aws:ResourceTag/k8s.io/cluster-autoscaler/enabled"     = "true"
              }
            }
          },
        ]
      }
    },
    var.enable_cloudwatch_observability ? {
      # CloudWatchAgentServerPolicy, narrowed: this cluster's Container
      # Insights log groups, metric namespaces of the agent, EC2 read-only;
      # no SSM parameters, no X-Ray, no retention changes.
      "cloudwatch-agent" = {
        Version = "2012-10-17"
        Statement = [
          {
            Sid    = "WriteContainerInsightsLogs"
            Effect = "Allow"
            Action = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
            Resource = [
              "${local.logs_arn_prefix}${local.container_insights_log_prefix}/*",
              "${local.logs_arn_prefix}${local.container_insights_log_prefix}/*:log-stream:*",
            ]
          },
          {
            Sid      = "ListLogGroups"
            Effect   = "Allow"
            Action   = "logs:DescribeLogGroups"
            Resource = "*"
          },
          {
            Sid      = "PutContainerInsightsMetrics"
            Effect   = "Allow"
            Action   = "cloudwatch:PutMetricData"
            Resource = "*"
            Condition = {
              StringEquals = { "cloudwatch:namespace" = ["ContainerInsights", "ContainerInsights/Prometheus", "CWAgent"] }
            }
          },
          {
            Sid      = "DescribeInstancesAndVolumes"
            Effect   = "Allow"
            Action   = ["ec2:DescribeInstances", "ec2:DescribeTags", "ec2:DescribeVolumes"]
            Resource = "*"
          },
        ]
      }
    } : {},
  )

  # AWS managed policies that are exactly what an add-on needs.
  pod_managed_policies = var.vpc_cni_pod_identity ? { "aws-node" = "AmazonEKS_CNI_Policy" } : {}
}

resource "aws_iam_role" "pod" {
  for_each = local.pod_identities

  name                  = "${var.name}-${each.key}"
  description           = "${var.name} EKS Pod Identity for ${each.value.namespace}/${each.value.service_account}"
  assume_role_policy    = jsonencode(local.pod_trust_policies[each.key])
  force_detach_policies = true
  max_session_duration  = 3600

  tags = merge(local.tags, {
    Name                         = "${var.name}-${each.key}"
    "kubernetes-namespace"       = each.value.namespace
    "kubernetes-service-account" = each.value.service_account
  })
}

resource "aws_iam_role_policy" "pod" {
  for_each = local.pod_policies

  name   = "least-privilege"
  role   = aws_iam_role.pod[each.key].id
  policy = jsonencode(each.value)
}

resource "aws_iam_role_policy_attachment" "pod_managed" {
  for_each = local.pod_managed_policies

  role       = aws_iam_role.pod[each.key].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/${each.value}"
}

resource "aws_eks_pod_identity_association" "this" {
  for_each = local.workload_identities

  cluster_name    = aws_eks_cluster.this.name
  namespace       = each.value.namespace
  service_account = each.value.service_account
  role_arn        = aws_iam_role.pod[each.key].arn

  # The trust policies rely on the session tags.
  disable_session_tags = false

  tags = local.tags

  depends_on = [aws_iam_role_policy.pod]
}
