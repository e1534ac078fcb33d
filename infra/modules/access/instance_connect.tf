# EC2 Instance Connect Endpoint (operator_path "instance_connect_endpoint"; a
# dev cost option, docs/cost.md "Dev: what would reach $250", step 4). Nothing
# in this file exists with the default "client_vpn".
#
#   operator --OpenTunnel (AWS API, IAM, CloudTrail)--> endpoint ENI (jump-host subnet)
#            --TCP 22--> jump host sshd --ssh -L--> EKS private API :443
#
# It replaces the Client VPN and the bastions, not the jump host: the tunnel
# only carries the operator's SSH to the jump host's port 22, where the same
# hardened, relay-only sshd forwards to the API endpoint as on the VPN path.
# SSH stays the only way in (ADR 0104): the endpoint reaches nothing but TCP 22
# of the jump host (its security group), and the operators' policy allows
# tunnels only to port 22 of addresses in the jump-host subnets.
#
# - One endpoint, in the jump-host subnet of instance_connect_endpoint_az (by
#   default the first AZ, sorted): it reaches the jump host in any AZ of the
#   VPC (cross-AZ data transfer is billed).
# - preserve_client_ip = false: connections reach the jump host from the
#   endpoint's ENI, so the jump host's security group can name the endpoint's
#   security group instead of an internet address range.
# - The module creates the operators' policy but attaches it to nobody: the
#   account's identity set-up attaches it to the operators' permission set or
#   role, next to their EKS access entry (ADR 0105). No instance gets a role.

locals {
  # Where the endpoint lives: the AZ asked for, else the first AZ (sorted)
  # of the jump-host subnets.
  eic_az = coalesce(var.instance_connect_endpoint_az, sort(keys(var.jump_host_subnets))[0])

  # The only addresses a tunnel may go to: the jump-host subnets.
  eic_target_cidrs = sort([for s in values(var.jump_host_subnets) : s.cidr_block])
}

resource "aws_security_group" "instance_connect_endpoint" {
  count = local.eic ? 1 : 0

  name        = "${var.name}-instance-connect"
  description = "EC2 Instance Connect Endpoint: no ingress; egress only SSH to the jump host"
  vpc_id      = var.app_vpc_id

  tags = merge(local.tags, { Name = "${var.name}-instance-connect" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_ec2_instance_connect_endpoint" "this" {
  count = local.eic ? 1 : 0

  subnet_id          = var.jump_host_subnets[local.eic_az].id
  security_group_ids = [aws_security_group.instance_connect_endpoint[0].id]
  preserve_client_ip = false

  tags = merge(local.tags, { Name = "${var.name}-operators" })
}

# The operators' permissions for this path, least privilege:
# - OpenTunnel on this endpoint only, to port 22 only, to addresses of the
#   jump-host subnets only, for at most instance_connect_max_tunnel_seconds.
# - The two read-only Describe calls the AWS CLI makes to find the instance's
#   address and the endpoint (`open-tunnel --instance-id`); neither supports
#   resource-level permissions, so their Resource is "*".
# Pushing a short-lived key (ec2-instance-connect:SendSSHPublicKey, when
# ssh_public_key is null) is granted as on the VPN path, outside this module.
resource "aws_iam_policy" "operator_tunnel" {
  count = local.eic ? 1 : 0

  name        = "${var.name}-operator-tunnel"
  description = "${var.name}: open EC2 Instance Connect tunnels to the jump host's SSH port (the operators' way in)"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "OpenTunnelToTheJumpHostSsh"
        Effect   = "Allow"
        Action   = ["ec2-instance-connect:OpenTunnel"]
        Resource = [aws_ec2_instance_connect_endpoint.this[0].arn]
        Condition = {
          NumericEquals         = { "ec2-instance-connect:remotePort" = ["22"] }
          IpAddress             = { "ec2-instance-connect:privateIpAddress" = local.eic_target_cidrs }
          NumericLessThanEquals = { "ec2-instance-connect:maxTunnelDuration" = [tostring(var.instance_connect_max_tunnel_seconds)] }
        }
      },
      {
        Sid      = "FindTheJumpHostAndTheEndpoint"
        Effect   = "Allow"
        Action   = ["ec2:DescribeInstanceConnectEndpoints", "ec2:DescribeInstances"]
        Resource = ["*"]
      },
    ]
  })

  tags = merge(local.tags, { Name = "${var.name}-operator-tunnel" })
}
