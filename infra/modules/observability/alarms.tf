# Access-log metric filters and every alarm. All alarms notify the one topic
# on ALARM and on OK. treat_missing_data is decided per alarm:
#   - notBreaching where no data means nothing happened (no requests, no
#     errors reported);
#   - breaching where no data means the signal itself is lost (the canary or
#     Container Insights stopped reporting, the target group reports nothing).

# --- Metric filters on the app log group --------------------------------------
# org-app logs one JSON line per request: {"msg":"request","status":503,
# "duration_ms":12.5,...}. Filters turn them into Requests, Errors5xx and
# LatencyMs (raw values, so CloudWatch can compute percentiles; ADR 0130).

locals {
  request_pattern = "{ $.msg = \"${local.access_log.message}\" }"

  metric_filters = {
    requests = {
      metric  = local.access_log.metrics.requests
      pattern = local.request_pattern
      value   = "1"
      unit    = "Count"
      default = null
    }
    errors_5xx = {
      metric  = local.access_log.metrics.errors_5xx
      pattern = "{ $.msg = \"${local.access_log.message}\" && $.${local.access_log.status_field} >= 500 }"
      value   = "1"
      unit    = "Count"
      # 0 for every other log line: the ratio has an errors datapoint whenever
      # the service logs at all.
      default = "0"
    }
    latency = {
      metric  = local.access_log.metrics.latency
      pattern = local.request_pattern
      value   = "$.${local.access_log.duration_field}"
      unit    = "Milliseconds"
      default = null
    }
  }
}

resource "aws_cloudwatch_log_metric_filter" "access_log" {
  for_each = local.metric_filters

  name           = "${var.name}-${each.value.metric}"
  log_group_name = aws_cloudwatch_log_group.this["app"].name
  pattern        = each.value.pattern

  metric_transformation {
    namespace     = local.access_log.namespace
    name          = each.value.metric
    value         = each.value.value
    unit          = each.value.unit
    default_value = each.value.default
  }
}

# --- Alarm definitions -------------------------------------------------------
# Every alarm has the same shape so one resource creates them all: either a
# single metric (metric != null) or a metric-math query list (queries != []).

