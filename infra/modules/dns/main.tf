# Global DNS for the service: the public hosted zone, a DNS-validated ACM
# certificate for the service name in every serving region, and per region a
# Route 53 HTTPS health check on its NLB plus a latency-based alias record
# that drops out while the check fails. Route 53 is global; the certificates
# name their region with the provider 6.x per-resource `region` argument.
# See README.md and ADR 0124.

locals {
  fqdn = "${var.service_record_name}.${var.domain_name}"

  # Per-region names (ADR 0405): <region>.<service name>, a plain alias to
  # that region's NLB and a SAN of that region's certificate only, so a
  # client (the deploy's canary gate) can reach one region on purpose while
  # the service name keeps answering by latency.
  regional_fqdns = var.regional_record_names ? { for r in var.certificate_regions : r => "${r}.${local.fqdn}" } : {}
  certificate_sans = {
    for r in var.certificate_regions : r => concat(var.subject_alternative_names, var.regional_record_names ? [local.regional_fqdns[r]] : [])
  }

  zone_id      = var.existing_zone_id == null ? aws_route53_zone.this[0].zone_id : data.aws_route53_zone.existing[0].zone_id
  name_servers = var.existing_zone_id == null ? aws_route53_zone.this[0].name_servers : data.aws_route53_zone.existing[0].name_servers

  tags = merge(var.tags, { "terraform-module" = "dns" })

  # ACM asks for the same validation CNAME for a name in every region (and a
  # wildcard shares its base name's), so there is one record per base name,
  # read from a certificate that carries the name (the service name and the
  # SANs are on every region's certificate, a regional name on its region's
  # only); every region's validation waits on the same records (a check below
  # proves the regions agree).
  validation_names = distinct([
    for n in concat([local.fqdn], flatten(values(local.certificate_sans))) : trimprefix(n, "*.")
  ])
  all_validation_options = flatten([
    for r in var.certificate_regions : tolist(aws_acm_certificate.this[r].domain_validation_options)
  ])
  validation_options_by_name = {
    for o in local.all_validation_options : trimprefix(o.domain_name, "*.") => o...
  }
  # The record of each name to validate. ACM lists one option per name of a
  # certificate; the fallback to the first option only serves stand-in
  # providers in offline tests, which invent a single option per certificate.
  validation_option = {
    for n in local.validation_names : n => try(local.validation_options_by_name[n][0], local.all_validation_options[0])
  }
}

resource "aws_route53_zone" "this" {
  count = var.existing_zone_id == null ? 1 : 0

  name          = var.domain_name
  comment       = "${var.name}: public zone of ${var.domain_name}"
  force_destroy = false

  tags = merge(local.tags, { Name = var.domain_name })
}

data "aws_route53_zone" "existing" {
  count = var.existing_zone_id == null ? 0 : 1

  zone_id = var.existing_zone_id
}

# --- Certificates ---------------------------------------------------------------

resource "aws_acm_certificate" "this" {
  for_each = toset(var.certificate_regions)

  region                    = each.key
  domain_name               = local.fqdn
  subject_alternative_names = local.certificate_sans[each.key]
  validation_method         = "DNS"
  key_algorithm             = var.certificate_key_algorithm

  options {
    certificate_transparency_logging_preference = "ENABLED"
  }

  tags = merge(local.tags, { Name = "${var.name}-${each.key}" })

  lifecycle {
    create_before_destroy = true

    precondition {
      condition     = var.existing_zone_id == null || trimsuffix(try(data.aws_route53_zone.existing[0].name, var.domain_name), ".") == var.domain_name
      error_message = "existing_zone_id must be the hosted zone of domain_name (${var.domain_name})."
    }

    precondition {
      condition     = var.existing_zone_id == null || try(data.aws_route53_zone.existing[0].private_zone, false) == false
      error_message = "existing_zone_id must be a public hosted zone: ACM and the internet resolve the records."
    }
  }
}

resource "aws_route53_record" "validation" {
  for_each = toset(local.validation_names)

  zone_id         = local.zone_id
  name            = local.validation_option[each.key].resource_record_name
  type            = local.validation_option[each.key].resource_record_type
  records         = [local.validation_option[each.key].resource_record_value]
  ttl             = 300
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "this" {
  for_each = aws_acm_certificate.this

  region                  = each.key
  certificate_arn         = each.value.arn
  validation_record_fqdns = [for r in aws_route53_record.validation : r.fqdn]
}

check "validation_records_match_every_region" {
  assert {
    condition = alltrue(flatten([
      for region, cert in aws_acm_certificate.this : [
        for o in cert.domain_validation_options : contains([
          for r in aws_route53_record.validation : "${trimsuffix(r.name, ".")} ${one(r.records)}"
        ], "${trimsuffix(o.resource_record_name, ".")} ${o.resource_record_value}")
      ]
    ]))
    error_message = "ACM asked for a validation record in some region that differs from the first region's; that certificate cannot validate. Add that region's records or file an issue."
  }
}

# --- Health checks, latency records and per-region names -----------------------------

# Checkers on the internet open HTTPS to each region's NLB name (SNI and Host
# are that name) and GET the health path: it passes only when TLS, the NLB,
# the Transit Gateway path, the gateway and an org-app pod all work.
resource "aws_route53_health_check" "this" {
  for_each = var.endpoints

  type               = "HTTPS"
  fqdn               = each.value.nlb_dns_name
  port               = 443
  resource_path      = var.health_check_path
  enable_sni         = true
  failure_threshold  = var.health_check_failure_threshold
  request_interval   = var.health_check_request_interval
  regions            = length(var.health_check_regions) == 0 ? null : var.health_check_regions
  measure_latency    = var.health_check_measure_latency
  invert_healthcheck = false
  disabled           = false
  reference_name     = substr("${var.name}-${each.key}", 0, 28)

  tags = merge(local.tags, { Name = "${var.name}-${each.key}" })
}

resource "aws_route53_record" "service" {
  for_each = var.endpoints

  zone_id         = local.zone_id
  name            = local.fqdn
  type            = "A"
  set_identifier  = each.key
  health_check_id = aws_route53_health_check.this[each.key].id

  latency_routing_policy {
    region = each.key
  }

  alias {
    name                   = each.value.nlb_dns_name
    zone_id                = each.value.nlb_zone_id
    evaluate_target_health = true
  }
}

# Per-region names: a simple alias to that region's NLB, no health check and
# no target-health evaluation, so the name answers with its region even while
# that region is unhealthy (it is for deliberately testing one region).
resource "aws_route53_record" "regional" {
  for_each = var.regional_record_names ? var.endpoints : {}

  zone_id = local.zone_id
  name    = local.regional_fqdns[each.key]
  type    = "A"

  alias {
    name                   = each.value.nlb_dns_name
    zone_id                = each.value.nlb_zone_id
    evaluate_target_health = false
  }
}

resource "aws_route53_record" "caa" {
  count = length(var.caa_issuers) > 0 ? 1 : 0

  zone_id = local.zone_id
  name    = local.fqdn
  type    = "CAA"
  ttl     = 3600
  records = [for i in var.caa_issuers : "0 issue \"${i}\""]
}
