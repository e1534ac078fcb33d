# Example: the edge of one region, fed by the outputs of modules/network and
# the region's certificate from modules/dns (here as literals so the example
# stands alone).

module "edge" {
  source = "../.."

  name   = "example-use1"
  vpc_id = "vpc-0a1b2c3d4e5f60718"
  public_subnet_ids = {
    "us-east-1a" = "subnet-0a1b2c3d4e5f60711"
    "us-east-1b" = "subnet-0a1b2c3d4e5f60722"
    "us-east-1c" = "subnet-0a1b2c3d4e5f60733"
  }
  gateway_cidrs   = ["10.100.0.0/19", "10.100.32.0/19", "10.100.64.0/19"]
  gateway_port    = 80
  certificate_arn = "arn:aws:acm:us-east-1:111122223333:certificate/0b6c3a52-1f1e-4c1a-9a51-6f1d2c3b4a5e"

  deletion_protection        = true
  access_log_expiration_days = 90

  tags = {
    Owner = "platform"
  }
}

output "nlb_dns_name" {
  description = "Alias target and health-check FQDN for Route 53 (modules/dns)."
  value       = module.edge.lb_dns_name
}

output "nlb_zone_id" {
  description = "Hosted zone id of the NLB for alias records."
  value       = module.edge.lb_zone_id
}

output "target_group_arn" {
  description = "The TargetGroupBinding's targetGroupARN."
  value       = module.edge.target_group_arn
}

output "public_ips" {
  description = "The NLB's static addresses by AZ."
  value       = module.edge.eip_public_ips
}
