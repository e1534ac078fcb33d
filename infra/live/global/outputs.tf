output "zone_id" {
  description = "The public zone."
  value       = module.dns.zone_id
}

output "name_servers" {
  description = "Name servers to delegate the domain to (when this root created the zone)."
  value       = module.dns.name_servers
}

output "fqdn" {
  description = "The service's public name."
  value       = module.dns.fqdn
}

output "certificate_arns" {
  description = "Certificate per region (the regional stacks find theirs by name)."
  value       = module.dns.certificate_arns
}

output "health_check_ids" {
  description = "Route 53 health check per serving region."
  value       = module.dns.health_check_ids
}

output "regional_fqdns" {
  description = "Each serving region's own name (<region>.<service>), for the per-region canary gate."
  value       = module.dns.regional_fqdns
}
