# VPC endpoints of the app VPC: nodes and pods reach AWS APIs without any route
# to the internet. Interface endpoints sit in the intra subnets (one ENI per AZ
# of local.endpoint_azs: every AZ unless var.interface_endpoint_az_count says
# fewer; see docs/adr/0150-interface-endpoints-in-fewer-azs.md) with private DNS, behind a security group that admits HTTPS from the app VPC
# only and has no egress rule (endpoint ENIs never initiate connections).
#
# Every endpoint carries a policy (a data perimeter, docs/adr/0106): only this
# organisation's principals (or, without an organisation, this account and
# var.endpoint_account_ids) may use the interface endpoints, and the S3 gateway
# endpoint reaches only the organisation's buckets (or the buckets listed in
# var.app_s3_bucket_names) plus the two AWS-owned buckets the platform reads:
# the ECR image layer bucket and the Amazon Linux repositories. The policies
# are built with jsonencode so that tests can decode the planned policy.

locals {
  endpoint_account_ids = distinct(concat([local.account_id], var.endpoint_account_ids))

  # Identity perimeter: who may send a request through an endpoint.
  endpoint_principal_condition = (
    var.endpoint_organization_id != null
    ? tomap({ "aws:PrincipalOrgID" = tolist([var.endpoint_organization_id]) })
    : tomap({ "aws:PrincipalAccount" = local.endpoint_account_ids })
  )

  # Resource perimeter: whose resources a request may touch.
  endpoint_resource_condition = (
    var.endpoint_organization_id != null
    ? tomap({ "aws:ResourceOrgID" = tolist([var.endpoint_organization_id]) })
    : tomap({ "aws:ResourceAccount" = local.endpoint_account_ids })
  )

  # Buckets owned by AWS that the platform reads through the app VPC's S3
  # endpoint. Requests to them are not signed by our principals (ECR hands out
  # pre-signed layer URLs; dnf reads the repositories anonymously), so this
  # statement cannot carry a principal condition; it is read-only instead.
  aws_owned_s3_object_arns = [
    "arn:${local.partition}:s3:::prod-${local.region}-starport-layer-bucket/*",
    "arn:${local.partition}:s3:::${local.al2023_repository_bucket}/*",
  ]

  app_s3_endpoint_policy = {
    Version = "2012-10-17"
    Statement = concat(
      var.app_s3_bucket_names == null ? [{
        Sid       = "OwnPrincipalsToOwnBuckets"
        Effect    = "Allow"
        Principal = "*"
        Action    = ["s3:*"]
        Resource  = ["*"]
        Condition = { StringEquals = merge(local.endpoint_principal_condition, local.endpoint_resource_condition) }
      }] : [],
      length(coalesce(var.app_s3_bucket_names, [])) > 0 ? [{
        Sid       = "OwnPrincipalsToListedBuckets"
        Effect    = "Allow"
        Principal = "*"
        Action    = ["s3:*"]
        Resource = flatten([
          for b in coalesce(var.app_s3_bucket_names, []) : ["arn:${local.partition}:s3:::${b}", "arn:${local.partition}:s3:::${b}/*"]
        ])
        Condition = { StringEquals = local.endpoint_principal_condition }
      }] : [],
      [{
        Sid       = "ReadAwsOwnedBuckets"
        Effect    = "Allow"
        Principal = "*"
        Action    = ["s3:GetObject"]
        Resource  = local.aws_owned_s3_object_arns
      }],
    )
  }

  interface_endpoint_policy = {
    for svc in var.interface_endpoints : svc => {
      Version = "2012-10-17"
      Statement = concat(
        [{
          Sid       = "OwnPrincipals"
          Effect    = "Allow"
          Principal = "*"
          Action    = ["*"]
          Resource  = ["*"]
          Condition = { StringEquals = local.endpoint_principal_condition }
        }],
        # A web-identity or SAML federation request is not signed by an AWS
        # principal, so the statement above cannot match it; let it assume
        # roles of our own accounts only.
        svc == "sts" ? [{
          Sid       = "FederatedPrincipalsToOwnRoles"
          Effect    = "Allow"
          Principal = { Federated = "*" }
          Action    = ["sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML"]
          Resource  = ["*"]
          Condition = { StringEquals = local.endpoint_resource_condition }
        }] : [],
      )
    }
  }
}

# No route from the jump-host subnets: the jump host only relays SSH port
# forwards to the EKS API and needs nothing from S3.
resource "aws_vpc_endpoint" "app_s3" {
  vpc_id            = aws_vpc.app.id
  service_name      = "com.amazonaws.${local.region}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids = [
    aws_route_table.app_private.id,
    aws_route_table.app_intra.id,
  ]
  policy = jsonencode(local.app_s3_endpoint_policy)

  tags = merge(local.tags, { Name = "${var.name}-app-s3" })
}

resource "aws_security_group" "endpoints" {
  name        = "${var.name}-app-endpoints"
  description = "Interface VPC endpoints: HTTPS from the app VPC only"
  vpc_id      = aws_vpc.app.id

  tags = merge(local.tags, { Name = "${var.name}-app-endpoints" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_https" {
  security_group_id = aws_security_group.endpoints.id
  description       = "HTTPS from the app VPC"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = var.vpc_cidrs.app

  tags = merge(local.tags, { Name = "${var.name}-app-endpoints-https" })
}

resource "aws_vpc_endpoint" "interface" {
  for_each = var.interface_endpoints

  vpc_id              = aws_vpc.app.id
  service_name        = "com.amazonaws.${local.region}.${each.key}"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  ip_address_type     = "ipv4"
  subnet_ids          = [for az in local.endpoint_azs : aws_subnet.app_intra[az].id]
  security_group_ids  = [aws_security_group.endpoints.id]
  policy              = jsonencode(local.interface_endpoint_policy[each.key])

  tags = merge(local.tags, { Name = "${var.name}-app-${each.key}" })
}
