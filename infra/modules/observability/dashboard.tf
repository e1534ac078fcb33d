# One dashboard per regional stack, built with jsonencode so every metric name
# comes from metrics.json or an input. Rows: RED (rate, errors, duration) for
# org-app, the canary, nodes, NAT gateways, the NLB, and the alarms.

locals {
  svc_dims = [local.app.service_dimension, local.app.service_name]
  nlb_lb   = [local.aws.nlb.load_balancer_dimension, var.nlb_arn_suffix]
  nlb_tg   = [local.aws.nlb.target_group_dimension, var.target_group_arn_suffix, local.aws.nlb.load_balancer_dimension, var.nlb_arn_suffix]
  ci_dims  = [local.aws.container_insights.cluster_dimension, var.cluster_name]

  nat_azs = sort(keys(var.nat_gateway_ids))

  # A metric widget at (x, y), 8 wide and 6 high (a 24-column grid).
  widget = {
    type   = "metric"
    width  = 8
    height = 6
  }

  widget_props = {
    region = local.region
    view   = "timeSeries"
    period = 60
  }

  dashboard_widgets = concat(
    [
      {
        type       = "text", x = 0, y = 0, width = 24, height = 1
        properties = { markdown = "## ${var.name}: org-app (RED), canary, nodes, NAT, NLB. Alarms notify the topic ${aws_sns_topic.alarms.name}." }
      },

      # --- RED ---
      merge(local.widget, {
        x = 0, y = 1
        properties = merge(local.widget_props, {
          title = "Request rate (req/s, ${local.app.namespace} ${local.app.metrics.requests_total})"
          stat  = "Sum"
          metrics = [
            concat([local.app.namespace, local.app.metrics.requests_total], local.svc_dims, [{ id = "total", visible = false }]),
            [{ expression = "total / PERIOD(total)", label = "requests/s", id = "rate" }],
          ]
        })
      }),
      merge(local.widget, {
        x = 8, y = 1
        properties = merge(local.widget_props, {
          title = "Errors (access log)"
          stat  = "Sum"
          metrics = [
            [local.access_log.namespace, local.access_log.metrics.errors_5xx, { id = "errors", label = "5xx" }],
            [local.access_log.namespace, local.access_log.metrics.requests, { id = "requests", visible = false }],
            [{ expression = "100 * FILL(errors, 0) / requests", label = "5xx %", id = "ratio", yAxis = "right" }],
          ]
          annotations = { horizontal = [{ label = "5xx alarm", value = tonumber(format("%.6g", var.error_5xx_ratio_threshold * 100)), yAxis = "right" }] }
        })
      }),
      merge(local.widget, {
        x = 16, y = 1
        properties = merge(local.widget_props, {
          title = "Duration (ms, access log ${local.access_log.metrics.latency})"
          metrics = [
            [local.access_log.namespace, local.access_log.metrics.latency, { stat = "p50", label = "p50" }],
            [local.access_log.namespace, local.access_log.metrics.latency, { stat = "p99", label = "p99" }],
          ]
          annotations = { horizontal = [{ label = "p99 alarm", value = var.latency_p99_threshold_ms }] }
        })
      }),

      # --- Canary ---
      merge(local.widget, {
        x = 0, y = 7, width = 12
        properties = merge(local.widget_props, {
          title  = "Canary success (%, all flows)"
          period = 300
          stat   = "Sum"
          metrics = [
            [local.canary.namespace, local.canary.metrics.success, { id = "passed", visible = false }],
            [local.canary.namespace, local.canary.metrics.failure, { id = "failed", label = "failed checks", yAxis = "right" }],
            [{ expression = "100 * FILL(passed, 0) / (FILL(passed, 0) + FILL(failed, 0))", label = "success %", id = "success" }],
          ]
          annotations = { horizontal = [{ label = "SLO", value = var.canary_success_slo_percent }] }
        })
      }),
      merge(local.widget, {
        x = 12, y = 7, width = 12
        properties = merge(local.widget_props, {
          title = "Canary check duration (ms)"
          metrics = [
            [local.canary.namespace, local.canary.metrics.duration, { stat = "p50", label = "p50" }],
            [local.canary.namespace, local.canary.metrics.duration, { stat = "p99", label = "p99" }],
          ]
        })
      }),
    ],

    # --- Nodes ---
    var.container_insights_enabled ? [
      merge(local.widget, {
        x = 0, y = 13
        properties = merge(local.widget_props, {
          title = "Nodes (${var.cluster_name})"
          stat  = "Minimum"
          metrics = [
            concat([local.aws.container_insights.namespace, local.aws.container_insights.metrics.node_count], local.ci_dims, [{ label = "nodes" }]),
            concat([local.aws.container_insights.namespace, local.aws.container_insights.metrics.failed_node_count], local.ci_dims, [{ label = "failed nodes", stat = "Maximum" }]),
          ]
          annotations = { horizontal = [{ label = "minimum", value = var.min_ready_nodes }] }
        })
      }),
    ] : [],

    # --- NAT ---
    length(local.nat_azs) > 0 ? [
      merge(local.widget, {
        x = 8, y = 13
        properties = merge(local.widget_props, {
          title = "NAT gateways: bytes"
          stat  = "Sum"
          metrics = concat(
            [for az in local.nat_azs : [local.aws.nat_gateway.namespace, local.aws.nat_gateway.metrics.bytes_out_to_destination, local.aws.nat_gateway.gateway_dimension, var.nat_gateway_ids[az], { label = "${az} out" }]],
            [for az in local.nat_azs : [local.aws.nat_gateway.namespace, local.aws.nat_gateway.metrics.bytes_in_from_destination, local.aws.nat_gateway.gateway_dimension, var.nat_gateway_ids[az], { label = "${az} in" }]],
          )
        })
      }),
      merge(local.widget, {
        x = 16, y = 13
        properties = merge(local.widget_props, {
          title = "NAT gateways: port allocation errors, dropped packets"
          stat  = "Sum"
          metrics = concat(
            [for az in local.nat_azs : [local.aws.nat_gateway.namespace, local.aws.nat_gateway.metrics.port_allocation_errors, local.aws.nat_gateway.gateway_dimension, var.nat_gateway_ids[az], { label = "${az} port allocation errors" }]],
            [for az in local.nat_azs : [local.aws.nat_gateway.namespace, local.aws.nat_gateway.metrics.packets_drop_count, local.aws.nat_gateway.gateway_dimension, var.nat_gateway_ids[az], { label = "${az} dropped packets" }]],
          )
        })
      }),
    ] : [],

    # --- NLB ---
    [
      merge(local.widget, {
        x = 0, y = 19
        properties = merge(local.widget_props, {
          title = "NLB targets"
          metrics = [
            concat([local.aws.nlb.namespace, local.aws.nlb.metrics.healthy_hosts], local.nlb_tg, [{ stat = "Minimum", label = "healthy" }]),
            concat([local.aws.nlb.namespace, local.aws.nlb.metrics.unhealthy_hosts], local.nlb_tg, [{ stat = "Maximum", label = "unhealthy" }]),
          ]
        })
      }),
      merge(local.widget, {
        x = 8, y = 19
        properties = merge(local.widget_props, {
          title = "NLB TLS flows"
          metrics = [
            concat([local.aws.nlb.namespace, local.aws.nlb.metrics.active_flows_tls], local.nlb_lb, [{ stat = "Average", label = "active" }]),
            concat([local.aws.nlb.namespace, local.aws.nlb.metrics.new_flows_tls], local.nlb_lb, [{ stat = "Sum", label = "new" }]),
          ]
        })
      }),
      merge(local.widget, {
        x = 16, y = 19
        properties = merge(local.widget_props, {
          title = "NLB TLS negotiation errors"
          stat  = "Sum"
          metrics = [
            concat([local.aws.nlb.namespace, local.aws.nlb.metrics.client_tls_errors], local.nlb_lb, [{ label = "client" }]),
            concat([local.aws.nlb.namespace, local.aws.nlb.metrics.target_tls_errors], local.nlb_lb, [{ label = "target" }]),
          ]
        })
      }),
      {
        type = "alarm", x = 0, y = 25, width = 24, height = 4
        properties = {
          title  = "Alarms"
          alarms = [for k in sort(keys(aws_cloudwatch_metric_alarm.this)) : aws_cloudwatch_metric_alarm.this[k].arn]
        }
      },
    ],
  )
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name
  dashboard_body = jsonencode({ widgets = local.dashboard_widgets })
}
