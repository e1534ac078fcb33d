# Example: observability for one region. In the regional stack the NLB and
# target group suffixes come from the edge module (aws_lb.arn_suffix,
# aws_lb_target_group.arn_suffix) and the cluster name from the eks module.

module "network" {
  source = "../../../network"

  name = "example-use1"
  vpc_cidrs = {
    security = "10.10.0.0/20"
    lb       = "10.20.0.0/20"
    app      = "10.100.0.0/16"
  }
}

module "observability" {
  source = "../.."

  name                    = "org-app-example-use1"
  cluster_name            = "example-use1"
  nlb_arn_suffix          = "net/example-use1/0123456789abcdef"
  target_group_arn_suffix = "targetgroup/example-use1-gw/fedcba9876543210"
  nat_gateway_ids         = module.network.nat_gateway_ids

  error_5xx_ratio_threshold  = 0.01
  latency_p99_threshold_ms   = 300
  canary_success_slo_percent = 99.9
  min_ready_nodes            = 3

  alarm_email_addresses = ["oncall@example.com"]

  tags = {
    Owner = "platform"
  }
}

output "log_group_names" {
  description = "Log groups for the chart's Fluent Bit and ADOT sidecars."
  value       = module.observability.log_group_names
}

output "alarm_topic_arn" {
  description = "Topic the alarms notify."
  value       = module.observability.alarm_topic_arn
}
