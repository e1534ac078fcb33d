# Route 53 Resolver DNS Firewall on the app VPC: the VPC resolver answers only
# the names the platform needs (the regional endpoints of the AWS services the
# interface endpoints serve, S3, the EKS cluster's own endpoint zone, EC2
# private host names, and var.dns_firewall_allowed_domains) and answers
# NXDOMAIN for everything else, so the resolver is not a way out of the VPC
# (no DNS tunnelling, no resolving of names the workloads have no business
# with). Every query of the app VPC is logged to a KMS-encrypted log group.
# cluster.local never reaches the VPC resolver: CoreDNS answers it in-cluster.
# See docs/adr/0107-dns-firewall.md.

locals {
  # Private DNS names of the interface endpoints that do not follow the
  # <service>.<region>.<dns suffix> pattern. eks-auth (EKS Pod Identity) has
  # only an api.aws name; in another partition add its name through
  # var.dns_firewall_allowed_domains.
  endpoint_dns_names = {
    "ecr.api"  = ["api.ecr.${local.region}.${local.dns_suffix}", "ecr.${local.region}.${local.dns_suffix}"]
    "ecr.dkr"  = ["dkr.ecr.${local.region}.${local.dns_suffix}", "*.dkr.ecr.${local.region}.${local.dns_suffix}"]
    "eks-auth" = ["eks-auth.${local.region}.api.aws"]
  }

  dns_allowed_endpoint_domains = flatten([
    for svc in sort(tolist(var.interface_endpoints)) :
    lookup(local.endpoint_dns_names, svc, ["${svc}.${local.region}.${local.dns_suffix}"])
  ])

  # S3 through the gateway endpoint: regional and dual-stack names, path- and
  # virtual-hosted style (dnf reaches the AL2023 repositories as
  # al2023-repos-<region>-de612dc2.s3.dualstack.<region>.amazonaws.com). In
  # us-east-1 the legacy global names are that region's endpoint too.
  dns_allowed_s3_domains = concat(
    [
      "s3.${local.region}.${local.dns_suffix}",
      "*.s3.${local.region}.${local.dns_suffix}",
      "s3.dualstack.${local.region}.${local.dns_suffix}",
      "*.s3.dualstack.${local.region}.${local.dns_suffix}",
    ],
    local.region == "us-east-1" ? ["s3.${local.dns_suffix}", "*.s3.${local.dns_suffix}"] : [],
  )

  # The cluster's own zones: the private EKS API endpoint host
  # (<id>.<suffix>.<region>.eks.amazonaws.com) and EC2 private host names
  # (node names; also the search domain the nodes hand to pods).
  dns_allowed_cluster_domains = [
    "*.${local.region}.eks.${local.dns_suffix}",
    local.region == "us-east-1" ? "*.ec2.internal" : "*.${local.region}.compute.internal",
  ]

  dns_firewall_allowed_domains = sort(distinct(concat(
    local.dns_allowed_endpoint_domains,
    local.dns_allowed_s3_domains,
    local.dns_allowed_cluster_domains,
    var.dns_firewall_allowed_domains,
  )))

  dns_query_log_group_prefix = "/aws/route53resolver/${var.name}"
}

resource "aws_route53_resolver_firewall_domain_list" "allowed" {
  name    = "${var.name}-app-allowed"
  domains = local.dns_firewall_allowed_domains

  tags = merge(local.tags, { Name = "${var.name}-app-allowed" })
}

resource "aws_route53_resolver_firewall_domain_list" "everything" {
  name    = "${var.name}-app-everything"
  domains = ["*"]

  tags = merge(local.tags, { Name = "${var.name}-app-everything" })
}

resource "aws_route53_resolver_firewall_rule_group" "app" {
  name = "${var.name}-app"

  tags = merge(local.tags, { Name = "${var.name}-app" })
}

