# Example: the global DNS of production: the example.com zone, certificates
# for api.example.com in both serving regions, and latency records with health
# checks on each region's NLB (values of modules/edge outputs lb_dns_name and
# lb_zone_id, here as literals so the example stands alone).

module "dns" {
  source = "../.."

  name                = "example-prod"
  domain_name         = "example.com"
  service_record_name = "api"
  certificate_regions = ["us-east-1", "us-west-2"]

  endpoints = {
    "us-east-1" = {
      nlb_dns_name = "example-use1-nlb-0123456789abcdef.elb.us-east-1.amazonaws.com"
      nlb_zone_id  = "Z26RNL4JYFTOTI"
    }
    "us-west-2" = {
      nlb_dns_name = "example-usw2-nlb-0123456789abcdef.elb.us-west-2.amazonaws.com"
      nlb_zone_id  = "Z18D5FSROUN65G"
    }
  }

  health_check_path              = "/"
  health_check_failure_threshold = 3
  health_check_request_interval  = 30

  tags = {
    Owner = "platform"
  }
}

output "name_servers" {
  description = "Delegate example.com to these at the registrar."
  value       = module.dns.name_servers
}

output "certificate_arns" {
  description = "Each regional stack's edge certificate."
  value       = module.dns.certificate_arns
}

output "health_check_ids" {
  description = "Route 53 health checks by region."
  value       = module.dns.health_check_ids
}

output "regional_fqdns" {
  description = "Each region's own name (us-east-1.api.example.com, ...): the deploy's canary gate targets the region it deployed."
  value       = module.dns.regional_fqdns
}
