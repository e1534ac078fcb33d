# Security groups (ADR 0112). Two groups the module owns:
#
#   cluster: extra group on the control-plane ENIs. In: 443 from the jump-host
#            subnet(s), the optional CI runner CIDRs, the optional API client
#            groups (the deploy executor, ADR 0407) and the nodes.
#   node:    the only group of every node and pod (the launch template names
#            it, so EKS does not add its own cluster security group to nodes).
#
# EKS also puts its own "cluster security group" on the control-plane ENIs
# (all traffic from itself, all egress). No node carries it, so it admits
# nothing from the nodes; the control plane's egress to the nodes is allowed
# by it and, explicitly, by the cluster group below. Every rule names its peer:
# a security group, a prefix list or a CIDR; none admits 0.0.0.0/0. Both
# groups use name prefixes: a replacement (create_before_destroy) or a
# re-create next to a group an interrupted destroy left behind never collides.

data "aws_ec2_managed_prefix_list" "s3" {
  count = var.s3_prefix_list_id == null ? 1 : 0

  name = "com.amazonaws.${local.region}.s3"
}

locals {
  s3_prefix_list_id = coalesce(var.s3_prefix_list_id, try(data.aws_ec2_managed_prefix_list.s3[0].id, null))
  vpc_resolver_cidr = "${cidrhost(var.vpc_cidr, 2)}/32"

  # Node-to-node (pods and kubelets on different nodes): DNS to CoreDNS,
  # unprivileged ports (app 8080/8081/8000, kubelet 10250 for metrics-server,
  # webhooks) and the gateway port for in-cluster clients of the gateway.
  node_to_node = merge(
    {
      "dns-tcp"   = { protocol = "tcp", from = 53, to = 53, description = "DNS (TCP) to CoreDNS" }
      "dns-udp"   = { protocol = "udp", from = 53, to = 53, description = "DNS (UDP) to CoreDNS" }
      "ephemeral" = { protocol = "tcp", from = 1025, to = 65535, description = "Pod and kubelet ports 1025-65535" }
    },
    var.gateway_port < 1025 ? {
      "gateway" = { protocol = "tcp", from = var.gateway_port, to = var.gateway_port, description = "Gateway port from in-cluster clients" }
    } : {},
  )

  ingress_rules = merge(
    # Control plane: operators (through the jump host), CI runners, nodes.
    {
      for c in var.jump_host_cidrs : "cluster-https-from-jump-${c}" => {
        sg          = "cluster"
        protocol    = "tcp"
        from        = 443
        to          = 443
        cidr        = c
        prefix_list = null
        peer_sg     = null
        description = "Kubernetes API from the jump-host subnet"
      }
    },
    {
      for c in var.ci_runner_cidrs : "cluster-https-from-ci-${c}" => {
        sg          = "cluster"
        protocol    = "tcp"
        from        = 443
        to          = 443
        cidr        = c
        prefix_list = null
        peer_sg     = null
        description = "Kubernetes API from CI runners"
      }
    },
    {
      for k, id in var.api_client_security_group_ids : "cluster-https-from-${k}" => {
        sg          = "cluster"
        protocol    = "tcp"
        from        = 443
        to          = 443
        cidr        = null
        prefix_list = null
        peer_sg     = id
        description = "Kubernetes API from ${k}"
      }
    },
    {
      "cluster-https-from-nodes" = {
        sg          = "cluster"
        protocol    = "tcp"
        from        = 443
        to          = 443
        cidr        = null
        prefix_list = null
        peer_sg     = "node"
        description = "Kubernetes API from nodes and pods"
      }
    },
    # Nodes: the control plane (kubelet, webhooks), other nodes, the NLB.
    {
      for p in var.cluster_to_node_ports : "node-from-cluster-${p}" => {
        sg          = "node"
        protocol    = "tcp"
        from        = p
        to          = p
        cidr        = null
        prefix_list = null
        peer_sg     = "cluster"
        description = p == 10250 ? "Kubelet from the control plane" : "Webhook / aggregated API from the control plane"
      }
    },
    {
      for k, r in local.node_to_node : "node-from-nodes-${k}" => {
        sg          = "node"
        protocol    = r.protocol
        from        = r.from
        to          = r.to
        cidr        = null
        prefix_list = null
        peer_sg     = "node"
        description = r.description
      }
    },
    {
      for c in var.lb_public_subnet_cidrs : "node-gateway-from-nlb-${c}" => {
        sg          = "node"
        protocol    = "tcp"
        from        = var.gateway_port
        to          = var.gateway_port
        cidr        = c
        prefix_list = null
        peer_sg     = null
        description = "Gateway port from the NLB subnet (traffic and health checks)"
      }
    },
  )

  egress_rules = merge(
    # Control plane to nodes (EKS's own group allows it too; see above).
    {
      for p in var.cluster_to_node_ports : "cluster-to-nodes-${p}" => {
        sg          = "cluster"
        protocol    = "tcp"
        from        = p
        to          = p
        cidr        = null
        prefix_list = null
        peer_sg     = "node"
        description = p == 10250 ? "Kubelet on the nodes" : "Webhook / aggregated API on the nodes"
      }
    },
    # Nodes: the API, the VPC endpoints, S3 (ECR layers), DNS, other nodes.
    {
      "node-https-to-cluster" = {
        sg          = "node"
        protocol    = "tcp"
        from        = 443
        to          = 443
        cidr        = null
        prefix_list = null
        peer_sg     = "cluster"
        description = "Kubernetes API"
      }
      "node-https-to-s3" = {
        sg          = "node"
        protocol    = "tcp"
        from        = 443
        to          = 443
        cidr        = null
        prefix_list = local.s3_prefix_list_id
        peer_sg     = null
        description = "S3 gateway endpoint (ECR image layers)"
      }
      "node-dns-tcp-to-resolver" = {
        sg          = "node"
        protocol    = "tcp"
        from        = 53
        to          = 53
        cidr        = local.vpc_resolver_cidr
        prefix_list = null
        peer_sg     = null
        description = "DNS (TCP) to the VPC resolver"
      }
      "node-dns-udp-to-resolver" = {
        sg          = "node"
        protocol    = "udp"
        from        = 53
        to          = 53
        cidr        = local.vpc_resolver_cidr
        prefix_list = null
        peer_sg     = null
        description = "DNS (UDP) to the VPC resolver"
      }
    },
    {
      for c in var.vpc_endpoint_cidrs : "node-https-to-endpoints-${c}" => {
        sg          = "node"
        protocol    = "tcp"
        from        = 443
        to          = 443
        cidr        = c
        prefix_list = null
        peer_sg     = null
        description = "Interface VPC endpoints (ECR, STS, EKS Auth, Logs, ...)"
      }
    },
    {
      for k, r in local.node_to_node : "node-to-nodes-${k}" => {
        sg          = "node"
        protocol    = r.protocol
        from        = r.from
        to          = r.to
        cidr        = null
        prefix_list = null
        peer_sg     = "node"
        description = r.description
      }
    },
  )

  security_group_ids = {
    cluster = aws_security_group.cluster.id
    node    = aws_security_group.node.id
  }
}

