output "log_group_names" {
  description = "Log group name per kind: { app, metrics, canary, platform } (/org-app/<name>/<kind>)."
  value       = { for k, g in aws_cloudwatch_log_group.this : k => g.name }
}

output "log_group_arns" {
  description = "Log group ARN per kind: { app, metrics, canary, platform }. Grant writers \"<arn>:*\" (log streams)."
  value       = { for k, g in aws_cloudwatch_log_group.this : k => g.arn }
}

output "app_log_group_name" {
  description = "org-app's log group (Fluent Bit sidecar; the access-log metric filters read it)."
  value       = aws_cloudwatch_log_group.this["app"].name
}

output "metrics_log_group_name" {
  description = "Log group of the ADOT collector's awsemf exporter (org-app Prometheus metrics as EMF)."
  value       = aws_cloudwatch_log_group.this["metrics"].name
}

output "canary_log_group_name" {
  description = "Log group of the canary's EMF lines."
  value       = aws_cloudwatch_log_group.this["canary"].name
}

output "platform_log_group_name" {
  description = "Log group for cluster add-ons (platform components)."
  value       = aws_cloudwatch_log_group.this["platform"].name
}

output "kms_key_arn" {
  description = "KMS key of the log groups and the alarm topic: writers need no grant (CloudWatch Logs uses it), readers need kms:Decrypt."
  value       = aws_kms_key.this.arn
}

output "alarm_topic_arn" {
  description = "SNS topic every alarm notifies (ALARM and OK)."
  value       = aws_sns_topic.alarms.arn
}

output "alarm_names" {
  description = "Alarm name by key (5xx-ratio, latency-p99, canary-success, nlb-unhealthy-hosts, nlb-healthy-hosts, nat-port-allocation-<az>, ready-nodes)."
  value       = { for k, a in aws_cloudwatch_metric_alarm.this : k => a.alarm_name }
}

output "alarm_arns" {
  description = "Alarm ARN by key."
  value       = { for k, a in aws_cloudwatch_metric_alarm.this : k => a.arn }
}

output "dashboard_name" {
  description = "CloudWatch dashboard name."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}

output "metric_names" {
  description = "The metric-name contract this module was built from (metrics.json, decoded): namespaces, dimensions and metric names of org-app, the access log, the canary and the AWS services."
  value       = local.metrics
}
