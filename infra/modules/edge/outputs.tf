output "lb_arn" {
  description = "ARN of the NLB."
  value       = aws_lb.this.arn
}

output "lb_arn_suffix" {
  description = "ARN suffix of the NLB (net/<name>/<id>): the LoadBalancer dimension of AWS/NetworkELB metrics."
  value       = aws_lb.this.arn_suffix
}

output "lb_dns_name" {
  description = "DNS name of the NLB: the alias target and health-check FQDN of this region's Route 53 records (modules/dns endpoints[<region>].nlb_dns_name)."
  value       = aws_lb.this.dns_name
}

output "lb_zone_id" {
  description = "Route 53 hosted zone id of the NLB, for alias records (modules/dns endpoints[<region>].nlb_zone_id)."
  value       = aws_lb.this.zone_id
}

output "eip_public_ips" {
  description = "Public IPv4 address of the NLB in each AZ: { <az> = <ip> }."
  value       = { for az, eip in aws_eip.nlb : az => eip.public_ip }
}

output "eip_allocation_ids" {
  description = "Elastic IP allocation id of the NLB in each AZ: { <az> = <eipalloc id> }."
  value       = { for az, eip in aws_eip.nlb : az => eip.id }
}

output "listener_arn" {
  description = "ARN of the TLS listener on 443."
  value       = aws_lb_listener.tls.arn
}

output "target_group_arn" {
  description = "ARN of the gateway target group (type ip, TCP, gateway port): the targetGroupARN of the TargetGroupBinding."
  value       = aws_lb_target_group.gateway.arn
}

output "target_group_arn_suffix" {
  description = "ARN suffix of the target group (targetgroup/<name>/<id>): the TargetGroup dimension of AWS/NetworkELB metrics such as UnHealthyHostCount."
  value       = aws_lb_target_group.gateway.arn_suffix
}

output "target_group_name" {
  description = "Name of the gateway target group."
  value       = aws_lb_target_group.gateway.name
}

output "gateway_port" {
  description = "Port of the target group and its health check (the gateway pods' listen port)."
  value       = var.gateway_port
}

output "security_group_id" {
  description = "Security group of the NLB (443 from the internet; egress only to the gateway subnets on the gateway port)."
  value       = aws_security_group.nlb.id
}

output "access_log_bucket_name" {
  description = "Name of the S3 bucket holding the NLB access logs."
  value       = aws_s3_bucket.access_logs.id
}

output "access_log_bucket_arn" {
  description = "ARN of the S3 bucket holding the NLB access logs."
  value       = aws_s3_bucket.access_logs.arn
}