# Rules run in ascending priority and the first match decides: the allow list
# (100) before the catch-all block (200).
resource "aws_route53_resolver_firewall_rule" "allow_platform" {
  name                    = "allow-platform-domains"
  firewall_rule_group_id  = aws_route53_resolver_firewall_rule_group.app.id
  firewall_domain_list_id = aws_route53_resolver_firewall_domain_list.allowed.id
  priority                = 100
  action                  = "ALLOW"
  # AWS service names answer through CNAME chains inside AWS's own zones
  # (e.g. S3's regional names); once the queried name is allowed, its chain
  # is trusted rather than matched against the catch-all block.
  firewall_domain_redirection_action = "TRUST_REDIRECTION_DOMAIN"
}

resource "aws_route53_resolver_firewall_rule" "block_everything_else" {
  name                    = "block-everything-else"
  firewall_rule_group_id  = aws_route53_resolver_firewall_rule_group.app.id
  firewall_domain_list_id = aws_route53_resolver_firewall_domain_list.everything.id
  priority                = 200
  action                  = "BLOCK"
  block_response          = "NXDOMAIN"
}

# Rule groups of a VPC run in ascending association priority; 1000 leaves room
# for organisation-wide groups (e.g. threat lists from Firewall Manager) to run
# first.
resource "aws_route53_resolver_firewall_rule_group_association" "app" {
  name                   = "${var.name}-app"
  firewall_rule_group_id = aws_route53_resolver_firewall_rule_group.app.id
  vpc_id                 = aws_vpc.app.id
  priority               = 1000
  # Changes go through OpenTofu and IAM; mutation protection would also block
  # `tofu destroy` of an environment.
  mutation_protection = "DISABLED"

  tags = merge(local.tags, { Name = "${var.name}-app" })

  depends_on = [
    aws_route53_resolver_firewall_rule.allow_platform,
    aws_route53_resolver_firewall_rule.block_everything_else,
  ]
}

# Fail closed: if DNS Firewall cannot evaluate a query, the resolver does not
# answer it (var.dns_firewall_fail_open trades that for availability).
resource "aws_route53_resolver_firewall_config" "app" {
  resource_id        = aws_vpc.app.id
  firewall_fail_open = var.dns_firewall_fail_open ? "ENABLED" : "DISABLED"
}

# --- Query logging ------------------------------------------------------------

resource "aws_cloudwatch_log_group" "dns_queries" {
  name              = "${local.dns_query_log_group_prefix}/app"
  retention_in_days = var.dns_query_log_retention_days
  kms_key_id        = aws_kms_key.flow_logs.arn
  log_group_class   = "STANDARD"

  tags = merge(local.tags, { Name = "${var.name}-app-dns-queries" })
}

# Resolver query logs are delivered by the CloudWatch Logs delivery service:
# let it write to this log group only, for this account's deliveries only.
resource "aws_cloudwatch_log_resource_policy" "dns_queries" {
  policy_name = "${var.name}-dns-query-logs"
  policy_document = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "ResolverQueryLogDelivery"
      Effect    = "Allow"
      Principal = { Service = "delivery.logs.${local.dns_suffix}" }
      Action    = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource  = ["${aws_cloudwatch_log_group.dns_queries.arn}:*"]
      Condition = {
        StringEquals = { "aws:SourceAccount" = [local.account_id] }
        ArnLike      = { "aws:SourceArn" = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:*"] }
      }
    }]
  })
}

resource "aws_route53_resolver_query_log_config" "app" {
  name            = "${var.name}-app"
  destination_arn = aws_cloudwatch_log_group.dns_queries.arn

  tags = merge(local.tags, { Name = "${var.name}-app" })

  depends_on = [aws_cloudwatch_log_resource_policy.dns_queries]
}

resource "aws_route53_resolver_query_log_config_association" "app" {
  resolver_query_log_config_id = aws_route53_resolver_query_log_config.app.id
  resource_id                  = aws_vpc.app.id
}