resource "aws_security_group" "cluster" {
  name_prefix = "${var.name}-eks-cluster-"
  description = "EKS control plane: Kubernetes API from the jump host, CI runners and nodes"
  vpc_id      = var.vpc_id

  tags = merge(local.tags, { Name = "${var.name}-eks-cluster" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_security_group" "node" {
  name_prefix = "${var.name}-eks-node-"
  description = "EKS nodes and pods: control plane, other nodes and the NLB in; API, endpoints, DNS out"
  vpc_id      = var.vpc_id

  tags = merge(local.tags, { Name = "${var.name}-eks-node" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "this" {
  for_each = local.ingress_rules

  security_group_id            = local.security_group_ids[each.value.sg]
  description                  = each.value.description
  ip_protocol                  = each.value.protocol
  from_port                    = each.value.from
  to_port                      = each.value.to
  cidr_ipv4                    = each.value.cidr
  prefix_list_id               = each.value.prefix_list
  referenced_security_group_id = each.value.peer_sg == null ? null : lookup(local.security_group_ids, each.value.peer_sg, each.value.peer_sg)

  tags = merge(local.tags, { Name = "${var.name}-${each.key}" })
}

resource "aws_vpc_security_group_egress_rule" "this" {
  for_each = local.egress_rules

  security_group_id            = local.security_group_ids[each.value.sg]
  description                  = each.value.description
  ip_protocol                  = each.value.protocol
  from_port                    = each.value.from
  to_port                      = each.value.to
  cidr_ipv4                    = each.value.cidr
  prefix_list_id               = each.value.prefix_list
  referenced_security_group_id = each.value.peer_sg == null ? null : lookup(local.security_group_ids, each.value.peer_sg, each.value.peer_sg)

  tags = merge(local.tags, { Name = "${var.name}-${each.key}" })
}