locals {
  nlb_dimensions = {
    (local.aws.nlb.load_balancer_dimension) = var.nlb_arn_suffix
    (local.aws.nlb.target_group_dimension)  = var.target_group_arn_suffix
  }

  alarms = merge(
    {
      "5xx-ratio" = {
        description = "org-app 5xx responses exceed ${format("%.4g", var.error_5xx_ratio_threshold * 100)}% of requests (access log ${local.access_log.metrics.errors_5xx} / ${local.access_log.metrics.requests})."
        comparison  = "GreaterThanThreshold"
        threshold   = var.error_5xx_ratio_threshold
        periods     = 5
        datapoints  = 3
        missing     = "notBreaching" # no requests: nothing failed; silence is the canary alarm's job
        metric      = null
        queries = [
          { id = "errors", expression = null, label = local.access_log.metrics.errors_5xx, return_data = false, namespace = local.access_log.namespace, metric_name = local.access_log.metrics.errors_5xx, dimensions = {}, stat = "Sum", period = 60 },
          { id = "requests", expression = null, label = local.access_log.metrics.requests, return_data = false, namespace = local.access_log.namespace, metric_name = local.access_log.metrics.requests, dimensions = {}, stat = "Sum", period = 60 },
          { id = "ratio", expression = "FILL(errors, 0) / requests", label = "5xx ratio", return_data = true, namespace = null, metric_name = null, dimensions = null, stat = null, period = null },
        ]
      }

      "latency-p99" = {
        description = "org-app p99 request duration (access log ${local.access_log.metrics.latency}) above ${var.latency_p99_threshold_ms} ms."
        comparison  = "GreaterThanThreshold"
        threshold   = var.latency_p99_threshold_ms
        periods     = 5
        datapoints  = 3
        missing     = "notBreaching" # no requests: no latency to judge
        metric = {
          namespace   = local.access_log.namespace
          metric_name = local.access_log.metrics.latency
          dimensions  = null
          stat        = "p99"
          period      = 60
        }
        queries = []
      }

      "canary-success" = {
        description = "Canary checks passing below the ${var.canary_success_slo_percent}% SLO (${local.canary.namespace} ${local.canary.metrics.success} / (${local.canary.metrics.success} + ${local.canary.metrics.failure}), all flows)."
        comparison  = "LessThanThreshold"
        threshold   = var.canary_success_slo_percent
        periods     = 3
        datapoints  = 2
        missing     = "breaching" # a silent canary is a failed canary
        metric      = null
        queries = [
          # The empty dimension set: the canary's aggregate over all flows.
          { id = "passed", expression = null, label = local.canary.metrics.success, return_data = false, namespace = local.canary.namespace, metric_name = local.canary.metrics.success, dimensions = {}, stat = "Sum", period = 300 },
          { id = "failed", expression = null, label = local.canary.metrics.failure, return_data = false, namespace = local.canary.namespace, metric_name = local.canary.metrics.failure, dimensions = {}, stat = "Sum", period = 300 },
          { id = "success", expression = "100 * FILL(passed, 0) / (FILL(passed, 0) + FILL(failed, 0))", label = "Canary success %", return_data = true, namespace = null, metric_name = null, dimensions = null, stat = null, period = null },
        ]
      }

      "nlb-unhealthy-hosts" = {
        description = "The NLB target group reports unhealthy gateway targets."
        comparison  = "GreaterThanThreshold"
        threshold   = 0
        periods     = 3
        datapoints  = 2
        missing     = "notBreaching" # nothing reported unhealthy
        metric = {
          namespace   = local.aws.nlb.namespace
          metric_name = local.aws.nlb.metrics.unhealthy_hosts
          dimensions  = local.nlb_dimensions
          stat        = "Maximum"
          period      = 60
        }
        queries = []
      }

      "nlb-healthy-hosts" = {
        description = "The NLB target group has fewer than ${var.min_healthy_targets} healthy gateway targets (none registered also counts)."
        comparison  = "LessThanThreshold"
        threshold   = var.min_healthy_targets
        periods     = 3
        datapoints  = 2
        missing     = "breaching" # no report at all: no target is serving
        metric = {
          namespace   = local.aws.nlb.namespace
          metric_name = local.aws.nlb.metrics.healthy_hosts
          dimensions  = local.nlb_dimensions
          stat        = "Minimum"
          period      = 60
        }
        queries = []
      }
    },

    {
      for az, id in var.nat_gateway_ids : "nat-port-allocation-${az}" => {
        description = "NAT gateway ${az} failed to allocate source ports (${local.aws.nat_gateway.metrics.port_allocation_errors} > 0): egress connections are being dropped."
        comparison  = "GreaterThanThreshold"
        threshold   = 0
        periods     = 1
        datapoints  = 1
        missing     = "notBreaching" # no errors reported
        metric = {
          namespace   = local.aws.nat_gateway.namespace
          metric_name = local.aws.nat_gateway.metrics.port_allocation_errors
          dimensions  = { (local.aws.nat_gateway.gateway_dimension) = id }
          stat        = "Sum"
          period      = 60
        }
        queries = []
      }
    },

    var.container_insights_enabled ? {
      "ready-nodes" = {
        description = "Cluster ${var.cluster_name} has fewer than ${var.min_ready_nodes} nodes (Container Insights ${local.aws.container_insights.metrics.node_count})."
        comparison  = "LessThanThreshold"
        threshold   = var.min_ready_nodes
        periods     = 5
        datapoints  = 3
        missing     = "breaching" # no report: the nodes or the agent are gone
        metric = {
          namespace   = local.aws.container_insights.namespace
          metric_name = local.aws.container_insights.metrics.node_count
          dimensions  = { (local.aws.container_insights.cluster_dimension) = var.cluster_name }
          stat        = "Minimum"
          period      = 60
        }
        queries = []
      }
    } : {},
  )
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name        = "${var.name}-${each.key}"
  alarm_description = each.value.description

  comparison_operator = each.value.comparison
  threshold           = each.value.threshold
  evaluation_periods  = each.value.periods
  datapoints_to_alarm = each.value.datapoints
  treat_missing_data  = each.value.missing

  # Single-metric alarms.
  namespace          = try(each.value.metric.namespace, null)
  metric_name        = try(each.value.metric.metric_name, null)
  dimensions         = try(each.value.metric.dimensions, null)
  period             = try(each.value.metric.period, null)
  statistic          = try(startswith(each.value.metric.stat, "p") ? null : each.value.metric.stat, null)
  extended_statistic = try(startswith(each.value.metric.stat, "p") ? each.value.metric.stat : null, null)
  # Percentile alarms on few samples stay in their state instead of flapping.
  evaluate_low_sample_count_percentiles = try(startswith(each.value.metric.stat, "p") ? "ignore" : null, null)

  # Metric-math alarms.
  dynamic "metric_query" {
    for_each = each.value.queries

    content {
      id          = metric_query.value.id
      expression  = metric_query.value.expression
      label       = metric_query.value.label
      return_data = metric_query.value.return_data

      dynamic "metric" {
        for_each = metric_query.value.metric_name == null ? [] : [metric_query.value]

        content {
          namespace   = metric.value.namespace
          metric_name = metric.value.metric_name
          dimensions  = metric.value.dimensions
          stat        = metric.value.stat
          period      = metric.value.period
        }
      }
    }
  }

  actions_enabled = true
  alarm_actions   = [aws_sns_topic.alarms.arn]
  ok_actions      = [aws_sns_topic.alarms.arn]

  tags = merge(local.tags, { Name = "${var.name}-${each.key}" })
}
