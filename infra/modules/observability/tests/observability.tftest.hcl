# modules/observability planned against OpenTofu's mock provider (offline).
#
# The metric names and namespaces are checked against metrics.json read here,
# independently of the module: it is the contract org-app, the canary and the
# chart are tested against too.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { region = "us-east-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
}

override_resource {
  target = aws_sns_topic.alarms
  values = { arn = "arn:aws:sns:us-east-1:123456789012:unit-alarms" }
}
override_resource {
  target = aws_kms_key.this
  values = { arn = "arn:aws:kms:us-east-1:123456789012:key/observability", key_id = "observability" }
}

variables {
  name                    = "unit"
  cluster_name            = "unit-cluster"
  nlb_arn_suffix          = "net/unit-nlb/0123456789abcdef"
  target_group_arn_suffix = "targetgroup/unit-tg/fedcba9876543210"
  nat_gateway_ids = {
    "us-east-1a" = "nat-0aaaaaaaaaaaaaaaa"
    "us-east-1b" = "nat-0bbbbbbbbbbbbbbbb"
  }
  alarm_email_addresses = ["oncall@example.com"]
  alarm_https_endpoints = ["https://events.example.com/sns"]
}

run "log_groups" {
  command = plan

  assert {
    condition = (
      toset(keys(aws_cloudwatch_log_group.this)) == toset(["app", "metrics", "canary", "platform"]) &&
      aws_cloudwatch_log_group.this["app"].name == "/org-app/unit/app" &&
      aws_cloudwatch_log_group.this["metrics"].name == "/org-app/unit/metrics" &&
      aws_cloudwatch_log_group.this["canary"].name == "/org-app/unit/canary" &&
      aws_cloudwatch_log_group.this["platform"].name == "/org-app/unit/platform"
    )
    error_message = "The four log groups must be named /org-app/<name>/{app,metrics,canary,platform}."
  }

  assert {
    condition = alltrue([
      for g in aws_cloudwatch_log_group.this :
      g.kms_key_id == "arn:aws:kms:us-east-1:123456789012:key/observability" && g.retention_in_days > 0 && g.log_group_class == "STANDARD"
    ])
    error_message = "Every log group must be encrypted with the module key, have a retention and be STANDARD (metric filters)."
  }

  assert {
    condition = (
      aws_cloudwatch_log_group.this["app"].retention_in_days == 90 &&
      aws_cloudwatch_log_group.this["metrics"].retention_in_days == 7 &&
      aws_cloudwatch_log_group.this["canary"].retention_in_days == 30 &&
      aws_cloudwatch_log_group.this["platform"].retention_in_days == 90
    )
    error_message = "Default retentions must be app 90, metrics 7, canary 30, platform 90 days."
  }

  assert {
    condition = (
      output.app_log_group_name == "/org-app/unit/app" &&
      output.metrics_log_group_name == "/org-app/unit/metrics" &&
      output.canary_log_group_name == "/org-app/unit/canary" &&
      output.log_group_names["platform"] == "/org-app/unit/platform"
    )
    error_message = "The log group outputs must name the log groups."
  }
}

