output "zone_id" {
  description = "Id of the public hosted zone."
  value       = local.zone_id
}

output "name_servers" {
  description = "Name servers of the hosted zone: delegate domain_name to them at the registrar (certificates cannot validate before)."
  value       = local.name_servers
}

output "fqdn" {
  description = "The service's public name (service_record_name.domain_name)."
  value       = local.fqdn
}

output "regional_fqdns" {
  description = "Per-region name of the service by region, for regions with a record (endpoints): { \"us-west-2\" = \"us-west-2.api.example.com\" }. Each aliases only that region's NLB and is on that region's certificate. Empty when regional_record_names is false."
  value       = { for r, rec in aws_route53_record.regional : r => local.regional_fqdns[r] }
}

output "certificate_names" {
  description = "Names on each region's certificate: the service name first, then the SANs (subject_alternative_names and the region's own name)."
  value       = { for r in var.certificate_regions : r => concat([local.fqdn], local.certificate_sans[r]) }
}

output "certificate_arns" {
  description = "ARN of the issued (validated) certificate by region: modules/edge certificate_arn of each regional stack."
  value       = { for region, v in aws_acm_certificate_validation.this : region => v.certificate_arn }
}

output "health_check_ids" {
  description = "Route 53 health check id by region (CloudWatch AWS/Route53 HealthCheckStatus, dimension HealthCheckId, in us-east-1)."
  value       = { for region, hc in aws_route53_health_check.this : region => hc.id }
}

output "record_set_identifiers" {
  description = "Regions with a latency record for the service name (set identifier = region)."
  value       = sort(keys(aws_route53_record.service))
}

output "validation_record_fqdns" {
  description = "The ACM DNS validation records in the zone (shared by every region's certificate)."
  value       = sort([for r in aws_route53_record.validation : r.fqdn])
}
