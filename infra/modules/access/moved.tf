# The Client VPN and bastion resources gained `count` (operator_path): their
# existing objects move to instance [0], so an apply of this version with the
# default "client_vpn" replaces nothing. (OpenTofu and Terraform also do this
# implicitly; the blocks make it explicit and reviewable.)

moved {
  from = aws_kms_key.logs
  to   = aws_kms_key.logs[0]
}

moved {
  from = aws_kms_alias.logs
  to   = aws_kms_alias.logs[0]
}

moved {
  from = aws_cloudwatch_log_group.vpn
  to   = aws_cloudwatch_log_group.vpn[0]
}

moved {
  from = aws_cloudwatch_log_stream.vpn
  to   = aws_cloudwatch_log_stream.vpn[0]
}

moved {
  from = aws_security_group.vpn
  to   = aws_security_group.vpn[0]
}

moved {
  from = aws_ec2_client_vpn_endpoint.this
  to   = aws_ec2_client_vpn_endpoint.this[0]
}

moved {
  from = aws_security_group.bastion
  to   = aws_security_group.bastion[0]
}

moved {
  from = aws_launch_template.bastion
  to   = aws_launch_template.bastion[0]
}