run "kms_key_policy" {
  command = plan

  assert {
    condition     = aws_kms_key.this.enable_key_rotation == true && aws_kms_key.this.deletion_window_in_days == 30
    error_message = "The module key must rotate and wait 30 days before deletion."
  }

  assert {
    condition = (
      one([for s in jsondecode(aws_kms_key.this.policy).Statement : s if s.Sid == "CloudWatchLogsOfThisStack"]).Principal.Service == "logs.us-east-1.amazonaws.com" &&
      one([for s in jsondecode(aws_kms_key.this.policy).Statement : s if s.Sid == "CloudWatchLogsOfThisStack"]).Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"] == "arn:aws:logs:us-east-1:123456789012:log-group:/org-app/unit/*"
    )
    error_message = "CloudWatch Logs of this region may use the key only for this stack's log groups."
  }

  assert {
    condition = (
      one([for s in jsondecode(aws_kms_key.this.policy).Statement : s if s.Sid == "CloudWatchAlarmsPublishToTheTopic"]).Principal.Service == "cloudwatch.amazonaws.com" &&
      toset(one([for s in jsondecode(aws_kms_key.this.policy).Statement : s if s.Sid == "CloudWatchAlarmsPublishToTheTopic"]).Action) == toset(["kms:Decrypt", "kms:GenerateDataKey*"])
    )
    error_message = "CloudWatch must be able to use the key to publish to the encrypted alarm topic, and nothing more."
  }

  assert {
    condition     = length(jsondecode(aws_kms_key.this.policy).Statement) == 3
    error_message = "The key policy must hold exactly the administration, Logs and CloudWatch statements."
  }
}

run "alarm_topic" {
  command = plan

  assert {
    condition     = aws_sns_topic.alarms.kms_master_key_id == "arn:aws:kms:us-east-1:123456789012:key/observability"
    error_message = "The alarm topic must be encrypted with the module key."
  }

  assert {
    condition = (
      one([for s in jsondecode(aws_sns_topic_policy.alarms.policy).Statement : s if s.Sid == "CloudWatchAlarmsOfThisAccount"]).Principal.Service == "cloudwatch.amazonaws.com" &&
      one([for s in jsondecode(aws_sns_topic_policy.alarms.policy).Statement : s if s.Sid == "CloudWatchAlarmsOfThisAccount"]).Condition.StringEquals["aws:SourceAccount"] == "123456789012" &&
      one([for s in jsondecode(aws_sns_topic_policy.alarms.policy).Statement : s if s.Sid == "DenyInsecureTransport"]).Effect == "Deny"
    )
    error_message = "Only this account's CloudWatch alarms may publish, and only over TLS."
  }

  assert {
    condition = (
      length(aws_sns_topic_subscription.email) == 1 &&
      aws_sns_topic_subscription.email["oncall@example.com"].protocol == "email" &&
      length(aws_sns_topic_subscription.https) == 1 &&
      aws_sns_topic_subscription.https["https://events.example.com/sns"].protocol == "https" &&
      alltrue([for s in concat(values(aws_sns_topic_subscription.email), values(aws_sns_topic_subscription.https)) : s.topic_arn == "arn:aws:sns:us-east-1:123456789012:unit-alarms"])
    )
    error_message = "One e-mail and one HTTPS subscription must be made on the alarm topic."
  }
}

run "metric_filters_follow_the_contract" {
  command = plan

  assert {
    condition = (
      aws_cloudwatch_log_metric_filter.access_log["requests"].metric_transformation[0].name == jsondecode(file("metrics.json")).access_log.metrics.requests &&
      aws_cloudwatch_log_metric_filter.access_log["errors_5xx"].metric_transformation[0].name == jsondecode(file("metrics.json")).access_log.metrics.errors_5xx &&
      aws_cloudwatch_log_metric_filter.access_log["latency"].metric_transformation[0].name == jsondecode(file("metrics.json")).access_log.metrics.latency &&
      alltrue([for f in aws_cloudwatch_log_metric_filter.access_log : f.metric_transformation[0].namespace == jsondecode(file("metrics.json")).access_log.namespace && f.log_group_name == "/org-app/unit/app"])
    )
    error_message = "The access-log metric filters must publish the metrics.json names in its namespace, from the app log group."
  }

  assert {
    condition = (
      aws_cloudwatch_log_metric_filter.access_log["requests"].pattern == "{ $.msg = \"request\" }" &&
      aws_cloudwatch_log_metric_filter.access_log["errors_5xx"].pattern == "{ $.msg = \"request\" && $.status >= 500 }" &&
      aws_cloudwatch_log_metric_filter.access_log["errors_5xx"].metric_transformation[0].default_value == "0" &&
      aws_cloudwatch_log_metric_filter.access_log["latency"].metric_transformation[0].value == "$.duration_ms" &&
      aws_cloudwatch_log_metric_filter.access_log["latency"].metric_transformation[0].unit == "Milliseconds"
    )
    error_message = "The filters must match org-app's access log lines (msg \"request\", status, duration_ms in milliseconds)."
  }
}

run "alarms" {
  command = plan

  assert {
    condition = toset(keys(aws_cloudwatch_metric_alarm.this)) == toset([
      "5xx-ratio", "latency-p99", "canary-success", "nlb-unhealthy-hosts", "nlb-healthy-hosts",
      "nat-port-allocation-us-east-1a", "nat-port-allocation-us-east-1b", "ready-nodes",
    ])
    error_message = "Expected the 5xx, p99, canary, NLB (unhealthy, healthy), NAT per gateway and node-count alarms."
  }

  assert {
    condition = alltrue([
      for a in aws_cloudwatch_metric_alarm.this :
      a.alarm_actions == toset(["arn:aws:sns:us-east-1:123456789012:unit-alarms"]) &&
      a.ok_actions == toset(["arn:aws:sns:us-east-1:123456789012:unit-alarms"]) &&
      a.actions_enabled == true
    ])
    error_message = "Every alarm must notify the alarm topic on ALARM and on OK."
  }

  assert {
    condition = alltrue([
      for a in aws_cloudwatch_metric_alarm.this : contains(["breaching", "notBreaching"], a.treat_missing_data)
    ])
    error_message = "Every alarm must decide how missing data is treated."
  }

  # 5xx ratio: metric math over the access-log metrics.
  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["5xx-ratio"].threshold == 0.01 &&
      aws_cloudwatch_metric_alarm.this["5xx-ratio"].comparison_operator == "GreaterThanThreshold" &&
      aws_cloudwatch_metric_alarm.this["5xx-ratio"].treat_missing_data == "notBreaching" &&
      toset([for q in aws_cloudwatch_metric_alarm.this["5xx-ratio"].metric_query : q.metric[0].metric_name if length(q.metric) > 0]) == toset([
        jsondecode(file("metrics.json")).access_log.metrics.errors_5xx,
        jsondecode(file("metrics.json")).access_log.metrics.requests,
      ]) &&
      alltrue([for q in aws_cloudwatch_metric_alarm.this["5xx-ratio"].metric_query : q.metric[0].namespace == jsondecode(file("metrics.json")).access_log.namespace if length(q.metric) > 0]) &&
      one([for q in aws_cloudwatch_metric_alarm.this["5xx-ratio"].metric_query : q if q.return_data]).expression == "FILL(errors, 0) / requests"
    )
    error_message = "The 5xx alarm must divide access-log Errors5xx by Requests and compare with the threshold."
  }

  # p99 latency: a percentile of LatencyMs.
  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["latency-p99"].namespace == jsondecode(file("metrics.json")).access_log.namespace &&
      aws_cloudwatch_metric_alarm.this["latency-p99"].metric_name == jsondecode(file("metrics.json")).access_log.metrics.latency &&
      aws_cloudwatch_metric_alarm.this["latency-p99"].extended_statistic == "p99" &&
      aws_cloudwatch_metric_alarm.this["latency-p99"].threshold == 300
    )
    error_message = "The latency alarm must watch p99 of the access-log LatencyMs against 300 ms."
  }

  # Canary: success ratio over the empty dimension set, below the SLO.
  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["canary-success"].comparison_operator == "LessThanThreshold" &&
      aws_cloudwatch_metric_alarm.this["canary-success"].threshold == 99.9 &&
      aws_cloudwatch_metric_alarm.this["canary-success"].treat_missing_data == "breaching" &&
      toset([for q in aws_cloudwatch_metric_alarm.this["canary-success"].metric_query : q.metric[0].metric_name if length(q.metric) > 0]) == toset([
        jsondecode(file("metrics.json")).canary.metrics.success,
        jsondecode(file("metrics.json")).canary.metrics.failure,
      ]) &&
      alltrue([
        for q in aws_cloudwatch_metric_alarm.this["canary-success"].metric_query :
        q.metric[0].namespace == jsondecode(file("metrics.json")).canary.namespace && length(q.metric[0].dimensions) == 0
        if length(q.metric) > 0
      ])
    )
    error_message = "The canary alarm must compute CheckSuccess/(CheckSuccess+CheckFailure) over the canary namespace with no dimensions, alarm below the SLO and treat silence as failure."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["nlb-unhealthy-hosts"].namespace == "AWS/NetworkELB" &&
      aws_cloudwatch_metric_alarm.this["nlb-unhealthy-hosts"].metric_name == "UnHealthyHostCount" &&
      aws_cloudwatch_metric_alarm.this["nlb-unhealthy-hosts"].dimensions == tomap({ TargetGroup = "targetgroup/unit-tg/fedcba9876543210", LoadBalancer = "net/unit-nlb/0123456789abcdef" }) &&
      aws_cloudwatch_metric_alarm.this["nlb-unhealthy-hosts"].threshold == 0 &&
      aws_cloudwatch_metric_alarm.this["nlb-unhealthy-hosts"].comparison_operator == "GreaterThanThreshold"
    )
    error_message = "The NLB alarm must fire on UnHealthyHostCount > 0 for the target group on the load balancer."
  }

  assert {
    condition = alltrue([
      for az, id in { "us-east-1a" = "nat-0aaaaaaaaaaaaaaaa", "us-east-1b" = "nat-0bbbbbbbbbbbbbbbb" } :
      aws_cloudwatch_metric_alarm.this["nat-port-allocation-${az}"].namespace == "AWS/NATGateway" &&
      aws_cloudwatch_metric_alarm.this["nat-port-allocation-${az}"].metric_name == "ErrorPortAllocation" &&
      aws_cloudwatch_metric_alarm.this["nat-port-allocation-${az}"].dimensions == tomap({ NatGatewayId = id }) &&
      aws_cloudwatch_metric_alarm.this["nat-port-allocation-${az}"].threshold == 0 &&
      aws_cloudwatch_metric_alarm.this["nat-port-allocation-${az}"].comparison_operator == "GreaterThanThreshold"
    ])
    error_message = "Each NAT gateway must have an ErrorPortAllocation > 0 alarm."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["ready-nodes"].namespace == "ContainerInsights" &&
      aws_cloudwatch_metric_alarm.this["ready-nodes"].metric_name == "cluster_node_count" &&
      aws_cloudwatch_metric_alarm.this["ready-nodes"].dimensions == tomap({ ClusterName = "unit-cluster" }) &&
      aws_cloudwatch_metric_alarm.this["ready-nodes"].comparison_operator == "LessThanThreshold" &&
      aws_cloudwatch_metric_alarm.this["ready-nodes"].threshold == 2 &&
      aws_cloudwatch_metric_alarm.this["ready-nodes"].treat_missing_data == "breaching"
    )
    error_message = "The node alarm must fire when cluster_node_count for the cluster drops below the minimum."
  }
}

run "dashboard" {
  command = plan

  assert {
    condition = (
      aws_cloudwatch_dashboard.this.dashboard_name == "unit" &&
      length(jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets) == 13
    )
    error_message = "The dashboard must hold the title, 3 RED, 2 canary, 1 node, 2 NAT, 3 NLB and the alarm widgets."
  }

  assert {
    condition = alltrue([
      for title in [
        "Request rate (req/s, OrgApp http_requests_total)", "Errors (access log)", "Duration (ms, access log LatencyMs)",
        "Canary success (%, all flows)", "Canary check duration (ms)", "Nodes (unit-cluster)",
        "NAT gateways: bytes", "NAT gateways: port allocation errors, dropped packets",
        "NLB targets", "NLB TLS flows", "NLB TLS negotiation errors",
      ] : contains([for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : try(w.properties.title, "")], title)
    ])
    error_message = "The dashboard must chart RED, the canary, nodes, NAT and the NLB."
  }

  assert {
    condition = contains(
      [for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : w.properties.metrics[0] if try(w.properties.title, "") == "Request rate (req/s, OrgApp http_requests_total)"][0],
      jsondecode(file("metrics.json")).app.metrics.requests_total
    )
    error_message = "The request-rate widget must chart org-app's http_requests_total (metrics.json)."
  }
}

run "without_container_insights_or_nat" {
  command = plan

  variables {
    container_insights_enabled = false
    nat_gateway_ids            = {}
  }

  assert {
    condition = (
      !contains(keys(aws_cloudwatch_metric_alarm.this), "ready-nodes") &&
      length([for k in keys(aws_cloudwatch_metric_alarm.this) : k if startswith(k, "nat-")]) == 0 &&
      length(aws_cloudwatch_metric_alarm.this) == 5 &&
      length(jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets) == 10
    )
    error_message = "Without Container Insights there is no node alarm or widget; without NAT gateways no NAT alarms or widgets."
  }
}
