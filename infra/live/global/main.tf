# The multi-region environment's public DNS: the zone, a DNS-validated
# certificate in every serving region (the regional stacks look theirs up by
# name), and, for each region whose stack is up, a Route 53 health check and
# a latency record aliasing its NLB. Apply order (ADR 0140): this root with
# serving_stacks = {} → the regional roots → this root with serving_stacks.

data "aws_lb" "region" {
  for_each = var.serving_stacks

  region = each.key
  name   = "${each.value}-nlb"
}

module "dns" {
  source = "../../modules/dns"

  name                = "org-app-${var.environment}"
  domain_name         = var.domain_name
  existing_zone_id    = var.existing_zone_id
  service_record_name = var.service_record_name
  certificate_regions = var.certificate_regions
  endpoints = {
    for region, lb in data.aws_lb.region : region => {
      nlb_dns_name = lb.dns_name
      nlb_zone_id  = lb.zone_id
    }
  }
  health_check_path = var.health_check_path
}
